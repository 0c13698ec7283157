"""``attention import series``: any dated numeric series a user holds (mentions per ticker from an
ApeWisdom-like service, a fear-and-greed index, AAII sentiment, page views from elsewhere), stored
by name in ``external_series`` with what it measures (``kind``) and its provenance.

The file needs a date column and a value column (``--column`` when it has several); a long file
with a ``ticker``/``symbol`` column holds one series per ticker, named ``<name>_<ticker>``. Every row is
checked first; a bad row stops the import naming its line and column. A series computed from
prices (CNN's Fear & Greed index is built from momentum, breadth, put/call and volatility) is
labelled ``price_derived``: with ``--price-derived``, or when its name says it is one of the
known price-derived indices (the summary then says so). ``config.yaml``'s ``external_series``
maps a series to the themes whose panels get it as a column (``ext_<name>``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from attention.errors import InputFileError
from attention.imports.tabular import (
    ImportSummary,
    Problems,
    column_index,
    looks_like_date,
    parse_day,
    parse_number,
    read_table,
)
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, Record, day_span, utcnow

VERSION = "series-csv-1"
KINDS = ("attention", "sentiment", "volume")
# Names of indices known to be computed from market prices (matched case-insensitively).
PRICE_DERIVED_NAMES = re.compile(r"fear.?(and|&)?.?greed|\bvix\b|put.?call|skew", re.IGNORECASE)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class ExternalPoint(Record):
    """One value of a user's series."""

    TABLE: ClassVar[str] = "external_series"
    KEY: ClassVar[tuple[str, ...]] = ("name", "date")

    name: str
    date: dt.date
    value: float | None
    kind: str
    price_derived: bool
    provenance: Provenance


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputFileError(
            f"--name {name!r}: use lower-case letters, digits and '_' (e.g. fear_greed); it becomes "
            "the panel column ext_<name>"
        )
    return name


def parse_series_file(
    path: str | Path, name: str, kind: str, column: str | None = None, price_derived: bool = False
) -> tuple[list[ExternalPoint], ImportSummary]:
    """Read and check one file; raise InputFileError naming the bad rows."""
    check_name(name)
    if kind not in KINDS:
        raise InputFileError(f"--kind {kind!r}: use one of {', '.join(KINDS)}")
    table = read_table(path)
    header = table.rows[0][1]
    ticker_col = column_index(header, ("ticker", "symbol"))
    hidden = [] if ticker_col is None else [ticker_col]
    date_col, value_col = _columns(
        table.path, [h if i not in hidden else "" for i, h in enumerate(header)], column
    )
    summary = ImportSummary(f"{table.path.name} (series {name}, {kind})")
    named_so = bool(PRICE_DERIVED_NAMES.search(name) or PRICE_DERIVED_NAMES.search(header[value_col]))
    if named_so and not price_derived:
        summary.notes.append(
            f"labelled price-derived: its name ({name} / {header[value_col]}) is a price-based index"
        )
    derived = price_derived or named_so
    digest = hashlib.sha256(table.path.read_bytes()).hexdigest()
    params = {
        "file": table.path.name,
        "sha256": digest,
        "column": header[value_col],
        "price_derived": derived,
    }
    prov = Provenance(table.path.resolve().as_uri(), VERSION, utcnow(), params)
    problems = Problems(table.path)
    points: dict[tuple[str, dt.date], tuple[int, ExternalPoint]] = {}
    for line, row in table.rows[1:]:
        summary.read += 1
        cells = [c.strip() for c in row] + [""] * len(header)
        try:
            day = parse_day(cells[date_col])
            value = parse_number(cells[value_col], table.decimal_comma)
        except ValueError:
            bad = date_col if not looks_like_date(cells[date_col]) else value_col
            problems.add(
                line,
                header[bad] or "date",
                f"{cells[bad]!r} is not a {'date' if bad == date_col else 'number'}",
            )
            continue
        if value is None:
            summary.skipped["empty values"] += 1
            continue
        series = name if ticker_col is None else per_ticker_name(name, cells[ticker_col])
        key = (series, day)
        if key in points:
            if points[key][1].value == value:
                summary.skipped["duplicate rows"] += 1
                continue
            problems.add(
                line, header[date_col] or "date", f"{day} is also on line {points[key][0]} with another value"
            )
        points[key] = (line, ExternalPoint(series, day, value, kind, derived, prov))
    problems.raise_if_any()
    if not points:
        raise InputFileError(f"{table.path}: no dated values after the header")
    if ticker_col is not None:
        summary.notes.append(f"one series per ticker: {', '.join(sorted({n for n, _ in points})[:8])}, ...")
    return [p for _, p in sorted(points.values(), key=lambda lp: (lp[1].name, lp[1].date))], summary


def per_ticker_name(name: str, ticker: str) -> str:
    """``apewisdom`` + ``BRK.B`` -> ``apewisdom_brk_b``: a long file with a ticker column holds one
    series per ticker."""
    return f"{name}_{re.sub(r'[^a-z0-9]+', '_', ticker.lower()).strip('_')}"


def _columns(path: Path, header: list[str], column: str | None) -> tuple[int, int]:
    date_col = column_index(header, ("date", "day", "week", "month", "timestamp", "datetime"))
    if date_col is None:
        date_col = 0
    if column is not None:
        found = column_index(header, (column,))
        if found is None:
            raise InputFileError(f"{path}: no column {column!r}; the header is {header}")
        return date_col, found
    values = [i for i in range(len(header)) if i != date_col and header[i]]
    if len(values) != 1:
        raise InputFileError(
            f"{path}: line 1: {len(values)} value columns ({', '.join(header[i] for i in values)}); "
            "name the one to import with --column"
        )
    return date_col, values[0]


def import_series(
    store: Store,
    path: str | Path,
    name: str,
    kind: str,
    column: str | None = None,
    price_derived: bool = False,
) -> ImportSummary:
    """Store the series (one per ticker when the file has a ticker column) and their coverage
    (source ``series``, unit the series name) in one transaction."""
    points, summary = parse_series_file(path, name, kind, column, price_derived)
    summary.new, summary.changed, summary.unchanged = store.compare_stored(points)
    records: list[Record] = list(points)
    for series in sorted({p.name for p in points}):
        days = [p.date for p in points if p.name == series]
        start, end = day_span(min(days), max(days))
        prov = points[0].provenance
        records.append(CoverageSpan("series", "series", series, start, end, "import", prov, len(days)))
    store.write(records)
    return summary
