"""The panels as of one date: the inputs cut to what was known by the end of that day, and every
theme's panel built once from them, so the analysis, the exports and the report of one run all
describe the same data (and a report for a past date stays honest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from attention.config import Config
from attention.panel.build import PanelInputs, ThemePanel, build_theme_panel


@dataclass(frozen=True)
class PanelSnapshot:
    """Inputs known by the end of ``as_of`` and the per-theme panels built from them."""

    as_of: dt.date
    inputs: PanelInputs
    panels: dict[str, ThemePanel]


def cut_inputs(inputs: PanelInputs, as_of: dt.date) -> PanelInputs:
    """Only what was known by the end of ``as_of`` (UTC)."""
    end = pd.Timestamp(as_of)

    def by_date(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if frame.empty else frame[pd.to_datetime(frame["date"]) <= end]

    mentions = inputs.mentions
    if not mentions.empty:
        created = pd.to_datetime(mentions["created_utc"], utc=True).dt.tz_convert(None)
        mentions = mentions[created < end + pd.Timedelta(days=1)]
    return replace(
        inputs,
        coverage=_cut_coverage(inputs.coverage, end + pd.Timedelta(days=1)),
        prices=by_date(inputs.prices),
        flows=by_date(inputs.flows),
        search=by_date(inputs.search),
        external=by_date(inputs.external),
        mentions=mentions,
    )


def _cut_coverage(coverage: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Spans clipped to end before ``end`` (naive UTC): nothing after it was watched yet."""
    if coverage.empty:
        return coverage
    stop = end.tz_localize("UTC")
    kept = coverage[coverage["span_start"] < stop]
    return kept.assign(span_end=kept["span_end"].clip(upper=stop))


def snapshot(inputs: PanelInputs, config: Config, as_of: dt.date) -> PanelSnapshot:
    """Cut ``inputs`` at ``as_of`` and build every configured theme's panel once."""
    cut = cut_inputs(inputs, as_of)
    panels = {key: build_theme_panel(cut, config, key, end=as_of) for key in config.themes}
    return PanelSnapshot(as_of, cut, panels)
