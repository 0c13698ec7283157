"""Aligned per-theme panels, daily and weekly, built read-only from the store.

Columns (NaN where a source is missing; the panel works with prices alone):

========================  =====================================================================
``search``                theme search interest on the common scale (mean of its terms)
``asvi``                  weekly only: ln SVI_t - ln median(SVI_{t-1..t-8}) (Da et al. 2011)
``reddit_mentions``       items matched to the theme (0 inside the source's span, NaN outside)
``news_mentions``         same for news headlines
``reddit_share``          theme mentions / items matched to any theme, same source and period
``news_share``
``reddit_sentiment``      mean VADER compound of scoreable theme items
``news_sentiment``
``attention_index``       mean z-score of log search and log(1 + mentions) (common baseline)
``theme_return``          proxy ETF or weighted basket of adj_close returns
``benchmark_return``      config.benchmark's adj_close return
``excess_return``         theme minus benchmark (weekly: compounded returns, then minus)
``dollar_volume``         sum over proxy members of close * volume
``abnormal_volume``       ln(dollar volume / mean of previous 20 sessions); weekly: the
                          week's mean per session over the mean of the previous 12 weeks
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

from attention.calendar import sessions_and_closes, week_labels
from attention.config import Config
from attention.panel.columns import (
    asvi,
    attention_index,
    market_columns,
    search_columns,
    text_columns,
)
from attention.panel.external import empty_external, external_columns
from attention.store import Store

DAILY_COLUMNS = [
    "search",
    "reddit_mentions",
    "news_mentions",
    "reddit_share",
    "news_share",
    "reddit_sentiment",
    "news_sentiment",
    "attention_index",
    "theme_return",
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
    mentions: pd.DataFrame  # source, item_id, created_utc, theme, compound, scoreable
    search: pd.DataFrame  # term, date, granularity, value, is_partial
    external: pd.DataFrame = field(default_factory=empty_external)  # name, date, value, kind, price_derived

    @classmethod
    def empty(cls) -> PanelInputs:
        return cls(
            pd.DataFrame(columns=["ticker", "date", "close", "adj_close", "volume"]),
            pd.DataFrame(columns=["ticker", "date", "method", "flow_usd", "stale"]),
            pd.DataFrame(columns=["source", "item_id", "created_utc", "theme", "compound", "scoreable"]),
            pd.DataFrame(columns=["term", "date", "granularity", "value", "is_partial"]),
        )


@dataclass(frozen=True)
class ThemePanel:
    theme: str
    daily: pd.DataFrame
    weekly: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

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
        external=store.panel_external(series) if series else empty_external(),
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
    market_d, market_w = market_columns(
        _since(inputs.prices, prev, True),
        _since(inputs.flows, prev, True),
        theme.proxy.weight_map(),
        config.benchmark_for(theme_key),
        sessions,
        weeks,
    )
    text_d, text_w = text_columns(inputs.mentions, theme_key, closes, sessions, weeks)
    search_d, search_w = search_columns(
        _since(inputs.search, prev, False), theme.search_terms, sessions, weeks
    )
    daily = pd.concat([search_d.rename("search"), text_d, market_d], axis=1)
    weekly = pd.concat([search_w.rename("search"), text_w, market_w], axis=1)
    weekly["asvi"] = asvi(weekly["search"])
    weekly["n_sessions"] = weeks.groupby(weeks.to_numpy()).size().astype(float)
    ext_d, ext_w, ext_parts, ext_notes = external_columns(
        inputs.external, theme.external_series, sessions, weeks
    )
    daily, weekly = pd.concat([daily, ext_d], axis=1), pd.concat([weekly, ext_w], axis=1)
    for frame in (daily, weekly):
        frame["attention_index"] = attention_index(
            {
                "search": np.log(frame["search"].where(frame["search"] > 0)),
                "reddit": np.log1p(frame["reddit_mentions"]),
                "news": np.log1p(frame["news_mentions"]),
                **{column: np.log1p(frame[column].clip(lower=0)) for column in ext_parts},
            }
        )
    daily, weekly = daily[DAILY_COLUMNS + list(ext_d)], weekly[WEEKLY_COLUMNS + list(ext_w)]
    daily.index.name = weekly.index.name = "date"
    notes = [*_notes(daily, theme.proxy.members, config.benchmark_for(theme_key)), *ext_notes]
    return ThemePanel(theme_key, daily, weekly, tuple(notes))


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


def _notes(daily: pd.DataFrame, members: list[str], benchmark: str) -> list[str]:
    notes = []
    fix = "collect them (attention run --source prices) or load a file (attention import prices FILE)"
    if daily["theme_return"].isna().all():
        notes.append(f"no prices for the proxy ({', '.join(members)}): {fix}")
    if daily["benchmark_return"].isna().all():
        notes.append(f"no prices for the benchmark {benchmark}: {fix}")
    for col, what in (
        ("search", "search interest"),
        ("reddit_mentions", "Reddit items"),
        ("news_mentions", "news items"),
        ("flow_usd", "flows"),
    ):
        if daily[col].isna().all():
            notes.append(f"no {what}")
    return notes
