"""The output steps of a run: the panel snapshot, the analysis (and saving it), the exports and
the report. The daily flow (:mod:`attention.daily.flow`) chains them on one store handle;
``attention analyze`` and ``attention report`` call one each.

The panels are built once per snapshot and the analysis once per run: the exports and the
report receive the same objects instead of recomputing them.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from attention.analysis.persist import result_frames
from attention.analysis.run import AnalysisResults, analyze, analyze_panels
from attention.config import Config
from attention.panel.build import load_inputs
from attention.panel.snapshot import PanelSnapshot, snapshot
from attention.report.data import default_as_of, gather
from attention.report.export import ExportResult, export_store
from attention.report.html import ReportResult, build_report
from attention.report.tables import ExportOptions
from attention.store import Store

log = logging.getLogger("attention.daily.outputs")


def panel_snapshot(store: Store, config: Config, as_of: dt.date | None = None) -> PanelSnapshot:
    """Every theme's panel as of ``as_of`` (default: the latest run date, else the last price)."""
    return snapshot(load_inputs(store, config), config, as_of or default_as_of(store))


# -- analysis ----------------------------------------------------------------------------------
def analyze_snapshot(snap: PanelSnapshot, config: Config) -> AnalysisResults:
    """The analysis of a snapshot's panels, as of its date."""
    return analyze_panels(snap.panels, snap.inputs, config, snap.as_of)


def analyze_store(
    store: Store, config: Config, persist: bool = True, asof: dt.date | None = None
) -> AnalysisResults:
    """``attention analyze``: every theme from all the store holds; saved when ``persist`` (the
    store must then be writable)."""
    results = analyze(load_inputs(store, config), config, asof)
    if persist:
        persist_results(store, results)
    return results


def persist_results(store: Store, results: AnalysisResults) -> None:
    """Replace each analysed theme's rows in the result tables, in one transaction."""
    store.replace_analysis_results(result_frames(results), list(results.themes))


def analysis_summary(results: AnalysisResults) -> str:
    tested = sum(len(t.feedback.tests) for t in results.themes.values())
    found = sum(t.significant(a.feedback.alpha) for a in results.themes.values() for t in a.feedback.tests)
    return f"analysed {len(results.themes)} theme(s): {tested} feedback test(s), {found} significant after BH"


# -- exports and report ------------------------------------------------------------------------
def export_snapshot(store: Store, config: Config, snap: PanelSnapshot) -> ExportResult:
    """Every export table into ``outputs.export_dir``; ``panel_daily`` is the snapshot's panel."""
    return export_store(
        store,
        config,
        Path(config.outputs.export_dir),
        config.outputs.export_format,
        ExportOptions(panels=snap.panels),
    )


def report_snapshot(
    store: Store,
    config: Config,
    snap: PanelSnapshot,
    analysis: AnalysisResults | None,
    simulated: bool = False,
    out_dir: str | Path | None = None,
    notes: list[str] | None = None,
) -> ReportResult:
    """Charts and the HTML report for the snapshot's date from the given analysis."""
    data = gather(store, config, snap, analysis, simulated, notes)
    out = Path(out_dir or config.outputs.report_dir)
    return build_report(data, out, Path(config.outputs.export_dir))


def write_report(
    config: Config,
    as_of: dt.date | None = None,
    out_dir: str | Path | None = None,
    analysis: AnalysisResults | None = None,
    simulated: bool = False,
    store_path: str | Path | None = None,
) -> ReportResult:
    """``attention report``: the report for ``as_of`` (default: the latest run date) from the
    store opened read-only, analysing only what was known by then (unless ``analysis`` is
    given). The report is written even when the analysis fails; it then says why."""
    with Store(store_path or config.store.path, read_only=True) as store:
        snap = panel_snapshot(store, config, as_of)
        notes: list[str] = []
        if analysis is None:
            analysis = _analysis_or_note(snap, config, notes)
        return report_snapshot(store, config, snap, analysis, simulated, out_dir, notes)


def _analysis_or_note(snap: PanelSnapshot, config: Config, notes: list[str]) -> AnalysisResults | None:
    try:
        return analyze_snapshot(snap, config)
    except Exception as exc:  # the report still shows data and the failure, never crashes
        log.debug("analysis for the report failed", exc_info=True)
        notes.append(f"the analysis could not run: {type(exc).__name__}: {exc}")
        return None
