"""Everything the charts and the HTML report show, in one :class:`ReportData`.

The panels and the analysis results are handed in (the daily flow builds them once and gives
the same objects to the analysis, the exports and the report); what the report needs beyond
them (the run log, this week's top items, data-quality flags) is read from the store here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from attention.analysis.run import AnalysisResults
from attention.config import Config
from attention.panel.build import ThemePanel
from attention.panel.snapshot import PanelSnapshot
from attention.rankings.load import rankings
from attention.store import Store

log = logging.getLogger("attention.report")
TOP_ITEMS = 8


@dataclass
class ReportData:
    config: Config
    as_of: dt.date
    panels: dict[str, ThemePanel]
    analysis: AnalysisResults | None
    top_items: pd.DataFrame  # this week's most discussed theme items (user text!)
    runs: pd.DataFrame  # the latest run of every source up to as_of
    stale_flows: pd.DataFrame  # ticker, days, last_date
    partial_search: pd.DataFrame  # term, granularity, date
    store_path: Path
    simulated: bool = False
    notes: list[str] = field(default_factory=list)
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)  # the input checks' data_flags
    # themes and tickers ranked by mentions on as_of (attention.rankings); None: not read
    rankings: pd.DataFrame | None = None
    # themed mentions up to as_of and how many were split between themes (Store.theme_weight_counts)
    theme_weights: dict[str, int] = field(default_factory=dict)
    # scored themed mentions by the scorer version of their stored score (Store.score_versions)
    score_versions: dict[str, int] = field(default_factory=dict)

    def label(self, theme: str) -> str:
        return self.config.themes[theme].label

    @property
    def themes(self) -> list[str]:
        return list(self.config.themes)


def default_as_of(store: Store) -> dt.date:
    """The report date when none is given: the latest run date, else the latest price."""
    return store.latest_run_date() or store.latest_price_date() or dt.datetime.now(dt.UTC).date()


def looks_simulated(store: Store) -> bool:
    """Data fetched from loopback replicas (``attention demo``, tests) is simulated: the report
    then carries the banner even when it is rebuilt later with ``attention report``."""
    return store.holds_replica_data()


def gather(
    store: Store,
    config: Config,
    snapshot: PanelSnapshot,
    analysis: AnalysisResults | None,
    simulated: bool = False,
    notes: list[str] | None = None,
) -> ReportData:
    """The report's data for ``snapshot.as_of``: the given panels and analysis plus the report's
    own reads from ``store``. ``notes`` (e.g. why the analysis is missing) are shown too."""
    as_of = snapshot.as_of
    notes = list(notes or [])
    hint = _rescore_hint(store, config)
    if hint:
        notes.append(hint)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.UTC)
    return ReportData(
        config,
        as_of,
        snapshot.panels,
        analysis,
        store.top_theme_items(end - dt.timedelta(days=7), end, TOP_ITEMS),
        store.latest_run_per_source(as_of),
        store.stale_flow_summary(as_of - dt.timedelta(days=7 * 4), as_of),
        store.partial_search_periods(as_of),
        Path(store.path),
        simulated or looks_simulated(store),
        notes,
        store.data_flags(),
        rankings(store, config, as_of)[0],
        store.theme_weight_counts(end),
        store.score_versions(end),
    )


def _rescore_hint(store: Store, config: Config) -> str | None:
    """Sentiment series that mix two lexicon versions are flagged where readers will see it."""
    from attention.derive.rescore import stale_hint
    from attention.scoring import scorer_for

    return stale_hint(store, scorer_for(config).version)


def weekly_moves(data: ReportData) -> pd.DataFrame:
    """Per theme: this trading week's attention vs the four before it, and what drove it."""
    rows = []
    for key, panel in data.panels.items():
        weekly = panel.weekly
        if weekly.empty or len(weekly) < 2:
            continue
        last, prior = weekly.iloc[-1], weekly.iloc[-5:-1]
        sources, excluded = _comparable_sources(last, prior)
        mentions = _sum(last, sources)
        before = prior[list(sources)].sum(axis=1, min_count=1).mean() if sources else float("nan")
        change, index_note = _index_change(panel.index_parts[1], weekly)
        if index_note:
            excluded.append(index_note)
        rows.append(
            {
                "theme": key,
                "label": data.label(key),
                "week_end": weekly.index[-1].date(),
                "attention_index": last.get("attention_index"),
                "attention_change": change,
                "search": last.get("search"),
                "search_change": _pct(last.get("search"), prior["search"].mean()),
                "mentions": mentions,
                "mentions_change": _pct(mentions, before),
                "reddit_sentiment": last.get("reddit_sentiment"),
                "news_sentiment": last.get("news_sentiment"),
                "excess_return": last.get("excess_return"),
                "excluded": "; ".join(excluded),
            }
        )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.sort_values("attention_change", ascending=False, na_position="last")
    return frame


MENTION_COLUMNS = ("reddit_mentions", "news_mentions")


def _comparable_sources(last: pd.Series, prior: pd.DataFrame) -> tuple[tuple[str, ...], list[str]]:
    """Mention sources watched in full this week and in each of the weeks it is compared with;
    the others are left out of both sides (adding a source that was not watched before would
    read as a rise), and named."""
    kept, excluded = [], []
    for column in MENTION_COLUMNS:
        source = column.split("_")[0]
        if pd.isna(last.get(column)) and prior[column].isna().all():
            continue  # never watched here: nothing to say
        if pd.notna(last.get(column)) and len(prior) and prior[column].notna().all():
            kept.append(column)
        else:
            excluded.append(f"{source} mentions left out (not watched in full every week compared)")
    return tuple(kept), excluded


def _index_change(parts: pd.Series, weekly: pd.DataFrame) -> tuple[float, str]:
    """This week's attention index minus the mean of the four weeks before it that were made
    of the same components; NaN (and why) when none was."""
    index = weekly["attention_index"]
    if len(weekly) < 2 or pd.isna(index.iloc[-1]):
        return float("nan"), ""
    if parts.empty:
        return float(index.iloc[-1] - index.iloc[-5:-1].mean()), ""
    parts = parts.reindex(weekly.index)
    same = parts.iloc[-5:-1] == parts.iloc[-1]
    if not same.any():
        return float("nan"), (
            f"attention change not computed: this week's index ({parts.iloc[-1]}) is made of other "
            "sources than the weeks before"
        )
    note = "" if same.all() else "attention change against the weeks with the same sources only"
    return float(index.iloc[-1] - index.iloc[-5:-1][same.to_numpy()].mean()), note


def _sum(row: pd.Series, columns: tuple[str, ...]) -> float:
    values = [row.get(c) for c in columns if pd.notna(row.get(c))]
    return float(sum(values)) if values else float("nan")


def _pct(now: float | None, before: float | None) -> float:
    if now is None or before is None or pd.isna(now) or pd.isna(before) or before == 0:
        return float("nan")
    return float(now / before - 1)
