"""Aligned per-theme panels, daily and weekly, built read-only from the store.

Columns (NaN where a source is missing; the panel works with prices alone):

========================  =====================================================================
``search``                theme search interest on the common scale (mean of its terms)
``asvi``                  weekly only: ln SVI_t - ln median(SVI_{t-1..t-8}) (Da et al. 2011)
``reddit_mentions``       items matched to the theme: a number only where Reddit was watched for
                          the whole period (recorded coverage; 0 there is a real zero), else NaN
``news_mentions``         same for news headlines
``reddit_coverage``       fraction (0..1) of the period inside Reddit's recorded coverage
``news_coverage``         same for news
``reddit_share``          theme mentions / items matched to any theme, same source and period
``news_share``
``reddit_weighted_m...``  ``reddit_weighted_mentions``: mentions counted with their theme
                          weights, one naming only a member of two baskets half in each
                          (panel/text.py); same coverage rule as the count
``news_weighted_m...``    ``news_weighted_mentions``
``reddit_weighted_share`` theme's weighted mentions / every theme's, same source and period:
                          sums to 1 over the themes where watched, missing (not 0) elsewhere
``news_weighted_share``
``reddit_sentiment``      mean VADER compound of scoreable theme items
``news_sentiment``
``page_views``            the theme's Wikipedia articles' daily views (attention_series.py)
``reddit_per_1k``         theme Reddit mentions per 1,000 comments in its subreddits
``attention_index``       mean z-score of log search, log page views and log(1 + mentions) over
                          the components observed in the period (``ThemePanel.index_parts``)
``theme_return``          proxy ETF or weighted basket of adj_close returns (weekly: compounded,
                          missing when the week's last session has none). The repeats of a
                          frozen close are dropped first (``ThemePanel.frozen``)
``basket_weight``         share of the proxy's weight with a return that session (weekly: the
                          week's lowest); under 80% the panel notes say so
``benchmark_return``      config.benchmark's adj_close return
``excess_return``         theme minus benchmark (weekly: compounded returns, then minus)
``dollar_volume``         sum over the proxy members priced of close * volume (how much of
                          the basket that is: ``basket_weight``); weekly: the sessions' sum,
                          missing when any session of the week has none
``abnormal_volume``       ln(dollar volume / mean of previous 20 sessions) per member, averaged
                          with the basket's weights over the members that have one (a member
                          that starts or stops trading is no jump); weekly: the week's mean
                          per session over the mean of the previous 12 weeks, the same way
``flow_usd``              net flows into the proxy members; missing or stale stays NaN
========================  =====================================================================

The daily index is NYSE sessions; weekly rows are trading weeks labelled by their last session.
Alignment rules (what is known at which close) are documented in :mod:`attention.calendar`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from attention.calendar import STALE_SESSIONS, sessions_and_closes, week_labels
from attention.checks.baskets import BenchmarkIsProxyError, check_benchmark, thin_basket_finding
from attention.checks.feeds import drop_frozen_prices, frozen_flows_missing, price_min_run
from attention.checks.findings import Finding
from attention.config import Config
from attention.panel.attention_series import page_view_columns, share_columns
from attention.panel.columns import asvi, attention_index, market_columns, search_columns, step_adjusted
from attention.panel.external import empty_external, external_columns
from attention.panel.text import FULL_COVERAGE, TEXT_SOURCES, text_columns
from attention.store import Store
from attention.store.coverage import SPAN_COLUMNS as COVERAGE_COLUMNS
from attention.store.flags import FLAG_COLUMNS

DAILY_COLUMNS = [
    "search",
    "reddit_mentions",
    "news_mentions",
    "reddit_share",
    "news_share",
    "reddit_sentiment",
    "news_sentiment",
    "reddit_coverage",
    "news_coverage",
    "reddit_weighted_mentions",
    "news_weighted_mentions",
    "reddit_weighted_share",
    "news_weighted_share",
    "page_views",
    "reddit_per_1k",
    "attention_index",
    "theme_return",
    "basket_weight",
    "benchmark_return",
    "excess_return",
    "dollar_volume",
    "abnormal_volume",
    "flow_usd",
]
WEEKLY_COLUMNS = DAILY_COLUMNS[:1] + ["asvi"] + DAILY_COLUMNS[1:] + ["n_sessions"]


@dataclass(frozen=True)
class PanelInputs:
    """Long-format rows read from the store (or built by hand in tests)."""

    prices: pd.DataFrame  # ticker, date, close, adj_close, volume
    flows: pd.DataFrame  # ticker, date, method, flow_usd, stale
    mentions: pd.DataFrame  # source, item_id, created_utc, theme, weight, compound, scoreable
    search: pd.DataFrame  # term, date, granularity, value, is_partial
    # source, unit_kind, unit, span_start, span_end (UTC): what was watched; none: nothing was
    coverage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COVERAGE_COLUMNS))
    external: pd.DataFrame = field(default_factory=empty_external)  # name, date, value, kind, price_derived
    page_views: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["article", "day", "views"])
    )
    comments: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["subreddit", "day", "value"])
    )
    # the stored data-quality flags (check_name, subject, detail, first_date, last_date, ...)
    flags: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLAG_COLUMNS))

    @classmethod
    def empty(cls) -> PanelInputs:
        return cls(
            pd.DataFrame(columns=["ticker", "date", "close", "adj_close", "volume"]),
            pd.DataFrame(columns=["ticker", "date", "method", "flow_usd", "stale"]),
            pd.DataFrame(
                columns=["source", "item_id", "created_utc", "theme", "weight", "compound", "scoreable"]
            ),
            pd.DataFrame(columns=["term", "date", "granularity", "value", "is_partial"]),
        )


@dataclass(frozen=True)
class ThemePanel:
    theme: str
    daily: pd.DataFrame
    weekly: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    # the components of the attention index in each row ("search+reddit"), daily and weekly
    index_parts: tuple[pd.Series, pd.Series] = field(
        default_factory=lambda: (pd.Series(dtype=object), pd.Series(dtype=object))
    )
    # input checks behind the panel (also in ``notes``): frozen closes of the proxy or the
    # benchmark (their repeats dropped as missing), and search terms used as step series
    frozen: tuple[Finding, ...] = ()
    steps: tuple[Finding, ...] = ()

    def available(self, freq: str = "W") -> list[str]:
        """Columns with at least one value."""
        frame = self.weekly if freq == "W" else self.daily
        return [c for c in frame if frame[c].notna().any()]


def load_inputs(store: Store, config: Config) -> PanelInputs:
    """Read what the panel needs; tables a source never filled simply give empty frames."""
    tickers = config.all_tickers()
    terms = sorted({t for theme in config.themes.values() for t in theme.search_terms})
    series = sorted({name for theme in config.themes.values() for name in theme.external_series})
    return PanelInputs(
        prices=store.panel_prices(tickers),
        flows=store.panel_flows(tickers),
        mentions=store.theme_mentions(),
        search=store.panel_search(terms),
        coverage=store.coverage_spans(TEXT_SOURCES),
        external=store.panel_external(series) if series else empty_external(),
        page_views=store.panel_page_views(),
        comments=store.panel_subreddit_volume("comments"),
        flags=store.data_flags(),
    )


def build_theme_panel(
    inputs: PanelInputs,
    config: Config,
    theme_key: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ThemePanel:
    """The daily and weekly panel of one theme from ``inputs`` (no store access)."""
    theme = config.themes[theme_key]
    first, last = _span(inputs, start, end)
    if first is None or last is None:
        empty_d = pd.DataFrame(columns=DAILY_COLUMNS, dtype=float)
        empty_w = pd.DataFrame(columns=WEEKLY_COLUMNS, dtype=float)
        return ThemePanel(theme_key, empty_d, empty_w, ("no data in the store yet",))
    # a margin before ``first`` so the session before the panel's first one is known
    all_sessions, closes = sessions_and_closes(first - pd.Timedelta(days=10), last)
    sessions = all_sessions[(all_sessions >= first) & (all_sessions <= last)]
    if sessions.empty:
        return ThemePanel(
            theme_key,
            pd.DataFrame(columns=DAILY_COLUMNS, dtype=float),
            pd.DataFrame(columns=WEEKLY_COLUMNS, dtype=float),
            (f"no trading session between {first.date()} and {last.date()}",),
        )
    prev = all_sessions[all_sessions < sessions[0]][-1]
    weeks = week_labels(sessions)
    prices, frozen, flows, flow_notes = _checked_market(inputs, config, theme_key, last)
    market_d, market_w = market_columns(
        _since(prices, prev, True),
        _since(flows, prev, True),
        theme.proxy.weight_map(),
        config.benchmark_for(theme_key),
        sessions,
        weeks,
    )
    text_d, text_w = text_columns(
        inputs.mentions, inputs.coverage, theme_key, theme.subreddits, closes, sessions, weeks
    )
    search, steps = step_adjusted(inputs.search[inputs.search["term"].isin(theme.search_terms)])
    search_d, search_w = search_columns(_since(search, prev, False), theme.search_terms, sessions, weeks)
    proxy_error = _benchmark_error(theme_key, theme.proxy.members, config.benchmark_for(theme_key))
    if proxy_error:  # 0 by construction: no number rather than a series of invented zeros
        market_d["excess_return"], market_w["excess_return"] = np.nan, np.nan
    daily = pd.concat([search_d.rename("search"), text_d, market_d], axis=1)
    weekly = pd.concat([search_w.rename("search"), text_w, market_w], axis=1)
    views = page_view_columns(inputs.page_views, theme.wikipedia_articles, sessions, weeks)
    share = share_columns(inputs.mentions, inputs.comments, theme_key, theme.subreddits, sessions, weeks)
    for frame, view, per_1k in ((daily, views[0], share[0]), (weekly, views[1], share[1])):
        frame["page_views"], frame["reddit_per_1k"] = view, per_1k
    weekly["asvi"] = asvi(weekly["search"])
    weekly["n_sessions"] = weeks.groupby(weeks.to_numpy()).size().astype(float)
    parts = []
    ext_d, ext_w, ext_parts, ext_notes = external_columns(
        inputs.external, theme.external_series, sessions, weeks
    )
    daily, weekly = pd.concat([daily, ext_d], axis=1), pd.concat([weekly, ext_w], axis=1)
    for frame in (daily, weekly):
        frame["attention_index"], names = attention_index(
            {
                "search": np.log(frame["search"].where(frame["search"] > 0)),
                "wikipedia": np.log(frame["page_views"].where(frame["page_views"] > 0)),
                "reddit": np.log1p(frame["reddit_mentions"]),
                "news": np.log1p(frame["news_mentions"]),
                **{column: np.log1p(frame[column].clip(lower=0)) for column in ext_parts},
            }
        )
        parts.append(names.rename("attention_index_parts"))
    daily, weekly = daily[DAILY_COLUMNS + list(ext_d)], weekly[WEEKLY_COLUMNS + list(ext_w)]
    daily.index.name = weekly.index.name = "date"
    benchmark = config.benchmark_for(theme_key)
    notes = _notes(daily, theme.proxy.members, benchmark) + _coverage_notes(inputs, daily)
    notes += [f.line() for f in steps] + proxy_error + list(ext_notes) + _composition_note(parts[1])
    notes += [f"frozen feed: {f.line()}" for f in frozen] + flow_notes
    thin = thin_basket_finding(theme_key, daily["basket_weight"], theme.proxy.members)
    if thin is not None and len(theme.proxy.members) > 1:
        notes.append(thin.line().removeprefix(f"{theme_key}: "))  # shown after the theme's label
    return ThemePanel(
        theme_key, daily, weekly, tuple(notes), (parts[0], parts[1]), tuple(frozen), tuple(steps)
    )


def _checked_market(
    inputs: PanelInputs, config: Config, theme_key: str, last: pd.Timestamp
) -> tuple[pd.DataFrame, list[Finding], pd.DataFrame, list[str]]:
    """The theme's prices without the repeats of frozen closes, and its flows with every row
    of a frozen shares feed unknown, checked on the rows dated up to ``last`` only (a panel as
    of a past date never learns from later bars that a run was frozen). Returns the prices,
    the frozen-close flags, the flows and a note per member whose flows were frozen."""
    stale_after = config.sources.flows.stale_after_days
    members = config.themes[theme_key].proxy.members
    tickers = {*members, config.benchmark_for(theme_key)}
    prices = _upto(inputs.prices, last)
    if not prices.empty:
        prices = prices[prices["ticker"].isin(tickers)]
    prices, frozen = drop_frozen_prices(prices, price_min_run(stale_after))
    flows = _upto(inputs.flows, last)
    if flows.empty:
        return prices, frozen, flows, []
    flows = flows[flows["ticker"].isin(members)].reset_index(drop=True)
    checked = frozen_flows_missing(flows, stale_after)
    was = flows["stale"].fillna(False).astype(bool)
    newly = checked[checked["stale"] & ~was & (checked["flow_usd"] == 0)]
    notes = [
        f"frozen feed: {ticker}'s shares outstanding stopped changing; {len(rows)} zero flow(s) "
        f"from {_day(rows['date'].min())} to {_day(rows['date'].max())} sit in that frozen run and are "
        "missing, not 0"
        for ticker, rows in newly.groupby("ticker")
    ]
    return prices, frozen, checked, notes


def _day(value: object) -> object:
    return pd.Timestamp(value).date()


def _upto(frame: pd.DataFrame, last: pd.Timestamp) -> pd.DataFrame:
    """Rows dated on or before ``last``."""
    return frame if frame.empty else frame[pd.to_datetime(frame["date"]) <= last]


def build_panels(
    store: Store | str | Path, config: Config, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, ThemePanel]:
    """Panels for every configured theme. Accepts an open Store or a path (opened read-only)."""
    if isinstance(store, Store):
        inputs = load_inputs(store, config)
    else:
        with Store(store, read_only=True) as opened:
            inputs = load_inputs(opened, config)
    return {key: build_theme_panel(inputs, config, key, start, end) for key in config.themes}


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(date=pd.to_datetime(frame["date"]))


def _since(frame: pd.DataFrame, prev: pd.Timestamp, strictly: bool) -> pd.DataFrame:
    """Rows that belong to the panel's first session or later, with dates as timestamps.

    The alignment maps every earlier date to the first session too (it is the first one on
    or after them), which would pile all history before ``start`` into that one row. Prices
    and flows dated after ``prev`` (the session before the panel) and search days from
    ``prev`` on (a day is usable the session after it) are the ones that map there honestly.
    Text items are filtered by their session in ``text_columns``."""
    frame = _dates(frame)
    if frame.empty:
        return frame
    keep = frame["date"] > prev if strictly else frame["date"] >= prev
    return frame[keep]


def _span(
    inputs: PanelInputs, start: dt.date | None, end: dt.date | None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last date covered by any input, clipped to ``start``/``end``."""
    stamps = [pd.to_datetime(f["date"]) for f in (inputs.prices, inputs.flows, inputs.search) if not f.empty]
    if not inputs.mentions.empty:
        created = pd.to_datetime(inputs.mentions["created_utc"], utc=True).dt.tz_convert(None)
        stamps.append(created.dt.normalize())
    if not stamps:
        return None, None
    first = min(s.min() for s in stamps)
    last = max(s.max() for s in stamps)
    if start is not None:
        first = max(first, pd.Timestamp(start))
    if end is not None:
        last = min(last, pd.Timestamp(end))
    return first, last


def _composition_note(parts: pd.Series) -> list[str]:
    """Say when the weekly attention index is made of different sources in different weeks
    (a source started or stopped): its level then means different things over time."""
    counts = parts[parts.astype(bool)].value_counts()
    if len(counts) < 2:
        return []
    listed = ", ".join(f"{name} in {n} week(s)" for name, n in counts.items())
    return [f"the attention index is made of different sources over time ({listed}); its tests mix them"]


def _benchmark_error(theme: str, members: list[str], benchmark: str) -> list[str]:
    try:
        check_benchmark(theme, members, benchmark)
    except BenchmarkIsProxyError as exc:
        return [f"error: {exc}"]
    return []


def _coverage_notes(inputs: PanelInputs, daily: pd.DataFrame) -> list[str]:
    """Text sources with stored items but periods nobody watched: say that they are missing."""
    notes = []
    for source in TEXT_SOURCES:
        has_items = not inputs.mentions.empty and (inputs.mentions["source"] == source).any()
        unwatched = int((daily[f"{source}_coverage"] < FULL_COVERAGE).sum())
        if has_items and unwatched:
            notes.append(
                f"{source}: {unwatched} of {len(daily)} sessions not (fully) covered by a recorded "
                "collection or import; their counts are missing, not zero"
            )
    return notes


def _notes(daily: pd.DataFrame, members: list[str], benchmark: str) -> list[str]:
    notes = []
    fix = "collect them (attention run --source prices) or load a file (attention import prices FILE)"
    if daily["theme_return"].isna().all():
        notes.append(f"no prices for the proxy ({', '.join(members)}): {fix}")
    if daily["benchmark_return"].isna().all():
        notes.append(f"no prices for the benchmark {benchmark}: {fix}")
    for col, what in (("theme_return", f"the proxy ({', '.join(members)})"), ("benchmark_return", benchmark)):
        seen = daily[col].last_valid_index()
        if seen is not None and (behind := int((daily.index > seen).sum())) > STALE_SESSIONS:
            end = daily.index[-1].date()
            notes.append(
                f"prices of {what} end {seen.date()}, {behind} sessions before {end}: stale, no return after"
            )
    for col, what in (
        ("search", "search interest"),
        ("reddit_mentions", "Reddit items"),
        ("news_mentions", "news items"),
        ("flow_usd", "flows"),
    ):
        if daily[col].isna().all():
            notes.append(f"no {what}")
    return notes
