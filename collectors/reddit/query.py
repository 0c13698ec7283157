"""Reddit search queries built from the themes, and the per-query incremental cursors.

A theme's phrases and tickers become OR-queries (Reddit's lucene syntax), split so each stays
well under Reddit's 512-character query limit. A cursor is the creation time of the newest post a
query has returned; its key carries a hash of the query text, so editing a theme starts that
query afresh instead of resuming from a cursor that described a different search.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from attention.config import Config, MatchRules

SOURCE = "reddit"
MAX_QUERY_CHARS = 400


@dataclass(frozen=True)
class Search:
    theme: str
    subreddits: tuple[str, ...]
    query: str

    @property
    def label(self) -> str:
        return f"{self.theme} in r/{'+'.join(self.subreddits)}"

    def cursor_key(self, mode: str) -> str:
        digest = hashlib.sha1(self.query.encode()).hexdigest()[:10]
        return f"{mode}:{self.theme}:{'+'.join(self.subreddits)}:{digest}"


def _term(text: str) -> str:
    text = text.replace('"', "").strip()
    return f'"{text}"' if " " in text or "-" in text else text


def theme_queries(match: MatchRules) -> list[str]:
    """OR-queries covering a theme's phrases and tickers (deduplicated, order kept)."""
    terms = list(dict.fromkeys(_term(t) for t in [*match.phrases, *match.tickers] if t.strip()))
    queries, current = [], ""
    for term in terms:
        candidate = f"{current} OR {term}" if current else term
        if current and len(candidate) > MAX_QUERY_CHARS:
            queries.append(current)
            candidate = term
        current = candidate
    if current:
        queries.append(current)
    return queries


def theme_searches(config: Config, per_subreddit: bool) -> Iterator[Search]:
    """Every (theme, subreddits, query) to run. The API searches a theme's subreddits together
    (``r/a+b/search``); the public feeds are asked per subreddit."""
    for name, theme in config.themes.items():
        if not theme.subreddits:
            continue
        groups = [(s,) for s in theme.subreddits] if per_subreddit else [tuple(theme.subreddits)]
        for query in theme_queries(theme.match):
            for group in groups:
                yield Search(name, group, query)


def parse_cursor(value: str | None) -> float | None:
    """Cursor value -> epoch seconds (None when there is no cursor yet)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return dt.datetime.fromisoformat(value).timestamp()


def cursor_value(epoch: float) -> str:
    return f"{epoch:.3f}"
