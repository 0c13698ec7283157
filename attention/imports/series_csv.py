"""Read a dated series from a CSV (a Google Trends export, a yfinance/Yahoo price file, ...).

The first column holds dates; the value column is ``column`` if given, else the first of
``prefer`` present in the header, else the first other column. Yahoo files written by
yfinance carry a second header row (``,^GSPC,^GSPC``); rows right under the header whose date
cell is empty or not a date are treated as extra header rows. Any later bad row is an error
naming its line, so nothing is silently dropped.

Dates are returned as written. For weekly search (``attention backtest preis --search``) the
expected label is the last day of each week (Saturday for Google's Sunday-Saturday weeks).
Google Trends' CSV export and pytrends label weeks by their first day (Sunday); the Preis
backtest detects a file whose dates are all Sundays, moves them to the Saturday and says so
in a note (:func:`attention.analysis.preis.week_end_labels`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from attention.errors import InputFileError
from attention.imports.text_files import csv_rows, read_text


def read_series_csv(path: str | Path, column: str | None = None, prefer: Sequence[str] = ()) -> pd.Series:
    path = Path(path)
    rows = list(csv_rows(read_text(path), path))  # one line for non-UTF-8 bytes or huge fields
    if len(rows) < 2:
        raise InputFileError(f"{path}: needs a header and at least one data row")
    header = [h.strip() for h in rows[0]]
    index = _value_column(path, header, column, prefer)
    dates, values, started = [], [], False
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = row[0].strip()
        stamp = pd.to_datetime(cell, errors="coerce", format="ISO8601") if cell else pd.NaT
        if pd.isna(stamp):
            if not started:
                continue  # a second header row (yfinance's ",^GSPC,^GSPC")
            raise InputFileError(
                f"{path}: line {line_no}, column '{header[0]}': {row[0]!r} is not a date (YYYY-MM-DD)"
            )
        started = True
        raw = row[index].strip() if index < len(row) else ""
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if raw and not math.isfinite(value):
            raise InputFileError(f"{path}: line {line_no}, column '{header[index]}': {raw!r} is not a number")
        dates.append(stamp.tz_localize(None) if stamp.tzinfo else stamp)
        values.append(value)
    if not dates:
        raise InputFileError(f"{path}: no dated rows found")
    return pd.Series(values, index=pd.DatetimeIndex(dates), name=header[index]).dropna()


def _value_column(path: Path, header: list[str], column: str | None, prefer: Sequence[str]) -> int:
    if column is not None:
        if column not in header:
            raise InputFileError(f"{path}: no column {column!r}; the header has {header}")
        return header.index(column)
    for name in prefer:
        if name in header:
            return header.index(name)
    if len(header) < 2:
        raise InputFileError(f"{path}: needs a date column and a value column")
    return 1
