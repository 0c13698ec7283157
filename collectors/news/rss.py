"""News headlines per theme from RSS/Atom feeds, plus optional GDELT news volume.

Feeds: a Google News search per theme query, a Yahoo Finance headline feed per proxy ticker, and
any feed the user lists under ``sources.news.feeds``. Every feed is fetched through the HTTP
layer with a conditional GET (the ETag / Last-Modified of the last fetch are kept as a cursor per
feed URL), then parsed by feedparser from the bytes: ``feedparser.parse(url)`` would hide network
errors in ``bozo_exception`` and bypass our timeouts, retries and budget.

A malformed feed (``bozo=1``) keeps the entries feedparser recovered, with a warning; a feed
that cannot be parsed at all is an error for that feed only. Only when every feed failed does the
source fail. The same story from many feeds is stored once, with the list of feeds that carried
it (:mod:`collectors.news.dedupe`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

from attention.config import Config
from attention.errors import AttentionError, FatalError, RetriableError
from collectors.core.feeds import parse_feed_bytes
from collectors.core.http import HttpClient, RetryPolicy
from collectors.core.records import (
    BudgetExhaustedError,
    CollectContext,
    CoverageSpan,
    CursorUpdate,
    Provenance,
    RateLimitedError,
    Record,
    SourceNote,
    TextItem,
    utcnow,
)
from collectors.news.dedupe import Deduper
from collectors.news.gdelt import PACING_MARGIN, collect_volume
from collectors.news.parse import SOURCE, FeedSpec, entry_to_item

# Headers feedparser may use (type/charset, base URL for relative links, language). Others, such
# as Content-Encoding (requests has already decoded the body), would only mislead it.
_FEEDPARSER_HEADERS = ("content-type", "content-location", "content-language")
HOST_FAILURE_LIMIT = 2  # consecutive feeds of one host failing with retriable errors


def plan_feeds(config: Config) -> list[FeedSpec]:
    """Every feed of a run, in order, each URL once."""
    news = config.sources.news
    planned: dict[str, FeedSpec] = {}
    google = news.google_news_url.rstrip("/")
    for theme_key, theme in config.themes.items():
        for query in theme.news_queries:
            params = {"q": query, "hl": "en-US", "gl": "US", "ceid": "US:en"}
            url = f"{google}/rss/search?{urlencode(params, quote_via=quote, safe=':')}"
            planned.setdefault(url, FeedSpec(url, f"google_news:{query}", "google_news", theme_key))
    yahoo = news.yahoo_rss_url.rstrip("/")
    for theme_key, theme in config.themes.items():
        for ticker in theme.proxy.members:
            params = {"s": ticker, "region": "US", "lang": "en-US"}
            url = f"{yahoo}/rss/2.0/headline?{urlencode(params)}"
            planned.setdefault(url, FeedSpec(url, f"yahoo:{ticker}", "yahoo", theme_key))
    for url in news.feeds:
        planned.setdefault(url, FeedSpec(url, url, "custom"))
    return list(planned.values())


@dataclass
class ParsedFeed:
    title: str | None
    entries: list[Any]
    malformed: str | None  # the bozo exception, when feedparser had to recover


def parse_feed(content: bytes, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Parse feed bytes; raise :class:`collectors.core.feeds.FeedUnparseableError` when nothing
    feed-like was found or feedparser itself failed."""
    lowered = {k.lower(): v for k, v in (headers or {}).items() if k.lower() in _FEEDPARSER_HEADERS}
    parsed = parse_feed_bytes(content, lowered)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = f"{type(problem).__name__}: {problem}" if problem else None
    return ParsedFeed(parsed.feed.get("title"), list(parsed.entries), malformed)


def conditional_headers(cursor: dict[str, str]) -> dict[str, str]:
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = cursor["etag"]
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = cursor["last_modified"]
    return headers


def validators(response: requests.Response) -> dict[str, str]:
    """The validators to send next time (nothing else, so the cursor only moves when they do)."""
    out = {}
    if response.headers.get("ETag"):
        out["etag"] = response.headers["ETag"]
    if response.headers.get("Last-Modified"):
        out["last_modified"] = response.headers["Last-Modified"]
    return out


def _load_cursor(value: str | None) -> dict[str, str]:
    if not value:
        return {}
    try:
        loaded = json.loads(value)
    except json.JSONDecodeError:
        return {}  # an unreadable cursor only costs one unconditional fetch
    return loaded if isinstance(loaded, dict) else {}


@dataclass
class FeedTally:
    attempted: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped_items: int = 0
    errors: list[AttentionError] = field(default_factory=list)


class NewsCollector:
    name = "news"
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        settings = ctx.config.sources.news
        ctx.mode = "feeds + gdelt" if settings.gdelt.enabled else "feeds"
        deduper = Deduper(dt.timedelta(hours=settings.dedupe_window_hours), ctx.lookups)
        tally = FeedTally()
        out_of_budget: BudgetExhaustedError | None = None
        try:
            yield from self._feeds(ctx, _client(ctx), deduper, tally)
        except BudgetExhaustedError as exc:
            out_of_budget = exc  # GDELT has its own client: let it run, then resume next run
        if settings.gdelt.enabled:
            yield from self._gdelt(ctx)
        stats = deduper.stats
        yield SourceNote(
            "info",
            (
                f"news: {tally.attempted} feeds: {tally.fetched} fetched, {tally.unchanged} "
                f"unchanged (304), {tally.failed} failed; {stats.new} new stories, {stats.merged} "
                f"seen in another feed, {stats.repeats} repeats, {tally.skipped_items} bad entries"
            ),
        )
        if out_of_budget is not None:
            raise out_of_budget
        if tally.attempted and tally.failed == tally.attempted:
            raise _all_failed(tally)

    def _feeds(
        self, ctx: CollectContext, client: HttpClient, deduper: Deduper, tally: FeedTally
    ) -> Iterator[Record | SourceNote]:
        # A host that rate-limits us, or keeps failing after the HTTP layer's retries, is left
        # alone for the rest of the run: its other feeds would only burn the request budget.
        limited: set[str] = set()
        failing: dict[str, int] = defaultdict(int)
        for feed in plan_feeds(ctx.config):
            tally.attempted += 1
            host = urlsplit(feed.url).netloc
            if host in limited or failing[host] >= HOST_FAILURE_LIMIT:
                why = "rate-limited us" if host in limited else "keeps failing"
                tally.failed += 1
                yield SourceNote("warning", f"news: {feed.label}: skipped, {host} {why}")
                continue
            try:
                yield from self._one_feed(ctx, client, feed, deduper, tally)
            except BudgetExhaustedError:
                tally.attempted -= 1  # not tried: it is fetched next run
                raise
            except AttentionError as exc:
                if isinstance(exc, RateLimitedError):
                    limited.add(host)
                elif isinstance(exc, RetriableError):
                    failing[host] += 1
                tally.failed += 1
                tally.errors.append(exc)
                yield SourceNote("warning", f"news: {feed.label}: {exc}")
            else:
                failing[host] = 0

    def _one_feed(
        self, ctx: CollectContext, client: HttpClient, feed: FeedSpec, deduper: Deduper, tally: FeedTally
    ) -> Iterator[Record | SourceNote]:
        cursor = _load_cursor(ctx.cursors.get(feed.url))
        response = client.get(feed.url, headers=conditional_headers(cursor))
        if response.status_code == 304:
            tally.unchanged += 1
            return
        fetched_at = utcnow()
        parsed = parse_feed(response.content, dict(response.headers) | {"content-location": response.url})
        tally.fetched += 1
        if parsed.malformed:
            yield SourceNote(
                "warning",
                f"news: {feed.label}: malformed feed ({parsed.malformed});"
                f" kept {len(parsed.entries)} recovered entries",
            )
        items = self._items(parsed, feed, fetched_at, tally)
        deduper.preload(items)
        for item in items:
            record = deduper.add(item)
            if record is not None:
                yield record
        span = feed_coverage(feed, items, fetched_at, self.version, bool(parsed.malformed))
        if span is not None:
            yield span  # after the items, before the cursor
        new_cursor = validators(response)
        if new_cursor and new_cursor != cursor:
            yield CursorUpdate(SOURCE, feed.url, json.dumps(new_cursor, sort_keys=True))

    def _items(
        self, parsed: ParsedFeed, feed: FeedSpec, fetched_at: dt.datetime, tally: FeedTally
    ) -> list[TextItem]:
        items = []
        for entry in parsed.entries:
            try:
                item = entry_to_item(
                    entry,
                    feed,
                    feed_title=parsed.title,
                    fetched_at=fetched_at,
                    version=self.version,
                    recovered=bool(parsed.malformed),
                )
            except (ValueError, TypeError, KeyError, OverflowError):
                item = None  # one bad entry (an impossible date, say): skip it, count it
            if item is None:
                tally.skipped_items += 1
            else:
                items.append(item)
        return items

    def _gdelt(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        gdelt = ctx.config.sources.news.gdelt
        themes = {
            key: list(theme.news_queries or theme.search_terms) for key, theme in ctx.config.themes.items()
        }
        # One request per theme plus one paced retry each (a 429 or a 5xx); no more.
        client = _client(
            ctx,
            min_interval=gdelt.min_interval * (1 + PACING_MARGIN),
            budget=2 * len(themes),
            policy=RetryPolicy(max_retries=1),
        )
        try:
            yield from collect_volume(
                client, gdelt.url, themes, ctx.run_date, dict(ctx.cursors), self.version
            )
        except BudgetExhaustedError as exc:  # retries used it up: the rest waits for next run
            yield SourceNote("warning", f"gdelt: {exc}")


def feed_coverage(
    feed: FeedSpec, items: list[TextItem], fetched_at: dt.datetime, version: str, malformed: bool
) -> CoverageSpan | None:
    """What one fetch of a feed watched: from its oldest entry to the fetch (a feed lists its
    newest entries, so every item of that window was in it). None for an empty or malformed
    feed: an empty answer where a feed usually has items, or a recovered fragment, proves
    nothing about what was published (DESIGN.md 4.14). A theme's search feed watched only that
    theme (unit ``<theme>:<label>``, kind ``query``); a listed feed watched everything."""
    if not items or malformed:
        return None
    oldest = min(item.created_utc for item in items)
    if oldest >= fetched_at:
        return None
    kind, unit = ("query", f"{feed.theme}:{feed.label}") if feed.theme else ("feed", feed.label)
    provenance = Provenance(feed.url, version, fetched_at)
    return CoverageSpan(SOURCE, kind, unit, oldest, fetched_at, "collect", provenance)


def _client(ctx: CollectContext, **overrides: Any) -> HttpClient:
    if ctx.http_factory is not None:
        return ctx.http_factory(SOURCE, **overrides)
    settings = ctx.config.sources.news
    options = {"budget": settings.budget, "timeout": settings.timeout} | overrides
    return HttpClient(SOURCE, **options)


def _all_failed(tally: FeedTally) -> AttentionError:
    first = tally.errors[0] if tally.errors else None
    detail = f"; first error: {first}" if first else ""
    message = (
        f"news: all {tally.attempted} feeds failed{detail}. Check sources.news "
        "(google_news_url, yahoo_rss_url, feeds) and the network"
    )
    if tally.errors and all(isinstance(e, RetriableError) for e in tally.errors):
        return RetriableError(message + ", then run again")
    return FatalError(message)
