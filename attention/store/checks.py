"""Health checks of a store: duplicated natural keys, unfinished migrations, cursors ahead of
their data. Asked by ``attention status`` and the reliability tests."""

from __future__ import annotations

from attention.store.core import StoreCore
from attention.store.schema import MIGRATIONS

# Cursors whose value is the last stored date of one key: (cursor source, table, key column).
DATE_CURSORS = (("prices", "prices", "ticker"), ("flows", "shares_outstanding", "ticker"))


class ChecksMixin(StoreCore):
    """:meth:`integrity_problems` and what it is made of."""

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
            dupes = self._scalar(
                f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY {cols} HAVING count(*) > 1)"
            )
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
