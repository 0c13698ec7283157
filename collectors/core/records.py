"""What every collector shares: record types, the Collector protocol and the context it runs in.

A collector is a class with one generator method, ``collect(ctx)``, that yields typed records
(DESIGN.md 4.1). Records are small frozen dataclasses with a natural key, tz-aware UTC times, the
source name and provenance (4.2). Collectors never write to the store: the pipeline saves what
they yield, in batches, one transaction per batch, cursors included (4.3-4.5).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from attention.config import Config, Secrets
from attention.errors import (  # re-exported: collectors import errors from here
    AttentionError,
    AuthError,
    BudgetExhaustedError,
    FatalError,
    ItemError,
    RateLimitedError,
    RetriableError,
)
from collectors.core.lookups import StoredLookups

__all__ = [
    "AttentionError",
    "AuthError",
    "BudgetExhaustedError",
    "FatalError",
    "ItemError",
    "RateLimitedError",
    "RetriableError",
    "Provenance",
    "Record",
    "PriceBar",
    "SharesOutstanding",
    "FlowRecord",
    "TextItem",
    "SearchInterestPoint",
    "TrendsResponse",
    "CursorUpdate",
    "CoverageSpan",
    "SourceNote",
    "CollectContext",
    "Collector",
    "utcnow",
    "day_span",
]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: enough to audit or replay the request."""

    url: str
    collector_version: str
    retrieved_at: dt.datetime
    params: Mapping[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "url": self.url,
                "params": dict(self.params or {}),
                "collector_version": self.collector_version,
                "retrieved_at": self.retrieved_at.isoformat(),
            },
            sort_keys=True,
            default=str,
        )


@dataclass(frozen=True)
class Record:
    """Base of all stored records. Subclasses set TABLE and KEY (the natural key columns).

    ``MERGE`` maps a column to an SQL expression used on conflict instead of "take the new
    value" (e.g. to union a list of feeds); ``EXCLUDED`` and the table name are in scope.
    """

    TABLE: ClassVar[str] = ""
    KEY: ClassVar[tuple[str, ...]] = ()
    MERGE: ClassVar[Mapping[str, str]] = {}

    def row(self) -> dict[str, Any]:
        """The record as a flat row for its table (provenance as JSON + retrieved_at)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Provenance):
                out["provenance"] = value.to_json()
                out["retrieved_at"] = value.retrieved_at
            elif isinstance(value, tuple):
                out[f.name] = list(value)
            elif isinstance(value, Mapping):
                out[f.name] = json.dumps(dict(value), sort_keys=True, default=str)
            else:
                out[f.name] = value
        return out

    def natural_key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in self.KEY)


@dataclass(frozen=True)
class PriceBar(Record):
    TABLE: ClassVar[str] = "prices"
    KEY: ClassVar[tuple[str, ...]] = ("ticker", "date")

    ticker: str
    date: dt.date
    open: float | None
    high: float | None
    low: float | None
    close: float
    adj_close: float | None
    volume: float | None
    provider: str
    provenance: Provenance
    is_partial: bool = False  # the session had not closed when the bar was read (imports)


@dataclass(frozen=True)
class SharesOutstanding(Record):
    TABLE: ClassVar[str] = "shares_outstanding"
    KEY: ClassVar[tuple[str, ...]] = ("ticker", "date")

    ticker: str
    date: dt.date
    shares: float
    provider: str
    provenance: Provenance


@dataclass(frozen=True)
class FlowRecord(Record):
    """Net creations (+) / redemptions (-) in USD for one ETF and day."""

    TABLE: ClassVar[str] = "flows"
    KEY: ClassVar[tuple[str, ...]] = ("ticker", "date", "method")

    ticker: str
    date: dt.date
    flow_usd: float | None
    method: str  # "shares_outstanding" | "import"
    stale: bool
    provenance: Provenance


@dataclass(frozen=True)
class TextItem(Record):
    """A Reddit post/comment or a news headline. Themes and sentiment are filled by the pipeline."""

    TABLE: ClassVar[str] = "items"
    KEY: ClassVar[tuple[str, ...]] = ("source", "item_id")
    MERGE: ClassVar[Mapping[str, str]] = {
        "feeds": "list_distinct(list_concat(items.feeds, EXCLUDED.feeds))",
    }

    source: str  # "reddit" | "news"
    item_id: str  # reddit fullname (t3_/t1_) or news id
    kind: str  # "post" | "comment" | "headline"
    created_utc: dt.datetime
    title: str
    body: str
    url: str | None
    provenance: Provenance
    author: str | None = None  # salted hash unless the user opted in to raw names
    container: str | None = None  # subreddit or feed
    outlet: str | None = None
    parent_id: str | None = None
    score: int | None = None
    num_comments: int | None = None
    feeds: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "deleted", "undated", "feed_mode"
    themes: tuple[str, ...] = ()
    # Parallel to themes: the share of this item each theme counts (1.0, or 1/k for a mention
    # that only names a member of k themes' baskets; see attention.themes). Empty: not computed.
    theme_weights: tuple[float, ...] = ()
    neg: float | None = None
    neu: float | None = None
    pos: float | None = None
    compound: float | None = None
    lexicon_version: str | None = None
    scoreable: bool = True  # False for deleted/removed bodies: kept out of sentiment

    @property
    def text(self) -> str:
        """The text that is scored and matched: title and body together."""
        return item_text(self.title, self.body)


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_ITEM_INTS = ("score", "num_comments")
_ITEM_TEXTS = ("item_id", "title", "body", "url", "author", "container", "outlet", "parent_id")


def check_storable(item: TextItem) -> TextItem:
    """``item`` itself, or a ValueError when a value cannot be stored: an integer beyond the
    column's 64 bits (a score of 1e30) or text that is not valid Unicode (a lone surrogate
    such as ``\\ud800``, valid in JSON). Callers count such an item as one bad item and go on;
    left in a batch it would fail the whole batch's write."""
    for name in _ITEM_INTS:
        value = getattr(item, name)
        if value is not None and not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"{name} {value:.3g} does not fit a 64-bit integer")
    texts = [getattr(item, name) for name in _ITEM_TEXTS] + [*item.feeds, *item.flags, *item.themes]
    for text in texts:
        if text and not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"text with a lone surrogate, not valid Unicode: {text[:60]!r}") from None
    return item


def item_text(title: str | None, body: str | None) -> str:
    """What a text item's sentiment and themes are computed from (also for stored rows, where a
    NULL comes back as None or NaN)."""
    title = title if isinstance(title, str) else ""
    body = body if isinstance(body, str) else ""
    return f"{title}\n{body}".strip() if body else title


@dataclass(frozen=True)
class SearchInterestPoint(Record):
    """One raw Google Trends value, exactly as a request returned it (0-100 within the request)."""

    TABLE: ClassVar[str] = "search_interest"
    KEY: ClassVar[tuple[str, ...]] = ("request_id", "term", "period_start")

    request_id: str
    term: str
    period_start: dt.date
    granularity: str  # "day" | "week" | "month"
    value: float
    is_partial: bool
    geo: str
    provenance: Provenance


@dataclass(frozen=True)
class TrendsResponse(Record):
    """A raw Google Trends response with its request, kept for audit and offline re-stitching."""

    TABLE: ClassVar[str] = "trends_requests"
    KEY: ClassVar[tuple[str, ...]] = ("request_id",)

    request_id: str
    terms: tuple[str, ...]
    anchor: str | None
    timeframe: str
    geo: str
    fetched_on: dt.date
    raw: str
    provenance: Provenance


@dataclass(frozen=True)
class CursorUpdate(Record):
    """Moves an incremental cursor; saved in the same transaction as the records before it."""

    TABLE: ClassVar[str] = "cursors"
    KEY: ClassVar[tuple[str, ...]] = ("source", "key")

    source: str
    key: str
    value: str


@dataclass(frozen=True)
class CoverageSpan(Record):
    """What a collector or import actually watched: one unit of one source over the half-open UTC
    span ``[span_start, span_end)``. Yield it AFTER the records it covers (so a kill between two
    batches can only under-state coverage, never claim a period whose data is missing) and only
    when the fetch really succeeded: a failed, blocked or soft-blocked fetch (HTTP 200 with an
    empty body where items are expected) yields no span. Inside a span, no record means a real 0;
    outside every span, the period was not observed and panels show it as missing."""

    TABLE: ClassVar[str] = "coverage"
    KEY: ClassVar[tuple[str, ...]] = ("source", "unit_kind", "unit", "span_start", "span_end")

    source: str  # the source family whose records it covers: reddit | news | trends | prices | ...
    unit_kind: str  # subreddit | feed | query | term | ticker | article | file
    unit: str
    span_start: dt.datetime
    span_end: dt.datetime
    origin: str  # collect | import | backfill
    provenance: Provenance
    items: int | None = None  # records the span yielded, when the collector counted them

    def __post_init__(self) -> None:
        for name in ("span_start", "span_end"):
            value = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"CoverageSpan.{name} must be tz-aware UTC, got {value!r}")
        if self.span_end <= self.span_start:
            raise ValueError(f"empty coverage span {self.span_start}..{self.span_end} for {self.unit}")


def day_span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open UTC span covering whole days ``first`` through ``last`` inclusive."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return start, end


@dataclass(frozen=True)
class SourceNote:
    """A warning or fact for the run log (not stored as data), e.g. 'feed X was malformed'."""

    level: str  # "info" | "warning"
    message: str
    count: int = 1


@dataclass
class CollectContext:
    """Everything a collector may use. Of the store it sees only its cursors and the read-only
    :class:`~collectors.core.lookups.StoredLookups` (None without a store), never a writer or SQL."""

    run_date: dt.date
    config: Config
    secrets: Secrets
    cursors: Mapping[str, str] = field(default_factory=dict)
    lookups: StoredLookups | None = None
    http_factory: Callable[..., Any] | None = None  # (source, **settings) -> HttpClient
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("attention.collect"))
    mode: str | None = None  # set by a collector that can run in several modes (run log)


@runtime_checkable
class Collector(Protocol):
    name: str
    version: str

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        """Yield records (and notes). Raise RetriableError/FatalError for the whole source."""
        ...
