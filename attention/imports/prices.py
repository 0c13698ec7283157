"""``attention import prices``: check every file first, then store the bars and what they cover.

All files are parsed and checked before anything is written, so one bad row anywhere leaves the
store as it was. Each file is then written in one transaction together with its coverage
(source ``prices``, one span per ticker from its first to its last complete bar, origin
``import``). Bars stored already with the same values are counted as unchanged, so a second
import of the same file says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from attention.errors import InputFileError
from attention.imports.prices_csv import PriceFile, parse_price_file
from attention.imports.tabular import ImportSummary
from attention.store import Store
from collectors.core.records import CoverageSpan, PriceBar, Provenance, Record, day_span

ADJECTIVE = {"day": "daily", "week": "weekly", "month": "monthly"}


def import_prices(
    store: Store,
    paths: Sequence[str | Path],
    ticker: str | None = None,
    allow_weekly: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportSummary]:
    """Import ``paths`` (all or nothing); returns one summary per file. ``progress`` is told
    ``(files checked, files)`` as the files are read."""
    if ticker and len(paths) > 1:
        raise InputFileError("--ticker names the ticker of one file; give one file per --ticker")
    parsed = []
    for done, path in enumerate(paths, start=1):
        parsed.append(parse_price_file(path, ticker))
        if progress:
            progress(done, len(paths))
    for file in parsed:
        if file.frequency != "day" and not allow_weekly:
            raise InputFileError(
                f"{file.path}: the bars are {ADJECTIVE[file.frequency]}, not daily; the prices table "
                "holds daily sessions. Import a daily file or pass --allow-weekly to store them as they are"
            )
    return [_write(store, file) for file in parsed]


def _write(store: Store, file: PriceFile) -> ImportSummary:
    summary = ImportSummary(f"{file.path.name} ({', '.join(file.tickers)} from {file.ticker_from})")
    summary.read = file.read
    summary.skipped.update(file.skipped)
    summary.notes.extend(file.notes)
    if file.layout:
        summary.notes.insert(0, f"layout {file.layout}, {ADJECTIVE[file.frequency]} bars")
    summary.new, summary.changed, summary.unchanged = store.compare_stored(file.bars)
    records: list[Record] = list(file.bars)
    records.extend(coverage_spans(file.bars, file.frequency))
    store.write(records)
    return summary


def coverage_spans(bars: Sequence[PriceBar], frequency: str) -> list[CoverageSpan]:
    """One span per ticker over its complete bars (a partial last bar is not yet covered)."""
    spans = []
    for ticker in sorted({bar.ticker for bar in bars}):
        done = [bar for bar in bars if bar.ticker == ticker and not bar.is_partial]
        if not done:
            continue
        start, end = day_span(done[0].date, done[-1].date)
        prov = Provenance(
            done[0].provenance.url,
            done[0].provenance.collector_version,
            done[0].provenance.retrieved_at,
            {"frequency": frequency},
        )
        spans.append(CoverageSpan("prices", "ticker", ticker, start, end, "import", prov, items=len(done)))
    return spans
