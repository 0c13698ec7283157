"""Reddit without credentials: the public RSS/Atom search and listing feeds, per subreddit.

Fewer fields than the API (no score, no comments, the comment count only inside the HTML) and a
tighter limit (about 10 requests per minute), so the pacing is slower. Fetched with our
HttpClient and parsed from bytes with feedparser (DESIGN.md 5: never ``feedparser.parse(url)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from attention.config import Config
from attention.errors import AttentionError, AuthError, RetriableError
from collectors.core.feeds import FeedUnparseableError
from collectors.core.http import HttpStatusError
from collectors.core.records import CoverageSpan, CursorUpdate, Provenance, SourceNote, TextItem, utcnow
from collectors.reddit.cursor import QueryCursor, Walk, coverage_spans, walk_span
from collectors.reddit.items import AuthorPolicy, items_from_feed
from collectors.reddit.query import theme_searches

FEEDS_MIN_INTERVAL = 6.0  # about 10 requests per minute for unauthenticated clients
FEED_LIMIT = 100  # entries per feed request (Reddit's maximum)


@dataclass(frozen=True)
class Feed:
    key: str  # cursor key
    url: str
    params: dict[str, str]
    label: str
    unit_kind: str  # what its coverage is recorded for: query (a theme search) or subreddit
    unit: str


def feeds_for(config: Config) -> list[Feed]:
    """Search feeds per (theme query, subreddit), then one "new" listing per subreddit."""
    base = config.sources.reddit.public_url.rstrip("/")
    feeds: list[Feed] = []
    subs: dict[str, str] = {}
    for search in theme_searches(config, per_subreddit=True):
        sub = search.subreddits[0]
        subs.setdefault(sub.lower(), sub)
        params = {"q": search.query, "restrict_sr": "1", "sort": "new", "limit": str(FEED_LIMIT)}
        key = search.cursor_key("feeds")
        url = f"{base}/r/{sub}/search.rss"
        feeds.append(Feed(key, url, params, search.label, "query", key.removeprefix("feeds:")))
    for sub in subs.values():
        feeds.append(
            Feed(
                f"feeds:new:{sub}",
                f"{base}/r/{sub}/new.rss",
                {"limit": str(FEED_LIMIT)},
                f"r/{sub} new",
                "subreddit",
                sub.lower(),
            )
        )
    return feeds


@dataclass
class FeedsCollector:
    ctx: Any
    client: Any
    authors: AuthorPolicy
    version: str

    def run(self) -> Iterator[TextItem | CursorUpdate | CoverageSpan | SourceNote]:
        feeds = feeds_for(self.ctx.config)
        failures: list[AttentionError] = []
        seen: set[str] = set()
        for feed in feeds:
            try:
                yield from self.feed(feed, seen)
            except (AuthError, HttpStatusError, FeedUnparseableError) as exc:
                # One private/banned/renamed subreddit, or one feed answered with an error page
                # instead of a feed, must not stop the others.
                failures.append(exc)
                yield SourceNote("warning", f"{feed.label}: skipped ({exc})")
        if failures and len(failures) == len(feeds):
            raise _all_failed(failures)

    def feed(
        self, feed: Feed, seen: set[str]
    ) -> Iterator[TextItem | CursorUpdate | CoverageSpan | SourceNote]:
        """One feed from the top down to the last run's mark, then down its open gaps (rule:
        :mod:`collectors.reddit.cursor`). A first run reads one page; later runs page back
        (``after=`` the last entry) as far as the mark."""
        state = QueryCursor.load(self.ctx.cursors, feed.key, feed.label)
        walk, gap = state.new_walk(), None
        top, watched = utcnow(), []
        try:
            yield from self._walk(feed, walk, seen, first=state.mark is None)
            watched.append(walk_span(walk, walk.stop, top.timestamp()))
            state.after_new(walk, interrupted=False)
            for gap in list(state.gaps):
                walk = state.gap_walk(gap)
                yield from self._walk(feed, walk, seen, first=False, after=gap.after)
                watched.append(walk_span(walk, gap.until, gap.oldest))
                state.after_gap(gap, walk, interrupted=False)
        except Exception:
            # Keep what was read: record how far it reaches (a gap, not a hole), then stop.
            state.after_walk(gap, walk, interrupted=True)
            yield from state.flush()
            raise
        # after the posts, before the cursor: a kill in between can only under-state coverage
        provenance = Provenance(feed.url, self.version, top, feed.params)
        yield from coverage_spans(feed.unit_kind, feed.unit, watched, provenance)
        yield from state.flush()

    def _walk(
        self, feed: Feed, walk: Walk, seen: set[str], first: bool, after: str | None = None
    ) -> Iterator[TextItem | SourceNote]:
        while True:
            params = {**feed.params, "after": after} if after else feed.params
            response = self.client.get(feed.url, params=params)
            provenance = Provenance(feed.url, self.version, utcnow(), params)
            items, skipped = items_from_feed(
                response.content, feed.url, provenance, self.authors, response.headers
            )
            if skipped:
                yield SourceNote("warning", f"{feed.label}: {skipped} unreadable entries", skipped)
            for item in items:
                if walk.take(item.created_utc.timestamp(), item.item_id) and item.item_id not in seen:
                    seen.add(item.item_id)
                    yield item
            # A short page is the end of the listing; a feed has no "after" token, so the
            # next page starts after its last entry.
            if walk.reached or first or not items or len(items) + skipped < FEED_LIMIT:
                return
            after = items[-1].item_id


def _all_failed(failures: list[AttentionError]) -> AttentionError:
    """The error of a run in which no feed gave anything: the last one, unless every feed
    answered with something that is not a feed (an error or block page: 200 with garbage or
    nothing), which is worth saying in words and trying again later."""
    if not all(isinstance(e, FeedUnparseableError) for e in failures):
        return failures[-1]
    return RetriableError(
        f"reddit: none of the {len(failures)} feeds answered with an RSS/Atom feed (last: "
        f"{failures[-1]}); Reddit may be serving an error or block page: check "
        "sources.reddit.public_url and try again later"
    )
