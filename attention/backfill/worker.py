"""What a Dask worker does with one partition: read it, parse it, annotate it, return rows.

Workers never touch the store (DuckDB has one writer): they return a DataFrame of item rows,
built exactly as :meth:`attention.store.Store.write` builds its batch, and the client upserts it.
Parsing and annotation reuse the single-process importer's pieces
(:func:`attention.imports.dump_files.parse_dump_line`,
:class:`~attention.imports.dump_files.SubredditFilter`, the pipeline's annotator),
so both paths store the same rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from attention.backfill.partitions import Partition, partition_chunks
from attention.config import Config
from attention.derive.theme_daily import day_range
from attention.errors import FatalError, ItemError
from attention.imports.dump_files import DUMP_VERSION, DumpFormatError, SubredditFilter, parse_dump_line
from attention.imports.reddit_dump import configured_subreddits, default_annotator
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy

SOURCES = ("reddit", "news")
# The sentiment scorer spreads batches of 20,000+ texts over processes; a Dask worker must not
# fork (it is a daemon process, and the cluster already uses every core), so batches stay below.
ANNOTATE_BATCH = 5000

Annotator = Callable[[list[TextItem]], list[TextItem]]
_LIST_DTYPE = pd.ArrowDtype(pa.list_(pa.string()))
_WEIGHTS_DTYPE = pd.ArrowDtype(pa.list_(pa.float64()))


@dataclass(frozen=True)
class BackfillJob:
    """Everything a worker needs besides the partition; scattered to workers once."""

    source: str  # "reddit" | "news"
    config: Config
    retrieved_at: dt.datetime
    authors: AuthorPolicy
    annotate: Annotator | None = None  # default: the pipeline's themes + sentiment
    annotate_batch: int = ANNOTATE_BATCH

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise FatalError(f"unknown backfill source {self.source!r}; use one of {SOURCES}")


@dataclass(kw_only=True)
class LineCounts:
    """How the lines of a partition (or a whole backfill) fared. ``in_scope`` items were parsed
    (and for Reddit were in a configured subreddit); ``kept`` of them matched a theme."""

    lines: int = 0
    text_bytes: int = 0
    candidates: int = 0
    bad_lines: int = 0
    in_scope: int = 0
    kept: int = 0

    def add_counts(self, other: LineCounts) -> None:
        for counter in fields(LineCounts):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))


@dataclass
class PartitionResult(LineCounts):
    """One partition's rows and counts; the ``kept`` items are in ``rows``."""

    key: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    seconds: float = 0.0
    peak_rss: int = 0  # bytes, the worker process's high-water mark so far
    days: tuple[str, str] | None = None  # first and last UTC day of the rows
    # what the partition covered: (source, unit_kind, unit, first, last creation time in epoch s)
    # of the in-scope items per subreddit (Reddit) or per archive file (news), matched or not
    spans: list[tuple[str, str, str, float, float]] = field(default_factory=list)


_ANNOTATORS: list[tuple[Config, Annotator]] = []  # (config, annotator) of this worker process


def _annotator(job: BackfillJob) -> Annotator:
    """The job's annotator, built once per worker process (the scorer loads a lexicon)."""
    if job.annotate is not None:
        return job.annotate
    for config, annotate in _ANNOTATORS:
        if config is job.config:
            return annotate
    annotate = default_annotator(job.config)
    _ANNOTATORS[:] = [(job.config, annotate)]
    return annotate


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    On Linux this is ``VmHWM`` of the current memory map: ``ru_maxrss`` would also count the
    parent's memory at the fork that preceded the worker's exec (a LocalCluster spawns its
    workers from the client process), overstating a worker's own peak.
    """
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS reports bytes, Linux KiB


def run_partition(part: Partition, job: BackfillJob, payload: Any = None) -> PartitionResult:
    """The Dask task: rows for the items of ``part`` that match a theme.

    ``payload`` carries the partition's text when the client read it (``stream`` partitions):
    bytes of NDJSON lines, or a list of row dicts for a CSV news archive.
    """
    started = time.perf_counter()
    result = PartitionResult(part.key)
    if isinstance(payload, list):
        items = _news_rows(payload, part, job, result)
    else:
        chunks: Iterable[bytes] = [payload] if payload is not None else partition_chunks(part)
        parse = _reddit_lines if job.source == "reddit" else _news_lines
        items = parse(chunks, part, job, result)
    kept = _annotate_kept(_watched(items, job.source, part, result), job, result)
    result.rows = item_rows(kept)
    result.days = day_range(result.rows)
    result.seconds = time.perf_counter() - started
    result.peak_rss = peak_rss()
    return result


def _watched(
    items: Iterable[TextItem], source: str, part: Partition, result: PartitionResult
) -> Iterator[TextItem]:
    """Pass items through, noting the time range seen per unit into ``result.spans``."""
    seen: dict[tuple[str, str], list[float]] = {}
    for item in items:
        if source == "reddit":
            unit = ("subreddit", (item.container or "").lower())
        else:
            unit = ("file", Path(part.path).name)
        stamp = item.created_utc.timestamp()
        pair = seen.setdefault(unit, [stamp, stamp])
        pair[0], pair[1] = min(pair[0], stamp), max(pair[1], stamp)
        yield item
    result.spans = [(source, kind, unit, a, b) for (kind, unit), (a, b) in sorted(seen.items())]


LIST_COLUMNS = ("feeds", "flags", "themes")


def item_rows(items: Iterable[TextItem]) -> pd.DataFrame:
    """Rows as ``Store.write`` makes them: one per natural key, the last occurrence winning.

    List columns are typed (Arrow list<string>): DuckDB infers the type of an object column
    from a sample of rows, so a column of mostly empty lists with one ``["removed"]`` far down
    would be taken as a list of NULLs and the insert would fail.
    """
    latest = {item.natural_key(): item.row() for item in items}
    frame = pd.DataFrame(list(latest.values()))
    for column in LIST_COLUMNS:
        if column in frame:
            frame[column] = pd.Series(pd.array(frame[column].tolist(), dtype=_LIST_DTYPE), index=frame.index)
    if "theme_weights" in frame:  # parallel to themes: each theme's weight (attention.themes)
        weights = pd.array(frame["theme_weights"].tolist(), dtype=_WEIGHTS_DTYPE)
        frame["theme_weights"] = pd.Series(weights, index=frame.index)
    return frame


def _annotate_kept(items: Iterator[TextItem], job: BackfillJob, result: PartitionResult) -> list[TextItem]:
    annotate = _annotator(job)
    kept: list[TextItem] = []
    batch: list[TextItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= job.annotate_batch:
            kept.extend(i for i in annotate(batch) if i.themes)
            batch = []
    if batch:
        kept.extend(i for i in annotate(batch) if i.themes)
    result.kept = len(kept)
    return kept


def _check_ndjson(chunk: bytes, part: Partition) -> None:
    first = chunk.lstrip()[:1]
    if part.start == 0 and first and first != b"{":
        raise DumpFormatError(
            f"{part.path}: not an NDJSON archive (expected one JSON object per "
            f"line, got {chunk[:40]!r}...); pass .ndjson/.jsonl, plain or .zst"
        )


def _reddit_lines(
    chunks: Iterable[bytes], part: Partition, job: BackfillJob, result: PartitionResult
) -> Iterator[TextItem]:
    """Mirrors the single-process import: byte filter, parse, exact subreddit check."""
    filt = SubredditFilter(configured_subreddits(job.config))
    provenance = Provenance(
        f"file:{Path(part.path).name}", DUMP_VERSION, job.retrieved_at, {"file": part.path}
    )
    for number, chunk in enumerate(chunks):
        if number == 0:
            _check_ndjson(chunk, part)
        result.lines += chunk.count(b"\n")
        result.text_bytes += len(chunk)
        for line in filt.candidate_lines(chunk):
            result.candidates += 1
            try:
                item = parse_dump_line(line, authors=job.authors, provenance=provenance)
            except ItemError:
                result.bad_lines += 1
                continue
            if item is not None and filt.keeps(item):
                result.in_scope += 1
                yield item


def _news_lines(
    chunks: Iterable[bytes], part: Partition, job: BackfillJob, result: PartitionResult
) -> Iterator[TextItem]:
    from attention.imports.news_archive import parse_news_line

    def lines() -> Iterator[bytes]:
        for number, chunk in enumerate(chunks):
            if number == 0:
                _check_ndjson(chunk, part)
            result.text_bytes += len(chunk)
            yield from (line for line in chunk.splitlines() if line.strip())

    return _counted(lines(), lambda line: parse_news_line(line, part.path, job.retrieved_at), result)


def _news_rows(
    rows: list[dict[str, Any]], part: Partition, job: BackfillJob, result: PartitionResult
) -> Iterator[TextItem]:
    from attention.imports.news_archive import news_item

    return _counted(rows, lambda row: news_item(row, part.path, job.retrieved_at), result)


def _counted(
    values: Iterable[Any], parse: Callable[[Any], TextItem | None], result: PartitionResult
) -> Iterator[TextItem]:
    """Parse each value, counting lines, bad lines and in-scope items on ``result``."""
    for value in values:
        result.lines += 1
        result.candidates += 1
        try:
            item = parse(value)
        except ItemError:
            result.bad_lines += 1
            continue
        if item is not None:
            result.in_scope += 1
            yield item
