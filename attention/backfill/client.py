"""Parallel backfills of large text archives with Dask: the same code on a laptop or a cluster.

The client plans partitions (:mod:`attention.backfill.partitions`), submits them to Dask workers
(:func:`attention.backfill.worker.run_partition`), and is the store's only writer: each finished
partition's rows and its cursor are committed in one transaction. A failed partition is retried
(``retries``); a re-run skips partitions whose cursor exists, so an interrupted backfill resumes
without redoing or duplicating work.

Partitions are committed in plan order (file order, then position in the file), whatever order
they finish in. That makes the stored result identical to the single-process import even when
an item id occurs twice (the later line wins in both) and keeps the finished partitions a prefix
of the plan. A small reorder buffer (``window`` partitions in flight) pays for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attention.backfill.cluster import dask_client
from attention.backfill.partitions import (
    DEFAULT_PARTITION_BYTES,
    Partition,
    file_key,
    plan_file,
    stream_partitions,
)
from attention.backfill.worker import (
    Annotator,
    BackfillJob,
    LineCounts,
    PartitionResult,
    run_partition,
)
from attention.config import Config
from attention.derive.theme_daily import load_pending, pending_cursor, refresh_theme_daily, widen
from attention.errors import AttentionError, FatalError
from attention.imports.dump_files import DUMP_VERSION
from attention.imports.reddit_dump import store_author_policy
from attention.store import Store
from collectors.core.records import CoverageSpan, CursorUpdate, Provenance, TextItem, utcnow
from collectors.reddit.items import AuthorPolicy

CURSOR_SOURCE = "backfill"
log = logging.getLogger("attention.backfill.client")


class BackfillIncompleteError(AttentionError):
    """Some partitions failed after their retries; the rest is stored. Re-run to finish."""


@dataclass
class BackfillResult(LineCounts):
    """What a backfill did. ``partitions`` were committed by this run, ``skipped`` by earlier
    ones; ``failed`` lists partition keys that failed after their retries."""

    source: str
    files: list[str] = field(default_factory=list)
    workers: int = 0
    partitions: int = 0
    skipped: int = 0
    skipped_files: int = 0
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_rows: int = 0
    aggregate_rows: int = 0
    seconds: float = 0.0
    peak_rss: dict[str, int] = field(default_factory=dict)  # worker -> bytes

    def count_skipped(self, key: str) -> None:
        self.skipped_files += key.endswith("#done")
        self.skipped += not key.endswith("#done")

    @property
    def ok(self) -> bool:
        return not self.failed

    def add(self, part: PartitionResult, new_rows: int) -> None:
        self.partitions += 1
        self.new_rows += new_rows
        self.add_counts(part)

    def summary(self) -> str:
        rate = self.lines / self.seconds if self.seconds > 0 else 0.0
        peak = max(self.peak_rss.values(), default=0) / 2**20
        text = (
            f"{len(self.files)} file(s), {self.partitions} partition(s) on {self.workers} "
            f"worker(s), {self.lines:,} lines ({rate:,.0f}/s), {self.in_scope:,} in scope, "
            f"{self.kept:,} matched a theme, {self.new_rows:,} new rows, {self.aggregate_rows:,} "
            f"theme/day rows; peak worker memory "
            f"{peak:,.0f} MiB"
        )
        if self.skipped or self.skipped_files:
            text += f"; already done before: {self.skipped} partition(s), {self.skipped_files} whole file(s)"
        if self.bad_lines:
            text += f"; {self.bad_lines} malformed line(s) skipped"
        if self.failed:
            text += f"; {len(self.failed)} partition(s) FAILED (re-run to retry them)"
        return text


# -- planning -----------------------------------------------------------------------------------
def plan(
    paths: Sequence[str | Path],
    source: str,
    done: set[str],
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    on_skip: Callable[[str], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> Iterator[tuple[Partition, Any]]:
    """(partition, payload) in commit order, without the partitions finished before (each
    reported to ``on_skip``). ``payload`` is None when a worker reads the partition itself."""
    for path in paths:
        if f"{file_key(path)}#done" in done:
            if on_skip:
                on_skip(f"{file_key(path)}#done")
            continue
        for part, payload in _file_partitions(path, source, partition_bytes, columns):
            if part.key not in done:
                yield part, payload
            elif on_skip:
                on_skip(part.key)


def _file_partitions(
    path: str | Path, source: str, partition_bytes: int, columns: Mapping[str, str] | None = None
) -> Iterator[tuple[Partition, Any]]:
    if source == "news":
        from attention.backfill.partitions import csv_partitions
        from attention.imports.news_archive import is_csv

        if is_csv(path):
            yield from csv_partitions(path, columns=columns)
            return
    parts = plan_file(path, partition_bytes)
    if parts and parts[0].kind == "stream":  # a single zstd frame: the client decompresses it
        from attention.imports.dump_files import iter_dump_chunks

        yield from stream_partitions(path, (c.data for c in iter_dump_chunks(path)), partition_bytes)
    else:
        yield from ((part, None) for part in parts)


def check_files(paths: Sequence[str | Path]) -> None:
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        raise FatalError(f"file(s) not found: {', '.join(missing)}; check the paths")


# -- the backfill -------------------------------------------------------------------------------
def backfill(
    paths: Sequence[str | Path],
    config: Config,
    store: Store,
    *,
    source: str = "reddit",
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    retries: int = 2,
    annotate: Annotator | None = None,
    authors: AuthorPolicy | None = None,
    window: int | None = None,
    progress: Callable[[BackfillResult, Partition], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> BackfillResult:
    """Import ``paths`` into ``store`` on a Dask cluster (``client``, else one at ``scheduler``,
    else a LocalCluster of ``workers`` processes). Returns what was done; a partition that
    failed after ``retries`` is listed in ``result.failed`` and redone by the next run.
    ``columns`` names the title and time columns of CSV news archives (``title``, ``published``)
    when their names are not among the common ones."""
    check_files(paths)
    job = BackfillJob(source, config, utcnow(), authors or store_author_policy(config, store.path), annotate)
    result = BackfillResult(source, files=[str(Path(p).resolve()) for p in paths])
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(scheduler, workers))
        run = _Run(client, store, job, result, retries, window, progress)
        done = set(store.cursors(CURSOR_SOURCE))
        run.execute(plan(paths, source, done, partition_bytes, on_skip=result.count_skipped, columns=columns))
    result.seconds = time.perf_counter() - started
    return result


class _Run:
    """Submits partitions with a bounded window and commits them in plan order."""

    def __init__(
        self,
        client: Any,
        store: Store,
        job: BackfillJob,
        result: BackfillResult,
        retries: int,
        window: int | None,
        progress: Callable[[BackfillResult, Partition], None] | None,
    ) -> None:
        self.client, self.store, self.result = client, store, result
        self.retries, self.progress = retries, progress
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))
        result.workers = self.workers
        self.window = window or 2 * self.workers + 1
        self.job = client.scatter(job, broadcast=True)  # sent once, not with every task
        self.tag = uuid.uuid4().hex[:8]  # task keys are unique per run
        self.parts: dict[int, Partition] = {}
        self.pending: dict[int, Any] = {}  # seq -> future
        self.seqs: dict[str, int] = {}  # future key -> seq
        self.submitted = 0
        self.pending_days = load_pending(store, CURSOR_SOURCE)
        self.ready: dict[int, PartitionResult | BaseException] = {}
        self.next_commit = 0
        self.stopped = False

    def execute(self, planned: Iterator[tuple[Partition, Any]]) -> None:
        from distributed import as_completed

        planned = iter(planned)
        futures = as_completed(with_results=False)
        for _ in range(self.window):
            self._submit(planned, futures)
        try:
            for future in futures:
                self._collect(future)
                self._commit_ready()
                if self.stopped:
                    break
                self._submit(planned, futures)
        finally:
            for future in list(self.pending.values()):
                future.cancel()
        if not self.stopped:
            self._mark_files_done()
        self._refresh_aggregates()
        self.result.peak_rss = self._worker_peaks()

    def _refresh_aggregates(self) -> None:
        """theme_daily for the days committed partitions touched (this run's or an interrupted
        earlier run's), then clear the pending range."""
        if self.pending_days is None:
            return
        first, last = (dt.date.fromisoformat(d) for d in self.pending_days)
        self.result.aggregate_rows = refresh_theme_daily(self.store, first, last)
        with self.store.transaction():
            _write_cursors(self.store, [pending_cursor(CURSOR_SOURCE, None)])
        self.pending_days = None

    def _submit(self, planned: Iterator[tuple[Partition, Any]], futures: Any) -> None:
        try:
            part, payload = next(planned)
        except StopIteration:
            return
        seq = self.submitted
        self.submitted += 1
        self.parts[seq] = part
        future = self.client.submit(
            run_partition,
            part,
            self.job,
            payload,
            retries=self.retries,
            key=f"backfill-partition-{self.tag}-{seq}",
            pure=False,
        )
        self.pending[seq] = future
        self.seqs[future.key] = seq
        futures.add(future)

    def _collect(self, future: Any) -> None:
        seq = self.seqs.pop(future.key)
        del self.pending[seq]
        try:
            self.ready[seq] = future.result()
        except Exception as exc:  # the task failed after its retries
            self.ready[seq] = exc
        future.release()

    def _commit_ready(self) -> None:
        while not self.stopped and self.next_commit in self.ready:
            outcome = self.ready.pop(self.next_commit)
            part = self.parts.pop(self.next_commit)
            if isinstance(outcome, BaseException):
                # Later partitions must not be committed before this one (plan order), so the
                # run stops here; the next run starts again from this partition.
                self.stopped = True
                self.result.failed.append(part.key)
                self.result.errors.append(f"{part.key}: {type(outcome).__name__}: {outcome}")
                if isinstance(outcome, FatalError):
                    raise outcome
                return
            self.pending_days = widen(self.pending_days, outcome.days)
            extra = [pending_cursor(CURSOR_SOURCE, self.pending_days)]
            self.result.add(outcome, commit_partition(self.store, outcome, extra))
            self.next_commit += 1
            if self.progress:
                self.progress(self.result, part)

    def _mark_files_done(self) -> None:
        """A file whose partitions are all committed is skipped whole next time (a single-frame
        file then need not even be decompressed)."""
        cursors = [CursorUpdate(CURSOR_SOURCE, f"{file_key(p)}#done", "{}") for p in self.result.files]
        with self.store.transaction():
            _write_cursors(self.store, cursors)

    def _worker_peaks(self) -> dict[str, int]:
        from attention.backfill.worker import peak_rss

        with contextlib.suppress(Exception):
            return dict(self.client.run(peak_rss))
        return {}


def commit_partition(store: Store, part: PartitionResult, extra: Sequence[CursorUpdate] = ()) -> int:
    """A partition's rows and its cursor (plus ``extra`` cursors), in one transaction.
    Returns new item rows."""
    state = {"lines": part.lines, "kept": part.kept, "bad_lines": part.bad_lines, "at": utcnow().isoformat()}
    with store.transaction():
        added = 0
        if not part.rows.empty:
            added = store.upsert_frame(TextItem.TABLE, part.rows, TextItem.KEY, TextItem.MERGE)
        spans = coverage_spans(part)
        if spans:
            store.upsert_records(CoverageSpan, spans)
        _write_cursors(store, [CursorUpdate(CURSOR_SOURCE, part.key, json.dumps(state)), *extra])
    return added


def coverage_spans(part: PartitionResult) -> list[CoverageSpan]:
    """The partition's coverage: per unit, its first to its last in-scope item (DESIGN.md 4.14)."""
    provenance = Provenance(f"backfill:{part.key}", DUMP_VERSION, utcnow(), {"partition": part.key})
    return [
        CoverageSpan(
            source,
            kind,
            unit,
            dt.datetime.fromtimestamp(int(first), dt.UTC),
            dt.datetime.fromtimestamp(int(last) + 1, dt.UTC),
            "backfill",
            provenance,
        )
        for source, kind, unit, first, last in part.spans
    ]


def _write_cursors(store: Store, cursors: list[CursorUpdate]) -> None:
    store.upsert_records(CursorUpdate, cursors)
