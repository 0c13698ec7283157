"""``attention import prices``: check every file first, then store the bars and what they cover.

All files are parsed and checked before anything is written, so one bad row anywhere leaves the
store as it was. Each file is then written in one transaction together with its coverage
(source ``prices``, one span per ticker from its first to its last complete bar, origin
``import``). Bars stored already with the same values are counted as unchanged, so a second
import of the same file says so. A close repeated unchanged on ``max(stale_after_days, 5)``
bars is a frozen feed (:mod:`attention.checks.feeds`): the bars are stored as the file has
them, the summary says so, and every path that uses prices drops the repeats; the command then
runs the input checks, which store the flag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from attention.checks.feeds import FROZEN_MIN_SESSIONS, drop_frozen_prices, price_min_run
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
    stale_after: int = FROZEN_MIN_SESSIONS,
) -> list[ImportSummary]:
    """Import ``paths`` (all or nothing); returns one summary per file. ``progress`` is told
    ``(files checked, files)`` as the files are read; ``stale_after`` is the config's
    ``sources.flows.stale_after_days`` (frozen closes: at least 5 bars)."""
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
    return [_write(store, file, price_min_run(stale_after)) for file in parsed]


def frozen_notes(bars: Sequence[PriceBar], min_run: int) -> list[str]:
    """One note per frozen close in ``bars`` (ticker, span, what is done)."""
    frame = pd.DataFrame([{"ticker": b.ticker, "date": b.date, "close": b.close} for b in bars])
    _, findings = drop_frozen_prices(frame.dropna(subset=["close"]) if bars else frame, min_run)
    return [f"frozen feed: {f.line()} (stored as in the file; flagged)" for f in findings]


def _write(store: Store, file: PriceFile, min_run: int = FROZEN_MIN_SESSIONS) -> ImportSummary:
    summary = ImportSummary(f"{file.path.name} ({', '.join(file.tickers)} from {file.ticker_from})")
    summary.read = file.read
    summary.skipped.update(file.skipped)
    summary.notes.extend(file.notes)
    summary.notes.extend(frozen_notes(file.bars, min_run))
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
