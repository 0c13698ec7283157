"""Shares-outstanding histories (fund providers' downloads, hand-kept sheets) as
:class:`~collectors.core.records.SharesOutstanding` rows, and the flows derived from them.

A file has a date column and a shares column (``shares``, ``shares_outstanding``, ``Shares
Outstanding``, ``so``), plus a ticker column or ``--ticker``. Every row is checked first; one bad
row stops the import naming its line and column. The rows are stored with provider ``import``
and then :func:`attention.derive.flows.derive_flows` recomputes the flows of every ETF from all
stored shares and closes: imported shares go through exactly the same derivation as collected
ones (the same stale-feed rule: a value unchanged for ``sources.flows.stale_after_days``
sessions is stale, never a zero flow).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from attention.calendar import session_on_or_after, sessions_and_closes
from attention.checks.findings import Finding
from attention.config import Config
from attention.derive.checks import IMPORT_DATES, derive_checks, flag_frame
from attention.derive.flows import derive_flows
from attention.errors import InputFileError
from attention.imports.prices_csv import ticker_from_name
from attention.imports.tabular import (
    ImportSummary,
    Problems,
    column_index,
    parse_day,
    parse_number,
    read_table,
)
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, Record, SharesOutstanding, day_span, utcnow

VERSION = "shares-csv-1"
SHARES_ALIASES = ("shares_outstanding", "shares outstanding", "sharesoutstanding", "shares", "so")
TICKER_ALIASES = ("ticker", "symbol", "fund")


def parse_shares_file(
    path: str | Path, ticker: str | None = None
) -> tuple[list[SharesOutstanding], ImportSummary]:
    """Read and check one file; raise InputFileError naming the bad rows."""
    table = read_table(path)
    line_no, header = table.rows[0]
    date_col = column_index(header, ("date", "as of", "asof", "as_of_date", "timestamp"))
    shares_col = column_index(header, SHARES_ALIASES)
    ticker_col = column_index(header, TICKER_ALIASES)
    if date_col is None or shares_col is None:
        raise InputFileError(
            f"{table.path}: line {line_no}: expected a date column and a shares column "
            f"({', '.join(SHARES_ALIASES)}); the header is {header}"
        )
    fixed = (ticker or "").upper() or (None if ticker_col is not None else ticker_from_name(table.path))
    if fixed is None and ticker_col is None:
        raise InputFileError(
            f"{table.path}: no ticker column and the file name is not a ticker; pass --ticker"
        )
    summary = ImportSummary(f"{table.path.name} (shares outstanding)")
    prov = Provenance(
        table.path.resolve().as_uri(),
        VERSION,
        utcnow(),
        {"file": table.path.name, "sha256": hashlib.sha256(table.path.read_bytes()).hexdigest()},
    )
    problems = Problems(table.path)
    found: dict[tuple[str, dt.date], tuple[int, SharesOutstanding]] = {}
    skipped: Counter[str] = Counter()
    for line, row in table.rows[1:]:
        summary.read += 1
        cells = [c.strip() for c in row] + [""] * len(header)
        try:
            day = parse_day(cells[date_col])
        except ValueError:
            problems.add(line, header[date_col], f"{cells[date_col]!r} is not a date")
            continue
        try:
            shares = parse_number(cells[shares_col], table.decimal_comma)
        except ValueError:
            shares = -1.0
        if shares is None or shares <= 0:
            problems.add(
                line, header[shares_col], f"{cells[shares_col]!r} is not a positive number of shares"
            )
            continue
        symbol = fixed or cells[ticker_col or 0].upper()
        record = SharesOutstanding(symbol, day, shares, "import", prov)
        key = (symbol, day)
        if key in found:
            if found[key][1].shares == shares:
                skipped["duplicate rows"] += 1
                continue
            problems.add(
                line, header[date_col], f"{symbol} {day} is also on line {found[key][0]} with other shares"
            )
        found[key] = (line, record)
    problems.raise_if_any()
    if not found:
        raise InputFileError(f"{table.path}: no data rows after the header")
    records, shifted = on_sessions([r for _, r in found.values()])
    superseded = sum(1 for _, session, used in shifted if not used)
    skipped["rows on a non-trading day superseded by that session's own row"] += superseded
    if moved := len(shifted) - superseded:
        summary.notes.append(f"{moved} row(s) dated on a weekend or holiday moved to the next session")
    summary.findings += [_dated_finding(*shift) for shift in shifted]
    summary.skipped.update(+skipped)
    return records, summary


def on_sessions(
    records: list[SharesOutstanding],
) -> tuple[list[SharesOutstanding], list[tuple[SharesOutstanding, dt.date | None, bool]]]:
    """Records dated on a non-trading day moved to the next NYSE session (the day the flow they
    report can trade), unless that session has its own row: the same mapping as collected data.
    Returns the records sorted and every row not on a session: ``(row, its session, used)``
    (``used`` False: superseded by the session's own row, or no session after it in the file)."""
    days = pd.Series(pd.to_datetime(sorted({r.date for r in records})))
    sessions, _ = sessions_and_closes(days.min(), days.max())
    target = dict(zip(days.dt.date, session_on_or_after(days, sessions).dt.date, strict=True))
    own = {(r.ticker, r.date) for r in records if target[r.date] == r.date}
    out, shifted = [], []
    for record in sorted(records, key=lambda r: r.date, reverse=True):  # the latest row of a gap wins
        session = target[record.date]
        if session == record.date:
            out.append(record)
        elif (record.ticker, session) in own or pd.isna(session):
            shifted.append((record, None if pd.isna(session) else session, False))
        else:
            own.add((record.ticker, session))
            out.append(dataclasses.replace(record, date=session))
            shifted.append((record, session, True))
    return sorted(out, key=lambda r: (r.ticker, r.date)), sorted(shifted, key=lambda s: s[0].date)


def _dated_finding(row: SharesOutstanding, session: dt.date | None, used: bool) -> Finding:
    """A row dated on a day without a session, as a data-quality flag (``import_dates``)."""
    head = f"shares outstanding dated {row.date}, a day without a NYSE session: "
    if session is None:
        tail = "no session after it in the file, not used"
    elif used:
        tail = f"moved to the next session, {session}, and counted in its flow"
    else:
        tail = f"the row of the next session, {session}, was used instead"
    return Finding(IMPORT_DATES, row.ticker, head + tail, row.date, row.date, "info")


def import_shares(
    store: Store, config: Config, paths: Sequence[str | Path], ticker: str | None = None
) -> tuple[list[ImportSummary], int]:
    """Check every file, store them (each with its coverage), then derive flows. Returns the
    summaries and the number of flow rows the derivation added."""
    parsed = [parse_shares_file(path, ticker) for path in paths]
    for records, summary in parsed:
        summary.new, summary.changed, summary.unchanged = store.compare_stored(records)
        store.write([*records, *_coverage(records)])
    flows = derive_flows(store, config)
    derive_checks(store, config)  # frozen shares feeds, as after every import
    findings = [f for _, summary in parsed for f in summary.findings]
    tickers = sorted({r.ticker for records, _ in parsed for r in records})
    store.replace_subject_flags(IMPORT_DATES, tickers, flag_frame(findings, utcnow()))
    return [summary for _, summary in parsed], flows


def _coverage(records: list[SharesOutstanding]) -> list[Record]:
    spans: list[Record] = []
    for symbol in sorted({r.ticker for r in records}):
        days = [r.date for r in records if r.ticker == symbol]
        start, end = day_span(min(days), max(days))
        spans.append(
            CoverageSpan("shares", "ticker", symbol, start, end, "import", records[0].provenance, len(days))
        )
    return spans
