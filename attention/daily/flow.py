"""The one daily flow: collect -> derive -> analyze -> export -> report, on one store handle.

``attention run`` and ``attention demo`` call :func:`run_daily`. The store is opened once, for
writing, and its lock is held from the first collector to the report, so no other writer can
slip in between collection and analysis. The panels are built once (as of the run date) and the
analysis is computed once; the exports and the report receive those same objects.

A failing output step is reported and turns a clean run into a partial one (exit 3); it never
touches collected data and never stops the steps after it (the report then says what is
missing).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from attention.analysis.run import AnalysisResults
from attention.config import Config, Secrets
from attention.daily.collect import RunReport, SourceResult, run_pipeline
from attention.daily.outputs import (
    analysis_summary,
    analyze_snapshot,
    export_snapshot,
    panel_snapshot,
    persist_results,
    report_snapshot,
)
from attention.derive.rescore import stale_hint
from attention.errors import AttentionError
from attention.panel.snapshot import PanelSnapshot
from attention.report.export import ExportResult
from attention.report.html import ReportResult
from attention.scoring import scorer_for
from attention.store import Store

log = logging.getLogger("attention.daily.flow")

# The output steps after collection, in the order they run.
STEPS = ("analysis", "export", "report")


@dataclass
class DailyResult:
    """What one daily run did: the collection report, then each output step's result."""

    run: RunReport
    snapshot: PanelSnapshot | None = None
    analysis: AnalysisResults | None = None
    exports: ExportResult | None = None
    report: ReportResult | None = None
    lines: list[str] = field(default_factory=list)  # one per output step, as printed
    hints: list[str] = field(default_factory=list)  # e.g. stored scores of another lexicon
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # shown in the report (why a step is missing)

    @property
    def failed_steps(self) -> list[str]:
        return list(self.run.post_run_failures)

    @property
    def exit_code(self) -> int:
        return self.run.exit_code


def run_daily(
    config: Config,
    run_date: dt.date | None = None,
    sources: Sequence[str] | None = None,
    secrets: Secrets | None = None,
    progress: Callable[[str], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    simulated: bool = False,
    finished: Callable[[SourceResult], None] | None = None,
) -> DailyResult:
    """Collect the selected sources, derive, analyse, export and report, once each.

    ``progress`` hears each source's name as it starts, ``finished`` its result as it ends;
    ``on_step`` each output step's line.
    ``simulated`` marks the report as simulated data (the demo)."""
    with Store(config.store.path) as store:
        run = run_pipeline(
            config,
            run_date=run_date,
            sources=sources,
            secrets=secrets,
            store=store,
            progress=progress,
            finished=finished,
        )
        result = DailyResult(run)
        _Steps(store, config, result, on_step or (lambda line: None), simulated).run()
        hint = _stale_scores_hint(store, config)
    if hint:
        result.hints.append(hint)
    return result


@dataclass
class _Steps:
    store: Store
    config: Config
    result: DailyResult
    say: Callable[[str], None]
    simulated: bool

    def run(self) -> None:
        for name in STEPS:
            self._guarded(name, getattr(self, f"_{name}"))

    def _guarded(self, name: str, step: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            summary = step()
        except Exception as exc:  # one failing output step never hides the others
            log.debug("output step %s failed", name, exc_info=True)
            self.result.run.post_run_failures.append(name)
            line = f"attention: {name} failed: {type(exc).__name__}: {exc}"
            if name == "analysis":
                self.result.notes.append(f"the analysis could not run: {type(exc).__name__}: {exc}")
        else:
            line = f"{name}: {summary}"
        self.result.seconds[name] = time.perf_counter() - started
        self.result.lines.append(line)
        self.say(line)

    def _snapshot(self) -> PanelSnapshot:
        if self.result.snapshot is None:
            self.result.snapshot = panel_snapshot(self.store, self.config, self.result.run.run_date)
        return self.result.snapshot

    def _analysis(self) -> str:
        results = analyze_snapshot(self._snapshot(), self.config)
        persist_results(self.store, results)
        self.result.analysis = results
        return analysis_summary(results)

    def _export(self) -> str:
        self.result.exports = export_snapshot(self.store, self.config, self._snapshot())
        return self.result.exports.summary()

    def _report(self) -> str:
        snap, analysis = self._snapshot(), self.result.analysis
        self.result.report = report_snapshot(
            self.store, self.config, snap, analysis, self.simulated, notes=self.result.notes
        )
        return self.result.report.summary()


def _stale_scores_hint(store: Store, config: Config) -> str | None:
    """After an upgrade changes the lexicon version, say so until the store is re-scored."""
    try:
        return stale_hint(store, scorer_for(config).version)
    except AttentionError:
        return None  # a hint is not worth failing a run that succeeded
