"""What the imports ask the store: which of the rows a file holds are stored already, and with
which values, so that a second import of the same file says "unchanged" instead of "updated"."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from attention.store.core import StoreCore
from collectors.core.records import Record

# Columns that change on every import without the data changing.
_VOLATILE = ("provenance", "retrieved_at")


class ImportsMixin(StoreCore):
    """Reads for :mod:`attention.imports`."""

    def compare_stored(self, records: Sequence[Record]) -> tuple[int, int, int]:
        """``(new, changed, unchanged)``: how many of ``records`` (one type) are not stored yet,
        stored with other values, or stored exactly so (provenance and fetch time ignored)."""
        if not records:
            return 0, 0, 0
        kind = type(records[0])
        table = self._known(kind.TABLE)
        latest = {record.natural_key(): record.row() for record in records}
        rows = list(latest.values())
        compared = [c for c in rows[0] if c not in _VOLATILE and c not in kind.KEY]
        keys = pd.DataFrame([{k: row[k] for k in kind.KEY} for row in rows])
        stored = self._stored_matching(table, keys, list(kind.KEY), compared)
        by_key = {
            tuple(_normal(v) for v in values[: len(kind.KEY)]): values[len(kind.KEY) :]
            for values in stored.itertuples(index=False, name=None)
        }
        new = unchanged = 0
        for row in rows:
            old = by_key.get(tuple(_normal(row[k]) for k in kind.KEY))
            if old is None:
                new += 1
            elif all(_same(row[c], o) for c, o in zip(compared, old, strict=True)):
                unchanged += 1
        return new, len(rows) - new - unchanged, unchanged

    def _stored_matching(
        self, table: str, keys: pd.DataFrame, key: list[str], columns: list[str]
    ) -> pd.DataFrame:
        types = self._column_types(table)
        unknown = [c for c in [*key, *columns] if c not in types]
        if unknown:
            raise ValueError(f"table {table} has no column(s) {unknown}")
        select = ", ".join(f't."{c}"' for c in [*key, *columns])
        join = " AND ".join(f't."{c}" = CAST(k."{c}" AS {types[c]})' for c in key)
        self.con.register("_import_keys", keys)
        try:
            return self.con.execute(f"SELECT {select} FROM {table} t JOIN _import_keys k ON {join}").df()
        finally:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("_import_keys")


def _same(new: Any, old: Any) -> bool:
    new, old = _normal(new), _normal(old)
    if isinstance(new, float) and isinstance(old, float):
        return math.isclose(new, old, rel_tol=1e-12, abs_tol=1e-12)
    return bool(new == old)


def _normal(value: Any) -> Any:
    """One comparable form for a value as a record holds it and as DuckDB returns it."""
    if hasattr(value, "tolist") and not isinstance(value, (pd.Timestamp, np.generic)):
        return [_normal(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if _missing(value):
        return None
    if isinstance(value, (dt.date, np.datetime64)):
        stamp = pd.Timestamp(value)
        return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    return value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
