"""What the rankings and alerts read: stored items for a window, what was watched when (the
coverage records), and the daily panels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from attention.config import Config
from attention.panel.build import load_inputs
from attention.panel.coverage import covered_fraction
from attention.panel.snapshot import snapshot
from attention.panel.text import FULL_COVERAGE, TEXT_SOURCES
from attention.rankings.mentions import DAY, WEEK, WINDOWS, rank_mentions, window_bounds
from attention.store import Store
from attention.themes import get_matcher


def window_end(store: Store, as_of: dt.date | None) -> dt.datetime:
    """The end (exclusive, UTC midnight) of the day ranked: ``as_of``, else the latest run date
    (the day the last run collected for), else the day of the newest stored item, else today."""
    if as_of is None:
        as_of = store.latest_run_date()
    if as_of is None:
        newest = store.latest_item_time()
        as_of = (
            pd.Timestamp(newest).tz_convert("UTC").date()
            if newest is not None
            else dt.datetime.now(dt.UTC).date()
        )
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.UTC)


def observed_end(store: Store, as_of: dt.date | None) -> dt.datetime:
    """Where the ranking's windows end: just after the newest stored theme-matched item (its
    second, so it counts), or with ``as_of`` just after the newest one created by the end of
    that UTC day. Not "now": a store whose data stops (an import, a stopped collector) ranks
    the last day it observed, not an empty one; and an item stamped when it was fetched (a feed
    entry without a date) does not move the windows. Without such items: the end of the day of
    :func:`window_end`."""
    day_end = window_end(store, as_of) if as_of is not None else None
    newest = store.latest_theme_item_time(day_end)
    if newest is None:
        return window_end(store, as_of)
    return pd.Timestamp(newest).tz_convert("UTC").floor("s").to_pydatetime() + dt.timedelta(seconds=1)


def watched_by_source(coverage: pd.DataFrame, end: dt.datetime) -> dict[str, dict[str, float]]:
    """Per text source that watched anything in the ranking's two weeks: the fraction (0..1)
    of each of its windows (:data:`WINDOWS`, ending at ``end``) inside that source's stored
    coverage spans (every unit of it together)."""
    bounds = window_bounds(end)
    starts = pd.DatetimeIndex([bounds[w][0] for w in WINDOWS])
    ends = pd.DatetimeIndex([bounds[w][1] for w in WINDOWS])
    out = {}
    for source in TEXT_SOURCES:
        spans = coverage[coverage["source"] == source]
        inside = spans[(spans["span_end"] > starts.min()) & (spans["span_start"] < ends.max())]
        if not inside.empty:
            fractions = covered_fraction(inside, starts, ends)
            out[source] = {w: float(f) for w, f in zip(WINDOWS, fractions, strict=True)}
    return out


def watched_fractions(coverage: pd.DataFrame, end: dt.datetime) -> dict[str, float]:
    """The fraction (0..1) of each of the ranking's windows in which the text sources were
    watched: a window is only as watched as its least watched source (items from a source not
    watched then would be missing from its count); no coverage recorded at all: 0, nothing
    was known to be watched."""
    by_source = watched_by_source(coverage, end)
    return {w: min((f[w] for f in by_source.values()), default=0.0) for w in WINDOWS}


def rankings(store: Store, config: Config, as_of: dt.date | None = None) -> tuple[pd.DataFrame, dt.date]:
    """The ranking of themes and of their tickers in the windows ending at
    :func:`observed_end`, and the UTC day that end falls on."""
    end = observed_end(store, as_of)
    items = store.theme_items_between(end - 2 * WEEK, end)
    items["created_utc"] = pd.to_datetime(items["created_utc"], utc=True)
    items["themes"] = items["themes"].map(lambda ts: list(ts) if ts is not None else [])
    matcher = get_matcher(config.themes)

    def tickers_in(text: str) -> set[str]:
        found = matcher.explain(text)
        return {e.text.lstrip("$").upper() for e in found if e.kind in ("cashtag", "ticker")}

    by_source = watched_by_source(store.coverage_spans(TEXT_SOURCES), end)
    watched = {w: min((f[w] for f in by_source.values()), default=0.0) for w in WINDOWS}
    frame = rank_mentions(items, end, tickers_in, watched)
    frame.attrs["watched_by_source"] = by_source  # for the words: which source was not watched
    return frame, (end - dt.timedelta(microseconds=1)).date()


# Panel columns judged per theme, as alert metric names.
THEME_METRICS = {
    "attention_index": "attention",
    "reddit_sentiment": "reddit_sentiment",
    "news_sentiment": "news_sentiment",
    "excess_return": "excess_return",
    "flow_usd": "flows",
}


def alert_series(
    store: Store, config: Config, as_of: dt.date | None, window: int
) -> tuple[dict[tuple[str, str, str], pd.Series], dt.date, dt.datetime]:
    """Daily series to judge, keyed (kind, subject, metric): per theme its panel's attention,
    sentiment, excess return and flows; per ticker (theme members) its mentions and return.

    A ticker's mentions are counted, like the ranking's, in periods of 24 hours ending at the
    newest item of the day judged (:func:`observed_end`), not at midnight: a run at 22:15 or
    at 08:00 judges a whole 24 hours. Each period is labelled with the UTC day it ends on and
    is missing (not 0) unless the text sources were watched over all of it. Returns the series,
    the day judged and where the mention periods end."""
    end = window_end(store, as_of)
    day = (end - dt.timedelta(days=1)).date()
    inputs = load_inputs(store, config)
    snap = snapshot(inputs, config, day)
    series: dict[tuple[str, str, str], pd.Series] = {}
    for theme, panel in snap.panels.items():
        for column, metric in THEME_METRICS.items():
            if column in panel.daily:
                series[("theme", theme, metric)] = panel.daily[column]
    tickers = sorted(
        {t for theme in config.themes.values() for t in (*theme.match.tickers, *theme.proxy.members)}
    )
    prices = snap.inputs.prices
    for ticker in tickers:
        closes = prices[prices["ticker"] == ticker].set_index("date")["adj_close"].sort_index()
        if len(closes) > 1:
            series[("ticker", ticker, "return")] = closes.astype(float).pct_change().iloc[1:]
    mentions_end = observed_end(store, day)
    periods = mention_periods(store, mentions_end, 2 * window + 14)
    items = store.theme_items_between(periods.index[0][0], mentions_end)
    for ticker, values in _ticker_mentions(items, config, periods).items():
        series[("ticker", ticker, "mentions")] = values
    return series, day, mentions_end


def mention_periods(store: Store, end: dt.datetime, count: int) -> pd.DataFrame:
    """The ``count`` periods of 24 hours ending at ``end``, oldest first, indexed by their
    ``(start, stop)``: ``label`` (the UTC day the period ends on) and ``watched`` (True when
    every text source that watched anything then was watched over the whole period; False
    when none did)."""
    stops = pd.DatetimeIndex([end - i * DAY for i in range(count, 0, -1)], tz="UTC") + DAY
    starts = stops - DAY
    coverage = store.coverage_spans(TEXT_SOURCES)
    coverage = coverage[(coverage["span_end"] > starts[0]) & (coverage["span_start"] < stops[-1])]
    fractions = [
        covered_fraction(coverage[coverage["source"] == source], starts, stops)
        for source in coverage["source"].unique()
    ]
    least = np.min(fractions, axis=0) if fractions else np.zeros(count)
    labels = [(stop - dt.timedelta(microseconds=1)).date() for stop in stops]
    index = pd.MultiIndex.from_arrays([starts, stops], names=["start", "stop"])
    return pd.DataFrame({"label": labels, "watched": least >= FULL_COVERAGE}, index=index)


def _ticker_mentions(items: pd.DataFrame, config: Config, periods: pd.DataFrame) -> dict[str, pd.Series]:
    """Items naming each ticker per period of :func:`mention_periods`, labelled by the day the
    period ends; a period not watched in full is missing, not a zero (DESIGN.md 4.14)."""
    if items.empty:
        return {}
    created = pd.to_datetime(items["created_utc"], utc=True)
    stops = periods.index.get_level_values("stop")
    slot = stops.searchsorted(created, side="right")  # the period whose [start, stop) holds it
    matcher = get_matcher(config.themes)
    named: dict[str, list[int]] = {}
    texts = items["title"].fillna("") + "\n" + items["body"].fillna("")
    for text, where in zip(texts, slot, strict=True):
        for found in {
            e.text.lstrip("$").upper() for e in matcher.explain(text) if e.kind in ("cashtag", "ticker")
        }:
            named.setdefault(found, []).append(int(where))
    watched = periods["watched"].to_numpy()
    out = {}
    for ticker, slots in named.items():
        counts = np.bincount(slots, minlength=len(periods))[: len(periods)].astype(float)
        out[ticker] = pd.Series(np.where(watched, counts, np.nan), index=periods["label"].to_numpy())
    return out
