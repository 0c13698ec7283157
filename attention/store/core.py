"""The store's core: the DuckDB connection and its lock, migrations, transactions, upserts.

Every other part of the store (:mod:`attention.store.runlog`, the query groups in
:mod:`attention.store.lookups`, :mod:`~attention.store.derived`, :mod:`~attention.store.panel_inputs`
and :mod:`~attention.store.exports`) builds on :class:`StoreCore`, which owns the connection.

* Writes are upserts on natural keys (``INSERT ... BY NAME ... ON CONFLICT DO UPDATE``); a batch
  is de-duplicated first because DuckDB keeps the first of two equal keys in one statement.
* One batch is one transaction: records and the cursor updates that follow them commit together
  or not at all, so a crash never leaves a half-written batch or a cursor ahead of its data.
* A writer holds an exclusive lock file beside the database; a second writer fails at once with
  a clear message instead of waiting or corrupting anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Self

import duckdb
import pandas as pd

from attention.errors import StoreError, StoreLockedError
from attention.store.safety import (
    CONNECT_CONFIG,
    check_known_migrations,
    check_store_file,
    open_lock_file,
    real_path,
)
from attention.store.schema import MIGRATIONS
from collectors.core.records import CursorUpdate, Record, utcnow

_LOCKED_STORES: weakref.WeakSet[StoreCore] = weakref.WeakSet()


def _forget_locks_in_child() -> None:
    """In a forked child (a sentiment worker): drop the inherited copies of every store lock.

    flock locks belong to the open file, shared by parent and child: a child that outlives its
    parent would keep the store locked, and a child that unlocked would free the parent's lock.
    Closing the child's descriptor does neither.
    """
    for store in list(_LOCKED_STORES):
        handle, store._lock_file = store._lock_file, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


def remove_store(path: str | Path) -> None:
    """Delete the store at ``path`` (database and WAL) while holding its lock: a store in use
    by another process is refused (StoreLockedError), never unlinked under it."""
    holder = StoreCore.__new__(StoreCore)
    holder.path, holder.read_only, holder._lock_file = Path(path), False, None
    holder._acquire_lock()
    try:
        for leftover in (holder.path, holder.path.with_name(holder.path.name + ".wal")):
            leftover.unlink(missing_ok=True)
    finally:
        holder._release_lock()


class StoreCore:
    """A DuckDB file plus its lock. Use as a context manager or call :meth:`close`.

    ``con`` is the store's own connection: only modules of :mod:`attention.store` use it.
    """

    con: duckdb.DuckDBPyConnection

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock_file: IO[str] | None = None
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._acquire_lock()
        elif not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet; run `attention run` first")
        try:
            check_store_file(self.path)
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=CONNECT_CONFIG)
        except StoreError:
            self._release_lock()
            raise
        except duckdb.Error as exc:
            self._release_lock()
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}); is another program "
                "using it, or is it not a DuckDB file?"
            ) from None
        try:
            self._check_schema_known()
            if not read_only:
                self.migrate()
        except BaseException:
            self.close()  # never keep the lock or the connection of a store we can't use
            raise

    def _check_schema_known(self) -> None:
        """A store from a newer attention is refused before anything reads or writes it."""
        if "schema_migrations" not in self.tables():
            return
        applied = [row[0] for row in self.con.execute("SELECT name FROM schema_migrations").fetchall()]
        check_known_migrations(self.path, applied, (name for name, _ in MIGRATIONS))

    # -- lifecycle -----------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        # Beside the real file: two paths (one a symlink) to one store share one lock.
        real = real_path(self.path)
        handle = open_lock_file(real.with_name(real.name + ".lock"))  # held for the store's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StoreLockedError(
                f"{self.path}: the store is in use by {holder}; another `attention run` is "
                "probably still going. Wait for it to finish and try again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._lock_file = handle
        _LOCKED_STORES.add(self)

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
        _LOCKED_STORES.discard(self)

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()
        self._release_lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply missing migrations, each in its own transaction. Returns the schema version."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)"
        )
        done = {row[0] for row in self.con.execute("SELECT name FROM schema_migrations").fetchall()}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                for statement in filter(str.strip, sql.split(";")):
                    self.con.execute(statement)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [name, utcnow()])
        return self.schema_version()

    def schema_version(self) -> int:
        """How many migrations this store has applied."""
        return int(self._scalar("SELECT count(*) FROM schema_migrations"))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or, on any exception, not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- writes --------------------------------------------------------------------------------
    def write(self, records: Iterable[Record]) -> dict[str, int]:
        """Upsert records (any mix of types) in one transaction. Returns new rows per table."""
        by_type: dict[type[Record], list[Record]] = defaultdict(list)
        for record in records:
            by_type[type(record)].append(record)
        added: dict[str, int] = {}
        with self.transaction():
            # Cursor updates go last so they never describe data that is not in this commit.
            for kind in sorted(by_type, key=lambda k: k is CursorUpdate):
                rows = by_type[kind]
                added[kind.TABLE] = added.get(kind.TABLE, 0) + self._upsert(kind, rows)
        return added

    def upsert_records(self, kind: type[Record], records: Sequence[Record]) -> int:
        """Upsert records of one type inside the caller's transaction (``write`` opens its own)."""
        return self._upsert(kind, records) if records else 0

    def _upsert(self, kind: type[Record], records: Sequence[Record]) -> int:
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in records:  # de-duplicate the batch: the last record for a key wins
            latest[record.natural_key()] = record.row()
        frame = pd.DataFrame(list(latest.values()))
        if kind is CursorUpdate:
            frame["updated_at"] = utcnow()
        return self.upsert_frame(kind.TABLE, frame, kind.KEY, kind.MERGE)

    def upsert_frame(
        self,
        table: str,
        frame: pd.DataFrame,
        key: Sequence[str],
        merge: Mapping[str, str] | None = None,
    ) -> int:
        """Upsert a DataFrame whose columns are a subset of ``table``'s. Returns new rows.

        ``table`` must be one of the store's tables and the columns its own (both checked
        against the catalog); ``merge`` maps a column to the SQL expression that merges it
        (default: the new value).
        """
        if frame.empty:
            return 0
        frame = frame.drop_duplicates(subset=list(key), keep="last")
        types = self._column_types(table)
        unknown = [c for c in frame.columns if c not in types]
        if unknown:
            raise StoreError(f"table {table} has no column(s) {unknown}")
        select = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in frame.columns)
        merge = dict(merge or {})
        updates = [f'"{c}" = {merge.get(c, f"EXCLUDED.{c}")}' for c in frame.columns if c not in key]
        conflict = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        before = self._rows_in(table)
        # DuckDB infers an object column's type from a sample of rows: a batch of empty lists
        # with one non-empty list far down would be read as NULL[] and fail the cast. Sample all.
        sample = max(len(frame), 1000)
        self.con.execute(f"SET pandas_analyze_sample = {sample:d}")
        self.con.register("_batch", frame)
        try:
            self.con.execute(
                f"INSERT INTO {table} BY NAME SELECT {select} FROM _batch "
                f"ON CONFLICT ({', '.join(key)}) {conflict}"
            )
        finally:
            # After a failed INSERT the transaction is aborted and even unregister fails;
            # the original error is the one to report.
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("_batch")
        return self._rows_in(table) - before

    # -- generic reads -------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run any SQL and return the result as a DataFrame: for tests and ad-hoc inspection
        only. Application code asks through a named method, so every statement lives here."""
        return self._frame(sql, params)

    def count(self, table: str) -> int:
        """Rows in one of the store's tables."""
        return self._rows_in(self._known(table))

    def tables(self) -> list[str]:
        """The store's table names, sorted."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def cursors(self, source: str) -> dict[str, str]:
        """A source's incremental state: cursor key -> value."""
        rows = self.con.execute("SELECT key, value FROM cursors WHERE source = ?", [source])
        return dict(rows.fetchall())

    # -- helpers for the query groups ----------------------------------------------------------
    def _frame(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """The rows of one statement (values bound as parameters) as a DataFrame."""
        return self.con.execute(sql, list(params or [])).df()

    def _scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first column of the first row of one statement."""
        return self.con.execute(sql, list(params or [])).fetchall()[0][0]

    def _column_types(self, table: str) -> dict[str, str]:
        """Column name -> SQL type of ``table`` (empty when there is no such table)."""
        rows = self.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
        return dict(rows)

    def _rows_in(self, table: str) -> int:
        """Rows in ``table``, a name already checked against the catalog."""
        return int(self._scalar(f"SELECT count(*) FROM {table}"))

    def _known(self, table: str) -> str:
        """``table`` itself when it is one of the store's tables (so it may be written into SQL),
        else a StoreError: a table name is never taken from anywhere but our own schema."""
        if table not in self.tables():
            raise StoreError(f"the store has no table {table!r}")
        return table
