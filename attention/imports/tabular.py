"""What the CSV imports share: reading a file whatever its encoding and separator, numbers with a
decimal comma, dates in the layouts data vendors write, and the one-line summary of an import.

A file is read whole (these are tables of thousands of rows, not dumps): the bytes are decoded as
UTF-8 (with or without BOM), UTF-16 (with BOM) or, failing both, Windows-1252, and the separator
is the one of ``,`` ``;`` ``tab`` that splits the header into the most cells. A ``;`` or tab file
whose numbers carry a comma is read as using the decimal comma (European spreadsheet exports).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from attention.checks.findings import Finding
from attention.errors import InputFileError

MAX_REPORTED = 5
_SEPARATORS = (",", ";", "\t")
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y")
_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Table:
    """A decoded file: its rows (line numbers are 1-based, as an editor shows them)."""

    path: Path
    separator: str
    encoding: str
    rows: list[tuple[int, list[str]]]

    @property
    def decimal_comma(self) -> bool:
        return self.separator != ","


def read_table(path: str | Path) -> Table:
    """Decode and split ``path``; an unreadable or empty file is an InputFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    text, encoding = decode_bytes(data, path)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise InputFileError(f"{path}: the file is empty; expected a header line and data rows")
    separator = max(_SEPARATORS, key=lambda sep: len(next(csv.reader([first], delimiter=sep))))
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    return Table(path, separator, encoding, rows)


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Text and the encoding it was read in: UTF-16 with a BOM, UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:65536]:  # no text file holds NULs: UTF-16 without a BOM
        raise InputFileError(
            f"{path}: holds NUL bytes, so it is not UTF-8 text (UTF-16?); save the file as UTF-8"
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def parse_number(text: str, decimal_comma: bool = False) -> float | None:
    """A cell as a float; None when empty (or ``null``/``NaN`` as Yahoo writes a missing value).
    Raises ValueError for anything else that is not a finite number."""
    cell = text.strip().replace("\u00a0", "").replace(" ", "").removeprefix("$")  # Nasdaq: $123.45
    if cell.lower() in ("", "null", "nan", "-", "n/a"):
        return None
    if decimal_comma:
        cell = cell.replace(".", "").replace(",", ".") if "," in cell else cell
    else:
        cell = cell.replace(",", "")  # thousands separators: 1,234,567
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_day(text: str) -> dt.date:
    """A date cell: ISO (with any time and zone after it), YYYYMMDD, MM/DD/YYYY, YYYY/MM/DD or
    DD.MM.YYYY. A time with a zone keeps the date as written (the exchange's local date, which is
    what yfinance writes). Raises ValueError."""
    cell = text.strip()
    if _ISO_PREFIX.match(cell):
        return dt.date.fromisoformat(cell[:10])
    for layout in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cell, layout).date()
        except ValueError:
            continue
    raise ValueError(cell)


def looks_like_date(text: str) -> bool:
    try:
        parse_day(text)
    except ValueError:
        return False
    return True


@dataclass
class Problems:
    """Bad rows found while checking a file; raised together so the user fixes them in one go."""

    path: Path
    found: list[str] = field(default_factory=list)

    def add(self, line: int, column: str, message: str) -> None:
        self.found.append(f"line {line}, column '{column}': {message}")

    def raise_if_any(self) -> None:
        if not self.found:
            return
        more = f" (and {len(self.found) - MAX_REPORTED} more)" if len(self.found) > MAX_REPORTED else ""
        raise InputFileError(
            f"{self.path}: nothing imported; fix these rows: " + "; ".join(self.found[:MAX_REPORTED]) + more
        )


@dataclass
class ImportSummary:
    """What one import did, for its one-line summary: rows read, stored (new and changed), already
    stored unchanged, and skipped by reason."""

    what: str
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # data-quality flags the import stores

    def line(self) -> str:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.skipped.most_common())
        stored = self.new + self.changed
        state = (
            "updated"
            if self.changed
            else "imported"
            if self.new
            else "unchanged"
            if self.unchanged
            else "nothing stored"
        )
        text = (
            f"{self.what}: {state}: {self.read:,} rows read, {stored:,} stored ({self.new:,} new, "
            f"{self.changed:,} changed), {self.unchanged:,} already stored, {skipped:,} skipped"
        )
        return text + (f" ({reasons})" if reasons else "")


def column_index(header: list[str], aliases: tuple[str, ...]) -> int | None:
    """The first header cell (case, spaces, ``<>`` and ``_`` ignored) matching an alias."""
    names = [normal_name(cell) for cell in header]
    for alias in aliases:
        if normal_name(alias) in names:
            return names.index(normal_name(alias))
    return None


def normal_name(cell: str) -> str:
    return re.sub(r"[\s_<>\-\.]", "", cell).lower()


def cells(row: list[str], width: int) -> Iterator[str]:
    yield from (row[i].strip() if i < len(row) else "" for i in range(width))
