"""The export tables: names, documented stable columns, and how each is read from the store.

Every export is tidy (one observation per row, one variable per column) and has a fixed column
list that docs/exports.md documents and a test checks. A table whose source is empty (or absent
from an older store) is exported with its header only, so downstream code can rely on it.

Column kinds (how they are written and read back):

* ``string``    text; in CSV a cell starting with = + - @ tab CR (or ') gets a leading ' so a
  spreadsheet never evaluates it (see :func:`attention.report.export.escape_cell`)
* ``int``/``float``/``bool``  numbers and true/false; an empty cell is missing
* ``date``      ``YYYY-MM-DD``; ``timestamp`` ISO 8601 in UTC (``2024-01-02T15:04:05.000000Z``)
* ``list``      theme keys joined by ``;`` (keys are letters, digits and ``_``)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from attention.config import Config
from attention.panel.build import ThemePanel
from attention.store import Store

KINDS = ("string", "int", "float", "bool", "date", "timestamp", "list")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class ExportOptions:
    include_authors: bool = False  # raw author values leave the store only when opted in
    # The panels of the run being exported (the daily flow builds them once); None: build them.
    panels: dict[str, ThemePanel] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    load: Callable[[Store, Config, ExportOptions], pd.DataFrame] = field(repr=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def kind(self, column: str) -> str:
        return next(c.kind for c in self.columns if c.name == column)


def _items(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.export_items(include_authors=options.include_authors)


def _term_themes(config: Config) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for key, theme in config.themes.items():
        for term in theme.search_terms:
            owners.setdefault(term, []).append(key)
    return owners


def _search(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    frame = store.export_search_series()
    if not frame.empty:
        owners = _term_themes(config)
        frame.insert(1, "themes", [owners.get(t, []) for t in frame["term"]])
    return frame


def _search_raw(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.export_search_raw()


def _prices(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.export_prices()


def _flows(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.export_flows()


def _news_volume(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.export_news_volume()


def _panel_daily(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    from attention.panel.build import build_panels

    panels = options.panels if options.panels is not None else build_panels(store, config)
    frames = []
    for key, panel in panels.items():
        if panel.daily.empty:
            continue
        daily = panel.daily.assign(attention_index_parts=panel.index_parts[0]).reset_index()
        daily.insert(0, "theme", key)
        frames.append(daily)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _c(name: str, kind: str, description: str) -> Column:
    return Column(name, kind, description)


ITEMS = TableSpec(
    "items",
    "Reddit posts/comments and news headlines with themes and sentiment, one row per item.",
    (
        _c("source", "string", "reddit or news"),
        _c("item_id", "string", "id within the source (Reddit fullname t3_/t1_, news id)"),
        _c("kind", "string", "post, comment or headline"),
        _c("created_utc", "timestamp", "when the item was posted (UTC)"),
        _c("container", "string", "subreddit or feed"),
        _c("outlet", "string", "news outlet (news only)"),
        _c("parent_id", "string", "parent post/comment of a comment"),
        _c("title", "string", "title or headline (user text)"),
        _c("body", "string", "body text (user text; empty for headlines)"),
        _c("url", "string", "link to the item"),
        _c("themes", "list", "theme keys the item matched"),
        _c("compound", "float", "sentiment compound score, -1..1 (VADER or VADER + finance overlay)"),
        _c("neg", "float", "share of negative sentiment, 0..1"),
        _c("neu", "float", "share of neutral sentiment, 0..1"),
        _c("pos", "float", "share of positive sentiment, 0..1"),
        _c("scoreable", "bool", "false for deleted/removed bodies (kept out of sentiment)"),
        _c("lexicon_version", "string", "sentiment lexicon that scored the item"),
        _c("score", "int", "Reddit score (upvotes minus downvotes) when fetched"),
        _c("num_comments", "int", "comments on a Reddit post when fetched"),
        _c("flags", "list", "markers such as deleted, undated, feed_mode"),
        _c(
            "author",
            "string",
            "empty unless exported with --include-authors (then the stored "
            "value: a salted hash unless raw names were opted in)",
        ),
    ),
    _items,
)

SEARCH = TableSpec(
    "search_interest",
    "Google search interest per term on one common scale (stitched from raw responses through anchor terms).",
    (
        _c("term", "string", "search term"),
        _c("themes", "list", "themes whose search_terms include the term (empty for anchors)"),
        _c("date", "date", "day, or for weekly rows the week's LAST day"),
        _c("granularity", "string", "day or week"),
        _c("value", "float", "interest on the common scale (reference anchor's mean = 100)"),
        _c("lo", "float", "lower bound given Google's integer rounding"),
        _c("hi", "float", "upper bound given Google's integer rounding"),
        _c("is_partial", "bool", "the period was not over when fetched (not final)"),
        _c("method", "string", "stitching method version"),
    ),
    _search,
)

SEARCH_RAW = TableSpec(
    "search_interest_raw",
    "Raw Google Trends values exactly as each request returned them (0-100 within the request), for audit.",
    (
        _c("request_id", "string", "the request (see fetched_on)"),
        _c("term", "string", "search term"),
        _c("period_start", "date", "first day of the period (Sunday for weekly data)"),
        _c("granularity", "string", "day, week or month"),
        _c("value", "float", "raw value, 0-100 relative to the request's maximum"),
        _c("is_partial", "bool", "the period was not over when fetched"),
        _c("geo", "string", "region, e.g. US"),
        _c("fetched_on", "date", "the day the request was made"),
    ),
    _search_raw,
)

PRICES = TableSpec(
    "prices",
    "Daily prices per ticker.",
    (
        _c("ticker", "string", "ticker symbol"),
        _c("date", "date", "trading session"),
        _c("open", "float", "open, USD"),
        _c("high", "float", "high, USD"),
        _c("low", "float", "low, USD"),
        _c("close", "float", "close, USD"),
        _c("adj_close", "float", "close adjusted for splits and dividends, USD"),
        _c("volume", "float", "shares traded"),
        _c("provider", "string", "yahoo, stooq or import"),
    ),
    _prices,
)

FLOWS = TableSpec(
    "flows",
    "Daily ETF creations (+) / redemptions (-) in USD.",
    (
        _c("ticker", "string", "ETF ticker"),
        _c("date", "date", "trading session"),
        _c("method", "string", "shares_outstanding (change in shares x close) or import"),
        _c("flow_usd", "float", "net flow, USD"),
        _c("stale", "bool", "shares outstanding had not changed for a while: unknown, not zero"),
    ),
    _flows,
)

NEWS_VOLUME = TableSpec(
    "news_volume",
    "Normalised news volume per theme (GDELT), percent of all monitored coverage.",
    (
        _c("theme", "string", "theme key"),
        _c("date", "date", "UTC day"),
        _c("value", "float", "share of coverage matching the theme's query, percent"),
        _c("query", "string", "the GDELT query"),
        _c("is_partial", "bool", "the day was not over when fetched"),
    ),
    _news_volume,
)

PANEL_DAILY = TableSpec(
    "panel_daily",
    "The analysis panel: one row per theme and NYSE session, "
    "aligned so that each row holds only what was known at that close.",
    (
        _c("theme", "string", "theme key"),
        _c("date", "date", "NYSE session"),
        _c("search", "float", "theme search interest on the common scale (mean of its terms)"),
        _c("reddit_mentions", "float", "Reddit items matched to the theme (empty: not fully watched)"),
        _c("news_mentions", "float", "news headlines matched to the theme (empty: not fully watched)"),
        _c("reddit_share", "float", "theme's share of theme-matched Reddit items, 0..1"),
        _c("news_share", "float", "theme's share of theme-matched headlines, 0..1"),
        _c("reddit_sentiment", "float", "mean compound of the theme's Reddit items, -1..1"),
        _c("news_sentiment", "float", "mean compound of the theme's headlines, -1..1"),
        _c("reddit_coverage", "float", "fraction of the period Reddit was watched (0: not at all)"),
        _c("news_coverage", "float", "fraction of the period news feeds were watched"),
        _c(
            "reddit_weighted_mentions",
            "float",
            "Reddit mentions counted with their theme weights (only a member of two themes named: half each)",
        ),
        _c("news_weighted_mentions", "float", "headlines counted with their theme weights"),
        _c(
            "reddit_weighted_share",
            "float",
            "theme's share of the period's weighted Reddit mentions; themes sum to 1 (empty: unwatched)",
        ),
        _c("news_weighted_share", "float", "theme's share of the period's weighted headlines, 0..1"),
        _c("page_views", "float", "mean daily Wikipedia views of the theme's articles"),
        _c("reddit_per_1k", "float", "theme Reddit mentions per 1,000 comments in its subreddits"),
        _c("attention_index", "float", "mean z-score of log search, log page views, log(1 + mentions)"),
        _c("theme_return", "float", "proxy (ETF or basket) daily return, fraction"),
        _c("basket_weight", "float", "share of the proxy's weight priced that session, 0..1"),
        _c("benchmark_return", "float", "benchmark daily return, fraction"),
        _c("excess_return", "float", "theme minus benchmark return, fraction"),
        _c("dollar_volume", "float", "close x volume over the proxy members priced, USD (see basket_weight)"),
        _c(
            "abnormal_volume",
            "float",
            "ln(dollar volume / mean of the previous 20 sessions), per member, averaged over the "
            "members with one",
        ),
        _c("flow_usd", "float", "net flows into the proxy, USD (missing or stale: empty)"),
        _c("attention_index_parts", "string", "components observed in the period (search+reddit...)"),
    ),
    _panel_daily,
)
