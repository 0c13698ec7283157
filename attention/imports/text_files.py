"""Reading the text files users bring, with one clear line for what the csv module and the UTF-8
codec would raise as tracebacks: bytes that are not UTF-8 (named by line and column), a field
over the csv module's limit (131,072 characters: the file is not what it claims to be), and
rows with more columns than the format can have (bounded time and memory)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from attention.errors import InputFileError

MAX_COLUMNS = 200


def decode_text(data: bytes, path: str | Path) -> str:
    """UTF-8 text (a BOM is dropped); InputFileError naming the line and column otherwise."""
    if b"\x00" in data[:65536]:  # valid UTF-8, but no text file holds NULs: UTF-16 without a BOM
        raise InputFileError(
            f"{path}: holds NUL bytes, so it is not UTF-8 text (UTF-16?); save the file as UTF-8"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputFileError(
            f"{path}: line {line}, column {column}: byte 0x{data[exc.start]:02x} is not UTF-8; "
            "save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)"
        ) from None


def read_text(path: str | Path) -> str:
    """The whole file as UTF-8 text."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}); check the path") from None
    return decode_text(data, path)


def csv_rows(
    text: str | Iterable[str], path: str | Path, max_columns: int = MAX_COLUMNS, **reader_args: object
) -> Iterator[list[str]]:
    """The rows of CSV text (or of lines), each checked against ``max_columns``."""
    lines = io.StringIO(text) if isinstance(text, str) else text
    reader = csv.reader(lines, **reader_args)  # type: ignore[arg-type]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(f"{path}: line {reader.line_num}: {exc}; is this the right file?") from None
        if len(row) > max_columns:
            raise InputFileError(
                f"{path}: line {reader.line_num}: {len(row):,} columns, more than the {max_columns} "
                "this import reads; is this the right file?"
            )
        yield row
