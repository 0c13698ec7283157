"""Import fund-flow data the user already has: a CSV with date, ticker and flow in USD.

Accepted header names (case-insensitive): ``date``; ``ticker`` (or ``symbol``); ``flow_usd``
(or ``flow``, ``net_flow``, ``flows``). Extra columns are ignored. Every row is checked before
anything is written: one bad row stops the import with a message naming its line and column,
so a file is imported completely or not at all. Rows are upserted into ``flows`` with method
``import`` (re-importing the same file changes nothing).

A frozen shares feed upstream leaves a run of exact zeros in a flows file: :func:`mark_frozen`
marks every row of such a run ``stale`` (unknown in the panel, never zero flow) and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pandas as pd

from attention.checks.feeds import frozen_findings, stale_mask
from attention.checks.findings import Finding
from attention.errors import InputFileError
from attention.imports.numbers import Convention, file_convention, to_float
from attention.imports.text_files import csv_rows, read_text
from collectors.core.records import CoverageSpan, FlowRecord, Provenance, day_span, utcnow

VERSION = "flows-csv-1"
ALIASES = {
    "date": ("date",),
    "ticker": ("ticker", "symbol"),
    "flow_usd": ("flow_usd", "flow", "net_flow", "flows", "net_flow_usd"),
}
MAX_REPORTED = 5


def read_flows_csv(path: str | Path, decimal: Convention | None = None) -> list[FlowRecord]:
    """Parse and validate ``path``; raise InputFileError listing the first bad rows.

    ``decimal`` is the file's decimal separator ("point" or "comma"); by default it is taken
    from the numbers themselves, and a number that could be read either way without another
    number to settle it is an error (see :mod:`attention.imports.numbers`)."""
    path = Path(path)
    columns, rows = _read_rows(path)
    try:
        convention = file_convention(_flow_texts(rows, columns["flow_usd"]), decimal)
    except ValueError as exc:
        raise InputFileError(f"{path}: nothing imported; column 'flow_usd': {exc}") from None
    records: list[FlowRecord] = []
    problems: list[str] = []
    seen: dict[tuple[str, dt.date], int] = {}
    retrieved = utcnow()
    for line_no, row in rows:
        try:
            record = _record(row, columns, path, line_no, retrieved, convention)
        except ValueError as exc:
            problems.append(f"line {line_no}, {exc}")
            continue
        key = (record.ticker, record.date)
        if key in seen:
            problems.append(
                f"line {line_no}: {record.ticker} {record.date} already given on "
                f"line {seen[key]}; keep one row per ticker and date"
            )
        seen[key] = line_no
        records.append(record)
    if problems:
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise InputFileError(
            f"{path}: nothing imported; fix these rows: " + "; ".join(problems[:MAX_REPORTED]) + more
        )
    if not records:
        raise InputFileError(f"{path}: no data rows after the header")
    return records


def _read_rows(path: Path) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header's columns and the non-blank rows with their line numbers (a flows file is
    small: it is read whole, and checked whole before anything is written)."""
    reader = csv_rows(read_text(path), path)
    header = next(reader, None)
    if header is None:
        raise InputFileError(f"{path}: the file is empty; expected a header 'date,ticker,flow_usd'")
    columns = _columns(path, header)
    rows = [(line_no, row) for line_no, row in enumerate(reader, start=2) if any(c.strip() for c in row)]
    return columns, rows


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    out = {}
    for field, aliases in ALIASES.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if not found:
            raise InputFileError(
                f"{path}: line 1: no '{field}' column (header is {header}); expected columns "
                "date, ticker, flow_usd"
            )
        out[field] = found[0]
    return out


def _flow_texts(rows: list[tuple[int, list[str]]], index: int) -> list[tuple[int, str]]:
    return [(line_no, row[index]) for line_no, row in rows if index < len(row) and row[index].strip()]


def _record(
    row: list[str],
    columns: dict[str, int],
    path: Path,
    line_no: int,
    retrieved: dt.datetime,
    convention: Convention,
) -> FlowRecord:
    def cell(field: str) -> str:
        index = columns[field]
        if index >= len(row) or not row[index].strip():
            raise ValueError(f"column '{field}': empty")
        return row[index].strip()

    raw_date = cell("date")
    try:
        date = dt.date.fromisoformat(raw_date[:10])
    except ValueError:
        raise ValueError(f"column 'date': {raw_date!r} is not a YYYY-MM-DD date") from None
    ticker = cell("ticker").upper().lstrip("$")
    raw_flow = cell("flow_usd")
    try:
        flow = to_float(raw_flow, convention)
    except ValueError:
        raise ValueError(
            f"column 'flow_usd': {raw_flow!r} is not a number (USD) written with a decimal {convention}"
        ) from None
    if not math.isfinite(flow):
        raise ValueError(f"column 'flow_usd': {raw_flow!r} is not a finite number")
    provenance = Provenance(
        url=path.resolve().as_uri(),
        collector_version=VERSION,
        retrieved_at=retrieved,
        params={"line": line_no},
    )
    return FlowRecord(
        ticker=ticker, date=date, flow_usd=flow, method="import", stale=False, provenance=provenance
    )


def mark_frozen(records: list[FlowRecord], min_run: int) -> tuple[list[FlowRecord], list[Finding]]:
    """Rows inside a run of at least ``min_run`` consecutive exact-zero flows of one ticker
    marked ``stale``, and one flag per run."""
    by_ticker: dict[str, list[FlowRecord]] = {}
    for record in records:
        by_ticker.setdefault(record.ticker, []).append(record)
    out: list[FlowRecord] = []
    findings: list[Finding] = []
    for ticker, rows in by_ticker.items():
        rows = sorted(rows, key=lambda r: r.date)
        values = pd.Series(
            [r.flow_usd for r in rows], index=pd.to_datetime([r.date for r in rows]), dtype=float
        )
        frozen = stale_mask(values, min_run, zero_only=True).to_numpy()
        out += [dataclasses.replace(r, stale=True) if f else r for r, f in zip(rows, frozen, strict=True)]
        findings += frozen_findings(ticker, "imported flows", values, min_run, zero_only=True)
    return out, findings


def flows_coverage(records: list[FlowRecord]) -> list[CoverageSpan]:
    """Per ticker, the file's first to last date: what the import covered (write it with the
    rows, after them)."""
    spans = []
    for ticker in sorted({r.ticker for r in records}):
        dates = [r.date for r in records if r.ticker == ticker]
        start, end = day_span(min(dates), max(dates))
        provenance = next(r.provenance for r in records if r.ticker == ticker)
        spans.append(CoverageSpan("flows", "ticker", ticker, start, end, "import", provenance, len(dates)))
    return spans
