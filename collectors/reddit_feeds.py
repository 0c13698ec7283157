"""Reddit without credentials: the public RSS/Atom search and listing feeds, per subreddit.

Fewer fields than the API (no score, no comments, the comment count only inside the HTML) and a
tighter limit (about 10 requests per minute), so the pacing is slower. Fetched with our
HttpClient and parsed from bytes with feedparser (DESIGN.md 5: never ``feedparser.parse(url)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from attention.errors import AttentionError, AuthError
from collectors.base import CursorUpdate, Provenance, SourceNote, TextItem, utcnow
from collectors.http import HttpStatusError
from collectors.reddit_items import AuthorPolicy, items_from_feed
from collectors.reddit_query import SOURCE, cursor_value, parse_cursor, theme_searches

FEEDS_MIN_INTERVAL = 6.0  # about 10 requests per minute for unauthenticated clients
FEED_LIMIT = 100  # entries per feed request (Reddit's maximum)


@dataclass(frozen=True)
class Feed:
    key: str  # cursor key
    url: str
    params: dict[str, str]
    label: str


def feeds_for(config: Any) -> list[Feed]:
    """Search feeds per (theme query, subreddit), then one "new" listing per subreddit."""
    base = config.sources.reddit.public_url.rstrip("/")
    feeds, subs = [], {}
    for search in theme_searches(config, per_subreddit=True):
        sub = search.subreddits[0]
        subs.setdefault(sub.lower(), sub)
        params = {"q": search.query, "restrict_sr": "1", "sort": "new", "limit": str(FEED_LIMIT)}
        feeds.append(Feed(search.cursor_key("feeds"), f"{base}/r/{sub}/search.rss", params,
                          search.label))
    for sub in subs.values():
        feeds.append(Feed(f"feeds:new:{sub}", f"{base}/r/{sub}/new.rss",
                          {"limit": str(FEED_LIMIT)}, f"r/{sub} new"))
    return feeds


@dataclass
class FeedsCollector:
    ctx: Any
    client: Any
    authors: AuthorPolicy
    version: str

    def run(self) -> Iterator[TextItem | CursorUpdate | SourceNote]:
        feeds = feeds_for(self.ctx.config)
        failures: list[AttentionError] = []
        seen: set[str] = set()
        for feed in feeds:
            try:
                response = self.client.get(feed.url, params=feed.params)
            except (AuthError, HttpStatusError) as exc:
                # One private/banned/renamed subreddit must not stop the others.
                failures.append(exc)
                yield SourceNote("warning", f"{feed.label}: skipped ({exc})")
                continue
            yield from self._items(feed, response, seen)
        if failures and len(failures) == len(feeds):
            raise failures[-1]

    def _items(self, feed: Feed, response: Any,
               seen: set[str]) -> Iterator[TextItem | CursorUpdate | SourceNote]:
        provenance = Provenance(feed.url, self.version, utcnow(), feed.params)
        items, skipped = items_from_feed(response.content, feed.url, provenance, self.authors,
                                         response.headers)
        if skipped:
            yield SourceNote("warning", f"{feed.label}: {skipped} unreadable entries", skipped)
        since = parse_cursor(self.ctx.cursors.get(feed.key))
        newest = since
        for item in items:
            stamp = item.created_utc.timestamp()
            if since is not None and stamp < since:
                continue
            newest = max(newest or stamp, stamp)
            if item.item_id not in seen:
                seen.add(item.item_id)
                yield item
        if newest is not None and newest != since:
            yield CursorUpdate(SOURCE, feed.key, cursor_value(newest))
