"""The data-quality flags of the input checks (:mod:`attention.checks`): written per check by
:mod:`attention.derive.checks`, read by ``attention status``, the report and the exports."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import duckdb
import pandas as pd

from attention.store.core import StoreCore

FLAG_COLUMNS = ["check_name", "subject", "detail", "first_date", "last_date", "severity", "detected_at"]


class FlagsMixin(StoreCore):
    """Reads and writes of ``data_flags``."""

    def replace_data_flags(self, checks: Sequence[str], flags: pd.DataFrame) -> int:
        """Replace every flag of ``checks`` by ``flags`` (columns :data:`FLAG_COLUMNS`), in one
        transaction: a check that finds nothing any more clears its old flags."""
        rows = (
            flags[FLAG_COLUMNS].drop_duplicates(["check_name", "subject", "detail"]) if len(flags) else flags
        )
        with self.transaction():
            for check in checks:
                self.con.execute("DELETE FROM data_flags WHERE check_name = ?", [check])
            if len(rows):
                self._insert_flags(rows)
        return len(rows)

    def replace_subject_flags(self, check: str, subjects: Sequence[str], flags: pd.DataFrame) -> int:
        """Replace the flags of ``check`` about ``subjects`` only (a check written by an import
        of some tickers keeps its flags about the others)."""
        rows = flags[FLAG_COLUMNS] if len(flags) else flags
        with self.transaction():
            for subject in subjects:
                self.con.execute(
                    "DELETE FROM data_flags WHERE check_name = ? AND subject = ?", [check, subject]
                )
            if len(rows):
                self._insert_flags(rows)
        return len(rows)

    def _insert_flags(self, rows: pd.DataFrame) -> None:
        self.con.register("_flag_rows", rows)
        try:
            self.con.execute(
                "INSERT INTO data_flags (check_name, subject, detail, first_date, last_date, "
                "severity, detected_at) SELECT check_name, subject, detail, first_date, "
                "last_date, severity, detected_at FROM _flag_rows"
            )
        finally:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("_flag_rows")

    def data_flags(self) -> pd.DataFrame:
        """Every stored flag, errors first, then by check and subject: :data:`FLAG_COLUMNS`
        (none in a store opened read-only before its migration to flags)."""
        if "data_flags" not in self.tables():
            return pd.DataFrame(columns=FLAG_COLUMNS)
        return self._frame(
            "SELECT check_name, subject, detail, first_date, last_date, severity, detected_at "
            "FROM data_flags ORDER BY severity = 'warning', check_name, subject, first_date"
        )

    def price_bar_dates(self) -> pd.DataFrame:
        """Every stored bar's ``ticker, date, close, retrieved_at`` (for the session checks)."""
        return self._frame("SELECT ticker, date, close, retrieved_at FROM prices ORDER BY ticker, date")

    def imported_flows(self) -> pd.DataFrame:
        """Flows brought by ``import flows-csv``: ``ticker, date, flow_usd, stale``."""
        return self._frame(
            "SELECT ticker, date, flow_usd, stale FROM flows WHERE method = 'import' ORDER BY ticker, date"
        )
