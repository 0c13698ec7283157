"""The collection half of a run: collect -> score -> store -> derive (the daily flow,
:mod:`attention.daily.flow`, then analyzes, exports and reports).

Each enabled source runs in isolation: whatever one collector raises, the others still run, and
the run log records per source its status, counts, mode and error. Records are written in
batches, one transaction per batch, with the cursor updates yielded after them, so a failure or a
kill mid-source keeps every committed batch and never moves a cursor past missing data.

Exit codes: 0 every source succeeded (or deferred work to the next run by design: budget spent),
3 partial (some sources failed, the rest stored), 1 fatal (bad config, store unusable); the
CLI exits 4 instead of 3 when :attr:`RunReport.nothing_collected` (every source failed).
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from attention.config import Config, Secrets
from attention.daily.messages import root_cause
from attention.derive import DERIVATIONS, resolve
from attention.errors import AttentionError, BudgetExhaustedError, FatalError
from attention.store import Store
from attention.store.lookups import ReadOnlyLookups
from collectors import REGISTRY, collector_class
from collectors.core.http import HttpClient
from collectors.core.records import CollectContext, Record, SourceNote, TextItem, utcnow

log = logging.getLogger("attention.daily.collect")
BATCH_SIZE = 2000
INTERRUPTED = (
    "the run was stopped (Ctrl-C or SIGTERM) before this source finished; its committed batches are kept"
)
EXIT_OK, EXIT_FATAL, EXIT_PARTIAL = 0, 1, 3


@dataclass
class SourceResult:
    source: str
    status: str  # ok | failed | deferred | skipped
    records: int = 0
    requests: int = 0
    mode: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    run_id: str
    run_date: dt.date
    results: list[SourceResult] = field(default_factory=list)
    derivations: dict[str, str] = field(default_factory=dict)
    post_run_failures: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def nothing_collected(self) -> bool:
        """Every source that ran failed: not one answered (offline, or every service down)."""
        return bool(self.results) and len(self.failed) == len(self.results)

    @property
    def exit_code(self) -> int:
        """0 or 3; `attention run` turns a run with :attr:`nothing_collected` into 4."""
        return EXIT_PARTIAL if self.failed or self.post_run_failures else EXIT_OK

    def summary(self) -> str:
        lines = [f"run {self.run_id} for {self.run_date}:"]
        for r in self.results:
            extra = f" [{r.mode}]" if r.mode else ""
            error = f": {root_cause(r.error, r.source)}" if r.error else ""
            lines.append(
                f"  {r.source:<14} {r.status:<8} {r.records:>7} records "
                f"{r.requests:>4} requests{extra}{error}"
            )
        return "\n".join(lines)


def select_sources(config: Config, requested: Sequence[str] | None) -> list[str]:
    """Sources to run: the requested ones (enabled or not), else every enabled one."""
    if requested:
        unknown = [s for s in requested if s not in REGISTRY]
        if unknown:
            raise FatalError(f"unknown source(s) {unknown}; choose from {sorted(REGISTRY)}")
        return list(requested)
    return [name for name in REGISTRY if _settings(config, name).enabled]


def run_pipeline(
    config: Config,
    run_date: dt.date | None = None,
    sources: Sequence[str] | None = None,
    secrets: Secrets | None = None,
    store: Store | None = None,
    progress: Callable[[str], None] | None = None,
    finished: Callable[[SourceResult], None] | None = None,
) -> RunReport:
    """Collect every selected source into the store and run the derivations.

    ``progress`` hears each source's name as it starts, ``finished`` its result as it ends."""
    run_date = run_date or utcnow().date()
    secrets = (secrets or Secrets.from_env()).for_store(config.store.path)
    names = select_sources(config, sources)
    own_store = store is None
    store = store or Store(config.store.path)
    report = RunReport(f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}", run_date)
    try:
        if store.mark_interrupted_runs():
            log.warning(
                "an earlier run was interrupted; its committed data is kept and this run completes it"
            )
        for name in names:
            if progress:
                progress(name)
            report.results.append(collect_source(store, config, secrets, name, report))
            if finished:
                finished(report.results[-1])
        report.derivations = run_derivations(store, config, secrets)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into one by the CLI: say so at once
        store.mark_interrupted_runs(INTERRUPTED)
        raise
    finally:
        if own_store:
            store.close()
    return report


def collect_source(
    store: Store, config: Config, secrets: Secrets, name: str, report: RunReport
) -> SourceResult:
    result = SourceResult(name, "ok")
    store.start_run(report.run_id, name, report.run_date)
    clients: list[HttpClient] = []
    ctx = CollectContext(
        run_date=report.run_date,
        config=config,
        secrets=secrets,
        cursors=store.cursors(name),
        lookups=ReadOnlyLookups(store),
        http_factory=_http_factory(config, clients),
        log=logging.getLogger(f"attention.collect.{name}"),
    )
    writer = _BatchWriter(store, config, result)
    try:
        collector = collector_class(name)()
        for record in collector.collect(ctx):
            writer.add(record)
        writer.flush()
    except BudgetExhaustedError as exc:
        writer.flush()
        result.status, result.error = "deferred", str(exc)
    except AttentionError as exc:
        writer.flush_quietly()
        result.status, result.error = "failed", str(exc)
    except Exception as exc:  # a bug in one collector must not take down the others
        writer.flush_quietly()
        log.error("%s crashed:\n%s", name, redact(traceback.format_exc(), secrets))
        result.status, result.error = "failed", f"internal error: {type(exc).__name__}: {exc}"
    result.mode = ctx.mode
    result.requests = sum(c.requests_made for c in clients)
    result.error = redact(result.error, secrets)
    result.notes = [redact(note, secrets) or "" for note in result.notes]
    store.finish_run(
        report.run_id,
        name,
        result.status,
        result.records,
        result.requests,
        result.mode,
        result.error,
        {"notes": result.notes},
    )
    return result


class _BatchWriter:
    """Buffers records; text items are annotated (themes, sentiment) before each write."""

    def __init__(self, store: Store, config: Config, result: SourceResult) -> None:
        self.store, self.config, self.result = store, config, result
        self.buffer: list[Record] = []

    def add(self, record: Record | SourceNote) -> None:
        if isinstance(record, SourceNote):
            self.result.notes.append(f"{record.level}: {record.message}")
            return
        self.buffer.append(record)
        if len(self.buffer) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        batch = annotate(self.buffer, self.config)
        added = self.store.write(batch)
        self.result.records += sum(n for table, n in added.items() if table not in ("cursors", "coverage"))
        self.buffer = []

    def flush_quietly(self) -> None:
        """After a collector failed: keep what it yielded, but never let this raise too."""
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - the original error is the one to report
            self.result.notes.append(f"warning: could not store the last batch: {exc}")
            self.buffer = []


def annotate(records: Iterable[Record], config: Config) -> list[Record]:
    """Theme-match and score every text item of a batch; other records pass through."""
    records = list(records)
    items = [r for r in records if isinstance(r, TextItem)]
    if not items:
        return records
    from attention.scoring import annotate_items

    scored = iter(annotate_items(items, config))
    return [next(scored) if isinstance(r, TextItem) else r for r in records]


def run_derivations(store: Store, config: Config, secrets: Secrets | None = None) -> dict[str, str]:
    secrets = secrets or Secrets.from_env()
    outcome = {}
    for entry in DERIVATIONS:
        try:
            rows = resolve(entry)(store, config)
            outcome[entry] = f"ok ({rows} rows)"
        except Exception as exc:  # a derivation failure never undoes collected data
            message = redact(f"{type(exc).__name__}: {exc}", secrets)
            log.error("derivation %s failed: %s", entry, message)
            outcome[entry] = f"failed: {message}"
    return outcome


def _settings(config: Config, name: str) -> Any:
    return getattr(config.sources, name)


def _http_factory(config: Config, clients: list[HttpClient]) -> Callable[..., HttpClient]:
    def make(name: str, **overrides: Any) -> HttpClient:
        settings = getattr(config.sources, name, None)
        kwargs: dict[str, Any] = {
            "budget": getattr(settings, "budget", 100),
            "timeout": getattr(settings, "timeout", 20.0),
            "min_interval": getattr(settings, "min_interval", 0.0),
        }
        kwargs.update(overrides)
        client = HttpClient(source=name, **kwargs)
        clients.append(client)
        return client

    return make


def redact(text: str | None, secrets: Secrets) -> str | None:
    """Remove secret values from a message before it is logged or stored."""
    if text is None:
        return None
    for value in secrets.values():
        text = text.replace(value, "***")
    return text
