"""The embedded DuckDB store: schema migrations, idempotent upserts, run log and cursors.

* Writes are upserts on natural keys (``INSERT ... BY NAME ... ON CONFLICT DO UPDATE``); a batch
  is de-duplicated first because DuckDB keeps the first of two equal keys in one statement.
* One batch is one transaction: records and the cursor updates that follow them commit together
  or not at all, so a crash never leaves a half-written batch or a cursor ahead of its data.
* A writer holds an exclusive lock file beside the database; a second writer fails at once with
  a clear message instead of waiting or corrupting anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from attention.errors import StoreError, StoreLockedError
from attention.store.outputs import OutputQueries
from attention.store.schema import MIGRATIONS
from collectors.core.records import CursorUpdate, Record, utcnow

# Cursors whose value is the last stored date of one key: (cursor source, table, key column).
DATE_CURSORS = (("prices", "prices", "ticker"), ("flows", "shares_outstanding", "ticker"))


_LOCKED_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


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


class Store(OutputQueries):
    """A DuckDB file plus its lock. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock_file: Any = None
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._acquire_lock()
        elif not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet; run `attention run` first")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            self._release_lock()
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}); is another program "
                "using it, or is it not a DuckDB file?"
            ) from None
        if not read_only:
            try:
                self.migrate()
            except BaseException:
                self.close()  # never keep the lock or the connection of a store we can't use
                raise

    # -- lifecycle -----------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the store's lifetime
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

    def __enter__(self) -> Store:
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
        return self.con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
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
        by_type: dict[type, list[Record]] = defaultdict(list)
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
        latest: dict[tuple, dict[str, Any]] = {}
        for record in records:  # de-duplicate the batch: the last record for a key wins
            latest[record.natural_key()] = record.row()
        frame = pd.DataFrame(list(latest.values()))
        if kind is CursorUpdate:
            frame["updated_at"] = utcnow()
        return self.upsert_frame(kind.TABLE, frame, kind.KEY, kind.MERGE)

    def upsert_frame(
        self, table: str, frame: pd.DataFrame, key: Sequence[str], merge: dict[str, str] | Any = None
    ) -> int:
        """Upsert a DataFrame whose columns are a subset of ``table``'s. Returns new rows."""
        if frame.empty:
            return 0
        frame = frame.drop_duplicates(subset=list(key), keep="last")
        types = dict(
            self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        )
        unknown = [c for c in frame.columns if c not in types]
        if unknown:
            raise StoreError(f"table {table} has no column(s) {unknown}")
        select = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in frame.columns)
        merge = dict(merge or {})
        updates = [f'"{c}" = {merge.get(c, f"EXCLUDED.{c}")}' for c in frame.columns if c not in key]
        conflict = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        before = self.count(table)
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
        return self.count(table) - before

    # -- reads ---------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, list(params or [])).df()

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]

    def tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def cursors(self, source: str) -> dict[str, str]:
        rows = self.con.execute("SELECT key, value FROM cursors WHERE source = ?", [source])
        return dict(rows.fetchall())

    # -- run log -------------------------------------------------------------------------------
    def start_run(self, run_id: str, source: str, run_date: dt.date) -> None:
        with self.transaction():
            self.con.execute(
                "INSERT OR REPLACE INTO runs (run_id, source, run_date, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                [run_id, source, run_date, utcnow()],
            )

    def mark_interrupted_runs(self) -> int:
        """Run-log rows still 'running' belong to a run that died (killed, power loss): this
        writer holds the store's exclusive lock, so no other run is alive. Mark them
        'interrupted' so `attention status` tells the truth. Returns how many."""
        with self.transaction():
            rows = self.con.execute(
                "UPDATE runs SET status = 'interrupted', error = ? WHERE status = 'running' RETURNING run_id",
                [
                    "the run stopped before this source finished (killed or "
                    "crashed); its committed batches are kept"
                ],
            ).fetchall()
        return len(rows)

    def finish_run(
        self,
        run_id: str,
        source: str,
        status: str,
        records: int = 0,
        requests: int = 0,
        mode: str | None = None,
        error: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        with self.transaction():
            self.con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, records = ?, requests = ?, mode = ?,"
                " error = ?, details = ? WHERE run_id = ? AND source = ?",
                [
                    utcnow(),
                    status,
                    records,
                    requests,
                    mode,
                    error,
                    json.dumps(details or {}, default=str),
                    run_id,
                    source,
                ],
            )

    def last_runs(self, limit: int = 20) -> pd.DataFrame:
        return self.query(
            "SELECT run_id, source, run_date, status, records, requests, mode, error, started_at, "
            "finished_at FROM runs ORDER BY started_at DESC LIMIT ?",
            [limit],
        )

    # -- checks --------------------------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """Duplicate natural keys, unfinished migrations, or a date cursor ahead of its data;
        an empty list means healthy."""
        problems = self._cursor_problems()
        if self.schema_version() != len(MIGRATIONS):
            problems.append(f"schema version {self.schema_version()} != {len(MIGRATIONS)}")
        for table in self.tables():
            key = self._primary_key(table)
            if not key:
                continue
            cols = ", ".join(key)
            dupes = self.con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY {cols} HAVING count(*) > 1)"
            ).fetchall()[0][0]
            if dupes:
                problems.append(f"{table}: {dupes} duplicated key(s)")
        return problems

    def _cursor_problems(self) -> list[str]:
        """A date cursor must never point past the newest stored row it describes (cursors
        commit with their data, DESIGN.md 4.5)."""
        problems = []
        for source, table, key_column in DATE_CURSORS:
            rows = self.con.execute(
                f"SELECT c.key, c.value, max(t.date) FROM cursors c LEFT JOIN {table} t "
                f"ON t.{key_column} = c.key WHERE c.source = ? GROUP BY c.key, c.value",
                [source],
            ).fetchall()
            for key, value, newest in rows:
                if newest is None or value > newest.isoformat():
                    problems.append(
                        f"cursors: {source}/{key} at {value} but {table} holds {key} only to {newest}"
                    )
        return problems

    def _primary_key(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [table],
        ).fetchall()
        return list(rows[0][0]) if rows else []
