"""Reddit without keys, part 2: the Atom feeds on www.reddit.com that still answer in 2026.

``/r/{sub}/new/.rss``, ``/r/{sub}/.rss`` (hot), ``/r/{sub}/top/.rss?t=week`` and
``/comments/{id}/.rss``: 25 entries with full text, no scores and no comment counts, about 10
requests a minute per address (some see 1 a minute), so requests are paced 6 s apart by the
HTTP layer. Never ``search.rss`` (HTTP 200 with an empty body from datacenter addresses) and
never ``.json`` (403 since 2026-05-30): keyword search comes from Arctic Shift.

Coverage: only the ``new`` listing says what it saw completely: every post created between its
oldest entry and the fetch. ``hot``, ``top`` and comment threads are samples and record none.
An empty 200 fails the feed (a soft block) and records nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from attention.errors import AttentionError
from collectors.core.blocks import require_body
from collectors.core.records import CoverageSpan, Provenance, Record, SourceNote, TextItem
from collectors.reddit.arctic_shift import summarise
from collectors.reddit.items import SOURCE, AuthorPolicy, items_from_feed

LISTING_PATHS = {"new": ("new/.rss", {}), "hot": (".rss", {}), "top_week": ("top/.rss", {"t": "week"})}
ADVICE = (
    "Reddit blocks some (cloud) addresses this way; run from another network, or rely on the "
    "Arctic Shift search (sources.reddit.arctic_shift)"
)


@dataclass(frozen=True)
class AtomFeed:
    url: str
    params: dict[str, str]
    label: str
    listing: str  # new | hot | top_week | comments


def atom_feeds(config: Any, thread_ids: list[str]) -> list[AtomFeed]:
    """The listing feeds per configured subreddit, then the comment threads of recent posts."""
    settings = config.sources.reddit
    base = settings.public_url.rstrip("/")
    subs = list(dict.fromkeys(s for theme in config.themes.values() for s in theme.subreddits))
    feeds = []
    for sub in subs:
        for name in settings.atom.listings:
            path, params = LISTING_PATHS[name]
            feeds.append(AtomFeed(f"{base}/r/{sub}/{path}", dict(params), f"r/{sub} {name}", name))
    for post_id in thread_ids[: settings.atom.comment_threads]:
        bare = post_id.removeprefix("t3_")
        feeds.append(AtomFeed(f"{base}/comments/{bare}/.rss", {}, f"comments of {post_id}", "comments"))
    return feeds


@dataclass
class AtomCollector:
    ctx: Any
    client: Any
    authors: AuthorPolicy
    version: str
    now: dt.datetime
    known: set[str] = field(default_factory=set)  # ids Arctic Shift gave this run (with scores)

    def run(self) -> Iterator[Record | SourceNote]:
        feeds = atom_feeds(self.ctx.config, self.recent_threads())
        failures: list[AttentionError] = []
        seen: set[str] = set()
        for feed in feeds:
            try:
                yield from self.feed(feed, seen)
            except AttentionError as exc:
                failures.append(exc)
                yield SourceNote("warning", f"reddit atom {feed.label}: {exc}")
        if failures:
            raise summarise(failures, len(feeds), "Reddit Atom feeds")

    def recent_threads(self) -> list[str]:
        """Posts of the last two days already stored (newest first), whose threads to read."""
        if self.ctx.lookups is None or not self.ctx.config.sources.reddit.atom.comment_threads:
            return []
        return list(self.ctx.lookups.recent_post_ids(SOURCE, self.now - dt.timedelta(days=2)))

    def stored_ids(self, ids: list[str]) -> set[str]:
        if self.ctx.lookups is None or not ids:
            return set()
        never = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # match by id only, not by time
        return {row["item_id"] for row in self.ctx.lookups.stored_items(SOURCE, ids, never, never)}

    def feed(self, feed: AtomFeed, seen: set[str]) -> Iterator[Record | SourceNote]:
        response = self.client.get(feed.url, params=feed.params or None)
        content = require_body(response.content, "reddit", feed.url, ADVICE)
        provenance = Provenance(feed.url, self.version, self.now, feed.params)
        items, skipped = items_from_feed(content, feed.url, provenance, self.authors, response.headers)
        if skipped:
            yield SourceNote("warning", f"reddit atom {feed.label}: {skipped} unreadable entries", skipped)
        stored = self.stored_ids([i.item_id for i in items])
        for item in items:
            # An item Arctic Shift gave (now or on an earlier run) has a score; the feed's copy,
            # without one, must not overwrite it. It still counts for the listing's coverage.
            if item.item_id not in seen and item.item_id not in self.known and item.item_id not in stored:
                seen.add(item.item_id)
                yield item
        span = listing_span(feed, items, self.now)
        if span is not None:
            unit = feed.label.removesuffix(" new")
            yield CoverageSpan(SOURCE, "subreddit", unit, span[0], span[1], "collect", provenance, len(items))


Span = tuple[dt.datetime, dt.datetime]


def listing_span(feed: AtomFeed, items: list[TextItem], now: dt.datetime) -> Span | None:
    """What a ``new`` listing saw completely: from its oldest post to the fetch. None for the
    other feeds (samples) and for a listing without posts (nothing shows how far back it reached)."""
    posts = [i.created_utc for i in items if i.kind == "post"]
    if feed.listing != "new" or not posts or min(posts) >= now:
        return None
    return min(posts), now
