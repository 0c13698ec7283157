"""Write the export tables as CSV or Parquet, and read them back with their types.

CSV formula injection: titles and bodies come from strangers on Reddit, and a spreadsheet
evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab/CR before one) as a
formula. Every text cell starting with one of those gets a leading ``'`` (OWASP's advice); a
text cell that already starts with ``'`` gets one too, so :func:`unescape_cell` can undo the
escaping exactly and a read-back equals what the store holds. Parquet is a typed format that
spreadsheets do not evaluate, so it is written as is.

Empty text and missing text are both an empty CSV cell; reading gives missing for both. A
missing list and an empty list are both an empty cell; reading gives an empty list.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from attention.config import Config
from attention.errors import FatalError
from attention.report.tables import (
    FLOWS,
    ITEMS,
    NEWS_VOLUME,
    PANEL_DAILY,
    PRICES,
    SEARCH,
    SEARCH_RAW,
    ExportOptions,
    TableSpec,
)
from attention.report.tables_analysis import ANALYSIS_TABLES
from attention.report.tables_people import RANKINGS
from attention.report.tables_quality import QUALITY_TABLES
from attention.store import Store

EXPORTS: tuple[TableSpec, ...] = (
    ITEMS,
    SEARCH,
    SEARCH_RAW,
    PRICES,
    FLOWS,
    NEWS_VOLUME,
    PANEL_DAILY,
    *ANALYSIS_TABLES,
    *QUALITY_TABLES,
    RANKINGS,
)
SPECS = {spec.name: spec for spec in EXPORTS}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
LIST_SEP = ";"


@dataclass
class ExportResult:
    out_dir: Path
    fmt: str
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        total = sum(self.rows.values())
        empty = [n for n, r in self.rows.items() if r == 0]
        text = f"{len(self.files)} {self.fmt} tables, {total} rows in {self.out_dir}"
        return text + (f" (empty: {', '.join(empty)})" if empty else "")


def escape_cell(value: str) -> str:
    """Neutralise a spreadsheet formula: prefix a ' when the text starts with a trigger."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value.startswith("'") else value


# -- canonical types ---------------------------------------------------------------------------
def _as_list(value: object) -> tuple[str, ...]:
    """Lists become tuples; a missing list is an empty one (CSV cannot tell them apart)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(LIST_SEP) if v)
    if not isinstance(value, Iterable):
        raise TypeError(f"expected a list of theme keys, got {type(value).__name__}")
    return tuple(str(v) for v in value)


def canonical(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The spec's columns in order, each with its canonical dtype (what readers get back)."""
    out = pd.DataFrame(index=range(len(frame)))
    for column in spec.columns:
        values = frame[column.name] if column.name in frame else pd.Series([None] * len(frame))
        out[column.name] = _convert(values.reset_index(drop=True), column.kind)
    return out


def _convert(values: pd.Series, kind: str) -> pd.Series:
    if kind == "string":
        text = values.astype(object).where(values.notna(), None)
        return text.map(lambda v: None if v is None or v == "" else str(v)).astype("string")
    if kind == "int":
        return pd.to_numeric(values, errors="raise").astype("Int64")
    if kind == "float":
        return pd.to_numeric(values, errors="raise").astype("float64")
    if kind == "bool":
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.map({"true": True, "false": False, True: True, False: False})
        return values.astype("boolean")
    if kind == "date":
        return pd.to_datetime(values).astype("datetime64[us]")
    if kind == "timestamp":
        return pd.to_datetime(values, utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    return values.map(_as_list).astype(object)


# -- CSV ---------------------------------------------------------------------------------------
def _csv_text(values: pd.Series, kind: str) -> pd.Series:
    """Render one canonical column as CSV cell strings (None = empty cell)."""
    missing = values.isna() if kind != "list" else values.map(lambda v: not v)
    if kind == "string":
        text = values.astype(object).map(lambda v: escape_cell(v) if isinstance(v, str) else v)
    elif kind == "int":
        text = values.astype(object).map(str)
    elif kind == "float":
        text = values.map(repr)  # shortest repr round-trips a float64 exactly
    elif kind == "bool":
        text = values.astype(object).map(lambda v: "true" if v else "false")
    elif kind == "date":
        text = values.dt.strftime("%Y-%m-%d")
    elif kind == "timestamp":
        text = values.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    else:
        text = values.map(lambda v: LIST_SEP.join(v) if v else None)
    return text.astype(object).where(~missing, None)


def write_csv(frame: pd.DataFrame, spec: TableSpec, path: Path) -> None:
    data = canonical(frame, spec)
    cells = pd.DataFrame({c.name: _csv_text(data[c.name], c.kind) for c in spec.columns}, columns=spec.names)
    # RFC 4180 line ends: with CRLF as the terminator the writer also quotes a lone CR inside
    # a cell (with "\n" alone it would not, and the cell would split the row on reading).
    _atomic(path, lambda tmp: cells.to_csv(tmp, index=False, na_rep="", lineterminator="\r\n"))


def read_csv(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    """Read an exported CSV back into the canonical dtypes (undoing the formula escaping)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in spec.names if c not in raw.columns]
    if missing:
        raise FatalError(f"{path}: not an export of {spec.name} (missing columns {missing})")
    raw = raw[spec.names]
    for column in spec.columns:
        if column.kind == "string":
            raw[column.name] = raw[column.name].map(lambda v: unescape_cell(v) if isinstance(v, str) else v)
    return canonical(raw, spec)


# -- Parquet -----------------------------------------------------------------------------------
def write_parquet(frame: pd.DataFrame, spec: TableSpec, path: Path) -> None:
    data = canonical(frame, spec)
    for column in spec.columns:
        if column.kind == "list":
            data[column.name] = data[column.name].map(list)
    _atomic(path, lambda tmp: data.to_parquet(tmp, index=False))


def read_parquet(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    return canonical(pd.read_parquet(path), spec)


def read_export(path: str | Path, table: str | None = None) -> pd.DataFrame:
    """Read an export file back with its documented types; the table comes from the name."""
    path = Path(path)
    spec = SPECS.get(table or path.stem)
    if spec is None:
        raise FatalError(f"{path}: unknown export table; expected one of {sorted(SPECS)}")
    if path.suffix == ".parquet":
        return read_parquet(path, spec)
    return read_csv(path, spec)


def _atomic(path: Path, write: object) -> None:
    """Write to a temporary file beside ``path`` and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)  # type: ignore[operator]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- the whole set -----------------------------------------------------------------------------
def load_table(
    store: Store, config: Config, spec: TableSpec, options: ExportOptions | None = None
) -> pd.DataFrame:
    """One export table, canonical, read from an open store."""
    return canonical(spec.load(store, config, options or ExportOptions()), spec)


def export_store(
    store: Store,
    config: Config,
    out_dir: Path,
    fmt: str = "csv",
    options: ExportOptions | None = None,
    tables: Sequence[str] | None = None,
) -> ExportResult:
    if fmt not in ("csv", "parquet"):
        raise FatalError(f"--format {fmt!r}: choose csv or parquet")
    unknown = sorted(set(tables or ()) - set(SPECS))
    if unknown:
        raise FatalError(f"unknown export table(s) {unknown}; choose from {sorted(SPECS)}")
    result = ExportResult(Path(out_dir), fmt)
    for spec in EXPORTS:
        if tables and spec.name not in tables:
            continue
        frame = load_table(store, config, spec, options)
        path = Path(out_dir) / f"{spec.name}.{fmt}"
        (write_csv if fmt == "csv" else write_parquet)(frame, spec, path)
        result.files[spec.name], result.rows[spec.name] = path, len(frame)
    result.notes.append(f"exported at {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    return result


def export_all(
    config: Config,
    out_dir: str | Path | None = None,
    fmt: str | None = None,
    options: ExportOptions | None = None,
    store_path: str | Path | None = None,
    tables: Sequence[str] | None = None,
) -> ExportResult:
    """Export every table from the configured store (opened read-only) into ``out_dir``
    (default ``outputs.export_dir``) as ``fmt`` (default ``outputs.export_format``)."""
    out = Path(out_dir) if out_dir is not None else Path(config.outputs.export_dir)
    with Store(store_path or config.store.path, read_only=True) as store:
        return export_store(store, config, out, fmt or config.outputs.export_format, options, tables)


def render_column_docs() -> str:
    """The column reference of docs/exports.md, generated from the specs."""
    parts = []
    for spec in EXPORTS:
        lines = [
            f"### `{spec.name}`",
            "",
            spec.description,
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.kind} | {c.description} |" for c in spec.columns]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
