"""Daily price files users already hold: Yahoo / yfinance, Stooq, Alpha Vantage and a plain
``date,close[,volume]`` CSV, read into :class:`~collectors.core.records.PriceBar` rows.

Layouts recognised from the header:

* Yahoo's download ``Date,Open,High,Low,Close,Adj Close,Volume``; yfinance's ``to_csv`` with an
  unnamed index column, a second header row naming the ticker (``,^GSPC,^GSPC``) or the
  three-row ``Price / Ticker / Date`` header of yfinance 0.2.5x;
* Stooq's ``Date,Open,High,Low,Close,Volume`` and its bulk ``<TICKER>,<PER>,<DATE>,...`` files
  (``YYYYMMDD`` dates, tickers such as ``SPY.US``);
* Alpha Vantage's ``timestamp,open,high,low,close,[adjusted_close,]volume``, newest first;
* any ``date,close[,volume]`` file.

The raw close goes to ``close`` and an adjusted close, when the file has one, to ``adj_close``:
they are never mixed. The ticker comes from ``--ticker``, a ticker column, the second header
row or a file name that is a ticker (``SPY.csv``, ``spy.us.txt``, ``daily_IBM.csv``), and the
summary says which. Every row is checked before anything is written; a bad row stops the import
naming its line and column. A last bar the file was written before the close of (or one whose
volume is under a quarter of the usual) is stored flagged ``is_partial``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from attention.calendar import sessions_and_closes
from attention.errors import InputFileError
from attention.imports.tabular import (
    Problems,
    Table,
    column_index,
    looks_like_date,
    normal_name,
    parse_day,
    parse_number,
    read_table,
)
from collectors.core.records import PriceBar, Provenance, utcnow

VERSION = "prices-csv-1"
COLUMNS = {
    "close": ("close", "close/last", "last", "price_close"),
    "adj_close": ("adj close", "adjclose", "adjusted_close", "adjusted close"),
    "open": ("open",),
    "high": ("high",),
    "low": ("low",),
    "volume": ("volume", "vol"),
}
DATE_ALIASES = ("date", "timestamp", "datetime", "time", "day")
TICKER_ALIASES = ("ticker", "symbol")
_TICKER_NAME = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,9}$")
_STOOQ_NAME = re.compile(r"^(?P<t>[a-z0-9\-]+)\.us$")
_AV_NAME = re.compile(r"^daily(?:_adjusted)?_(?P<t>[A-Za-z0-9.\-]+)$")
PARTIAL_VOLUME_SHARE = 0.25


@dataclass
class PriceFile:
    """One parsed file: its bars per ticker, where the ticker came from, and what was skipped."""

    path: Path
    layout: str
    ticker_from: str
    bars: list[PriceBar]
    read: int
    frequency: str
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def tickers(self) -> list[str]:
        return sorted({bar.ticker for bar in self.bars})


def parse_price_file(
    path: str | Path, ticker: str | None = None, written_at: dt.datetime | None = None
) -> PriceFile:
    """Read and check one price file; raise InputFileError naming every bad row (up to five)."""
    table = read_table(path)
    header = table.rows[0][1]
    columns = _columns(table, header)
    first_data, header_ticker = _extra_header_rows(table, columns["date"])
    ticker, ticker_from = _ticker(table.path, ticker, header_ticker, columns.get("ticker"))
    layout = _layout(table.path, header, first_data)
    problems = Problems(table.path)
    bars: dict[tuple[str, dt.date], tuple[int, PriceBar]] = {}
    skipped: Counter[str] = Counter()
    digest = hashlib.sha256(table.path.read_bytes()).hexdigest()
    provenance = Provenance(
        table.path.resolve().as_uri(),
        VERSION,
        utcnow(),
        {"file": table.path.name, "sha256": digest, "layout": layout, "ticker_from": ticker_from},
    )
    data_rows = table.rows[first_data:]
    for line, row in data_rows:
        try:
            bar = _bar(row, table, header, columns, ticker, provider=f"import:{layout}", prov=provenance)
        except BadCellError as exc:
            problems.add(line, exc.column, exc.message)
            continue
        if isinstance(bar, str):
            skipped[bar] += 1
            continue
        key = (bar.ticker, bar.date)
        if key in bars:
            if bars[key][1].row() == bar.row():
                skipped["duplicate rows"] += 1
                continue
            problems.add(
                line, "date", f"{bar.date} is also on line {bars[key][0]} with other values; keep one"
            )
        bars[key] = (line, bar)
    problems.raise_if_any()
    if not bars:
        raise InputFileError(f"{table.path}: no price rows after the header (line {table.rows[0][0]})")
    ordered = sorted((b for _, b in bars.values()), key=lambda b: (b.ticker, b.date))
    parsed = PriceFile(table.path, layout, ticker_from, ordered, len(data_rows), "day", skipped)
    parsed.notes.extend(_order_note([b.date for _, b in sorted(bars.values(), key=lambda lb: lb[0])]))
    parsed.frequency = _frequency(ordered)
    parsed.bars = _flag_partial(parsed, written_at or _mtime(table.path))
    return parsed


def _columns(table: Table, header: list[str]) -> dict[str, int]:
    found = {name: column_index(header, aliases) for name, aliases in COLUMNS.items()}
    if found["close"] is None:  # one column named like "VIX_Close"
        closes = [
            i for i, c in enumerate(header) if normal_name(c).endswith("close") and "adj" not in c.lower()
        ]
        found["close"] = closes[0] if len(closes) == 1 else None
    date = column_index(header, DATE_ALIASES)
    if date is None and normal_name(header[0]) in ("", "price", "index"):
        date = 0  # yfinance writes its date index with an empty (or "Price") header cell
    if date is None or found["close"] is None:
        if found["close"] is None and found["adj_close"] is not None:
            raise InputFileError(
                f"{table.path}: line {table.rows[0][0]}: the file has an adjusted close but no raw "
                "'Close' column; export it with the raw close (Yahoo 'Close', yfinance auto_adjust=False)"
            )
        raise InputFileError(
            f"{table.path}: line {table.rows[0][0]}: expected a date column ({', '.join(DATE_ALIASES)}) "
            f"and a close column ({', '.join(COLUMNS['close'])}); the header is {header}"
        )
    out = {name: index for name, index in found.items() if index is not None}
    out["date"] = date
    ticker = column_index(header, TICKER_ALIASES)
    if ticker is not None:
        out["ticker"] = ticker
    return out


def _extra_header_rows(table: Table, date_column: int) -> tuple[int, str | None]:
    """Index of the first data row, and the ticker named by extra header rows (yfinance's
    ``,^GSPC,^GSPC`` or ``Ticker,SPY,SPY``), if any."""
    named: set[str] = set()
    for index, (_, row) in enumerate(table.rows[1:], start=1):
        cell = row[date_column].strip() if date_column < len(row) else ""
        if looks_like_date(cell):
            return index, _one(named)
        first = normal_name(row[0]) if row else ""
        if index > 3 or first not in ("", "ticker", "date", "price"):
            return index, _one(named)  # a bad data row: reported by the caller with its line
        if first in ("", "ticker"):
            named.update(c.strip() for c in row[1:] if c.strip())
    return len(table.rows), _one(named)


def _one(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _ticker(path: Path, option: str | None, header: str | None, column: int | None) -> tuple[str | None, str]:
    if column is not None:
        if option:
            raise InputFileError(f"{path}: the file has a ticker column; leave out --ticker {option}")
        return None, "the ticker column"
    if option and header and option.upper() != header.upper():
        raise InputFileError(
            f"{path}: line 2 names ticker {header!r} but --ticker is {option!r}; check the file or the option"
        )
    if option:
        return option.upper(), "--ticker"
    if header:
        return header.upper(), "the second header row"
    from_name = ticker_from_name(path)
    if from_name:
        return from_name, "the file name"
    raise InputFileError(
        f"{path}: the file does not say which ticker it holds (no ticker column, no second header "
        "row, and the file name is not a ticker); pass --ticker SYMBOL"
    )


def ticker_from_name(path: Path) -> str | None:
    """``SPY.csv`` -> SPY, ``spy.us.txt`` -> SPY (Stooq), ``daily_IBM.csv`` -> IBM (Alpha Vantage)."""
    stem = path.stem
    for pattern in (_STOOQ_NAME, _AV_NAME):
        found = pattern.match(stem)
        if found:
            return found["t"].upper()
    return stem if _TICKER_NAME.match(stem) else None


def _layout(path: Path, header: list[str], first_data: int) -> str:
    names = [normal_name(c) for c in header]
    if "ticker" in names or _STOOQ_NAME.match(path.stem) or any(c.startswith("<") for c in header):
        return "stooq"
    if "timestamp" in names:
        return "alphavantage"
    if "adjclose" in names or first_data > 1 or names[0] in ("", "price"):
        return "yahoo"
    return "csv"


class BadCellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _bar(
    row: list[str],
    table: Table,
    header: list[str],
    columns: dict[str, int],
    ticker: str | None,
    provider: str,
    prov: Provenance,
) -> PriceBar | str:
    """A bar or a skip reason; raises BadCellError for a bad row."""

    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    def name_of(column: str) -> str:
        return (header[columns[column]] or column) if column in columns else column

    try:
        day = parse_day(cell("date"))
    except ValueError:
        raise BadCellError(name_of("date"), f"{cell('date')!r} is not a date (YYYY-MM-DD)") from None
    values: dict[str, float | None] = {}
    for name in COLUMNS:
        try:
            values[name] = parse_number(cell(name), table.decimal_comma)
        except ValueError:
            raise BadCellError(name_of(name), f"{cell(name)!r} is not a number") from None
    if all(v is None for v in values.values()):
        return "rows without prices (null)"
    close = values["close"]
    problem = _check(values)
    if close is None or problem:
        raise BadCellError(name_of(problem[0] if problem else "close"), problem[1] if problem else "empty")
    symbol = ticker or _clean_ticker(cell("ticker"))
    if not symbol:
        raise BadCellError(name_of("ticker"), "the ticker is empty")
    return PriceBar(
        symbol,
        day,
        values["open"],
        values["high"],
        values["low"],
        close,
        values["adj_close"],
        values["volume"],
        provider,
        prov,
    )


def _check(values: dict[str, float | None]) -> tuple[str, str] | None:
    """(column, problem) for the first impossible value of a bar, or None."""
    for name in ("close", "adj_close", "open", "high", "low"):
        value = values[name]
        if value is not None and value <= 0:
            return name, f"{value:g} is not a positive price"
    high, low = values["high"], values["low"]
    if high is not None and low is not None and high < low:
        return "high", f"high {high:g} is below low {low:g}"
    volume = values["volume"]
    if volume is not None and volume < 0:
        return "volume", f"{volume:g} is negative"
    return None


def _clean_ticker(text: str) -> str:
    symbol = text.strip().upper()
    return symbol[:-3] if symbol.endswith(".US") else symbol


def _order_note(dates_in_file_order: list[dt.date]) -> list[str]:
    pairs = list(zip(dates_in_file_order, dates_in_file_order[1:], strict=False))
    if pairs and all(a > b for a, b in pairs):
        return ["newest first (sorted)"]
    if any(a > b for a, b in pairs) and any(a < b for a, b in pairs):
        return ["dates out of order (sorted)"]
    return []


def _frequency(bars: list[PriceBar]) -> str:
    days = sorted({bar.date for bar in bars})
    if len(days) < 3:
        return "day"
    gap = statistics.median((b - a).days for a, b in zip(days, days[1:], strict=False))
    return "day" if gap <= 4 else "week" if gap <= 10 else "month"


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def _flag_partial(parsed: PriceFile, written_at: dt.datetime) -> list[PriceBar]:
    """The bars with each ticker's last one flagged when it was not a finished session."""
    if parsed.frequency != "day":
        return parsed.bars
    out = list(parsed.bars)
    for ticker in parsed.tickers:
        positions = [i for i, bar in enumerate(out) if bar.ticker == ticker]
        last = out[positions[-1]]
        reason = partial_reason(last, [out[i] for i in positions[-21:-1]], written_at)
        if reason:
            out[positions[-1]] = dataclasses.replace(last, is_partial=True)
            parsed.notes.append(f"{ticker} {last.date} flagged partial: {reason}")
    return out


def partial_reason(last: PriceBar, before: list[PriceBar], written_at: dt.datetime) -> str | None:
    """Why ``last`` looks like an unfinished bar, or None. Pure: the file's write time is given."""
    _, closes = sessions_and_closes(last.date, last.date)
    session = pd.Timestamp(last.date)
    if session in closes.index and closes[session].to_pydatetime() > written_at:
        return f"the file was written at {written_at:%Y-%m-%d %H:%M} UTC, before that session's close"
    volumes = [b.volume for b in before if b.volume]
    if last.volume and len(volumes) >= 10:
        usual = statistics.median(volumes)
        if last.volume < PARTIAL_VOLUME_SHARE * usual:
            return f"its volume is {last.volume / usual:.0%} of the median of the {len(volumes)} bars before"
    return None
