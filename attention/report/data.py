"""Everything the charts and the HTML report show, gathered once from the store (read-only).

The analysis results come from :func:`attention.analysis.run.analyze` on the same inputs the
persisted result tables were computed from (cut at the report date), because the report also
needs what the tables do not keep (impulse responses, cross-correlations); a caller that has
just run the analysis passes its results in instead of recomputing them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from attention.config import Config
from attention.panel.build import PanelInputs, ThemePanel, build_theme_panel, load_inputs
from attention.store import Store

log = logging.getLogger("attention.report")
TOP_ITEMS = 8


@dataclass
class ReportData:
    config: Config
    as_of: dt.date
    panels: dict[str, ThemePanel]
    analysis: Any | None  # attention.analysis.run.AnalysisResults
    top_items: pd.DataFrame  # this week's most discussed theme items (user text!)
    runs: pd.DataFrame  # the latest run of every source up to as_of
    stale_flows: pd.DataFrame  # ticker, days, last_date
    partial_search: pd.DataFrame  # term, granularity, date
    store_path: Path
    simulated: bool = False
    notes: list[str] = field(default_factory=list)

    def label(self, theme: str) -> str:
        return self.config.themes[theme].label

    @property
    def themes(self) -> list[str]:
        return list(self.config.themes)


def default_as_of(store: Store) -> dt.date:
    """The report date when none is given: the latest run date, else the latest price."""
    for sql in ("SELECT max(run_date) FROM runs", "SELECT max(date) FROM prices"):
        value = store.con.execute(sql).fetchall()[0][0]
        if value is not None:
            return value
    return dt.datetime.now(dt.UTC).date()


def looks_simulated(store: Store) -> bool:
    """Data fetched from loopback replicas (``attention demo``, tests) is simulated: the report
    then carries the banner even when it is rebuilt later with ``attention report``."""
    rows = store.con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM prices WHERE provenance LIKE '%//127.0.0.1:%' LIMIT 1)"
    ).fetchall()
    return bool(rows[0][0])


def cut_inputs(inputs: PanelInputs, as_of: dt.date) -> PanelInputs:
    """Only what was known by the end of ``as_of`` (a report for a past date stays honest)."""
    end = pd.Timestamp(as_of)

    def by_date(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if frame.empty else frame[pd.to_datetime(frame["date"]) <= end]

    mentions = inputs.mentions
    if not mentions.empty:
        created = pd.to_datetime(mentions["created_utc"], utc=True).dt.tz_convert(None)
        mentions = mentions[created < end + pd.Timedelta(days=1)]
    return replace(
        inputs,
        prices=by_date(inputs.prices),
        flows=by_date(inputs.flows),
        search=by_date(inputs.search),
        mentions=mentions,
    )


def gather(
    store: Store,
    config: Config,
    as_of: dt.date | None = None,
    analysis: Any | None = None,
    simulated: bool = False,
) -> ReportData:
    as_of = as_of or default_as_of(store)
    simulated = simulated or looks_simulated(store)
    inputs = cut_inputs(load_inputs(store, config), as_of)
    panels = {k: build_theme_panel(inputs, config, k, end=as_of) for k in config.themes}
    notes: list[str] = []
    hint = _rescore_hint(store, config)
    if hint:
        notes.append(hint)
    if analysis is None:
        analysis = _analyze(inputs, config, as_of, notes)
    return ReportData(
        config,
        as_of,
        panels,
        analysis,
        _top_items(store, as_of),
        _latest_runs(store, as_of),
        _stale_flows(store, config, as_of),
        _partial_search(store, config, as_of),
        Path(store.path),
        simulated,
        notes,
    )


def _rescore_hint(store: Store, config: Config) -> str | None:
    """Sentiment series that mix two lexicon versions are flagged where readers will see it."""
    from attention.derive.rescore import stale_hint
    from attention.scoring import scorer_for

    return stale_hint(store, scorer_for(config).version)


def _analyze(inputs: PanelInputs, config: Config, as_of: dt.date, notes: list[str]) -> Any:
    try:
        from attention.analysis.run import analyze

        return analyze(inputs, config, as_of)
    except Exception as exc:  # the report still shows data and the failure, never crashes
        log.debug("analysis for the report failed", exc_info=True)
        notes.append(f"the analysis could not run: {type(exc).__name__}: {exc}")
        return None


def _top_items(store: Store, as_of: dt.date) -> pd.DataFrame:
    """This week's theme items, the most discussed first (Reddit by score + comments)."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.UTC)
    return store.query(
        "SELECT source, kind, created_utc, title, url, container, outlet, themes, compound, "
        "score, num_comments FROM items WHERE created_utc >= ? AND created_utc < ? "
        "AND len(themes) > 0 AND kind IN ('post', 'headline') "
        "ORDER BY coalesce(score, 0) + coalesce(num_comments, 0) DESC, created_utc DESC "
        "LIMIT ?",
        [end - dt.timedelta(days=7), end, TOP_ITEMS],
    )


def _latest_runs(store: Store, as_of: dt.date) -> pd.DataFrame:
    return store.query(
        "SELECT source, run_date, status, records, requests, mode, error, started_at FROM runs "
        "WHERE run_date <= ? QUALIFY row_number() OVER (PARTITION BY source "
        "ORDER BY started_at DESC) = 1 ORDER BY source",
        [as_of],
    )


def _stale_flows(store: Store, config: Config, as_of: dt.date) -> pd.DataFrame:
    """ETFs whose recent flows are flagged stale (shares outstanding stopped changing)."""
    since = as_of - dt.timedelta(days=7 * 4)
    return store.query(
        "SELECT ticker, count(*) AS days, max(date) AS last_date FROM flows "
        "WHERE stale AND date > ? AND date <= ? GROUP BY ticker ORDER BY ticker",
        [since, as_of],
    )


def _partial_search(store: Store, config: Config, as_of: dt.date) -> pd.DataFrame:
    if "search_series" not in store.tables():
        return pd.DataFrame(columns=["term", "granularity", "date"])
    return store.query(
        "SELECT term, granularity, max(date) AS date, count(*) AS periods FROM search_series "
        "WHERE is_partial AND date <= ? GROUP BY term, granularity ORDER BY term, granularity",
        [as_of],
    )


def weekly_moves(data: ReportData) -> pd.DataFrame:
    """Per theme: this trading week's attention vs the four before it, and what drove it."""
    rows = []
    for key, panel in data.panels.items():
        weekly = panel.weekly
        if weekly.empty or len(weekly) < 2:
            continue
        last, prior = weekly.iloc[-1], weekly.iloc[-5:-1]
        mentions = _sum(last, ("reddit_mentions", "news_mentions"))
        before = prior[["reddit_mentions", "news_mentions"]].sum(axis=1, min_count=1).mean()
        rows.append(
            {
                "theme": key,
                "label": data.label(key),
                "week_end": weekly.index[-1].date(),
                "attention_index": last.get("attention_index"),
                "attention_change": last.get("attention_index") - prior["attention_index"].mean(),
                "search": last.get("search"),
                "search_change": _pct(last.get("search"), prior["search"].mean()),
                "mentions": mentions,
                "mentions_change": _pct(mentions, before),
                "reddit_sentiment": last.get("reddit_sentiment"),
                "news_sentiment": last.get("news_sentiment"),
                "excess_return": last.get("excess_return"),
            }
        )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.sort_values("attention_change", ascending=False, na_position="last")
    return frame


def _sum(row: pd.Series, columns: tuple[str, ...]) -> float:
    values = [row.get(c) for c in columns if pd.notna(row.get(c))]
    return float(sum(values)) if values else float("nan")


def _pct(now: float | None, before: float | None) -> float:
    if now is None or before is None or pd.isna(now) or pd.isna(before) or before == 0:
        return float("nan")
    return float(now / before - 1)
