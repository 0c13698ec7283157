"""What the CSV/Parquet exports (:mod:`attention.report.tables`,
:mod:`attention.report.tables_analysis`) read: each export table's stored rows, in a stable order.

A table absent from the store (an older schema opened read-only) reads as an empty frame, so
the export still writes its header.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from attention.errors import StoreError
from attention.store.core import StoreCore

# The analysis result tables an export may read whole (migration ``analysis_results_v1`` on).
RESULT_TABLES = ("feedback_tests", "feedback_verdicts", "event_studies", "context", "impulse_responses")


class ExportReadsMixin(StoreCore):
    """One read per export table."""

    def _if_present(self, table: str, sql: str) -> pd.DataFrame:
        return self._frame(sql) if table in self.tables() else pd.DataFrame()

    def export_items(self, include_authors: bool = False) -> pd.DataFrame:
        """Every text item with its themes and sentiment; ``author`` is NULL unless
        ``include_authors`` (raw author values leave the store only when opted in)."""
        author = "author" if include_authors else "CAST(NULL AS VARCHAR)"
        return self._if_present(
            "items",
            f"""
            SELECT source, item_id, kind, created_utc, container, outlet, parent_id, title, body, url,
                   themes, compound, neg, neu, pos, scoreable, lexicon_version, score, num_comments,
                   flags, {author} AS author
            FROM items ORDER BY created_utc, source, item_id""",
        )

    def export_search_series(self) -> pd.DataFrame:
        """The stitched search series, by term, granularity and date."""
        return self._if_present(
            "search_series",
            """
            SELECT term, date, granularity, value, lo, hi, is_partial, method
            FROM search_series ORDER BY term, granularity, date""",
        )

    def export_search_raw(self) -> pd.DataFrame:
        """The raw Trends values with the day each request was made (NULL when the store has no
        ``trends_requests`` table)."""
        tables = self.tables()
        if "search_interest" not in tables:
            return pd.DataFrame()
        requests = "trends_requests" in tables
        fetched = "r.fetched_on" if requests else "CAST(NULL AS DATE)"
        join = "LEFT JOIN trends_requests r USING (request_id)" if requests else ""
        return self._frame(f"""
            SELECT s.request_id, s.term, s.period_start, s.granularity, s.value, s.is_partial, s.geo,
                   {fetched} AS fetched_on
            FROM search_interest s {join} ORDER BY s.request_id, s.term, s.period_start""")

    def export_prices(self) -> pd.DataFrame:
        """Daily bars by ticker and date."""
        return self._if_present(
            "prices",
            """
            SELECT ticker, date, open, high, low, close, adj_close, volume, provider
            FROM prices ORDER BY ticker, date""",
        )

    def export_flows(self) -> pd.DataFrame:
        """ETF flows by ticker, date and method."""
        return self._if_present(
            "flows",
            "SELECT ticker, date, method, flow_usd, stale FROM flows ORDER BY ticker, date, method",
        )

    def export_news_volume(self) -> pd.DataFrame:
        """GDELT news volume by theme and date."""
        return self._if_present(
            "news_volume",
            "SELECT theme, date, value, query, is_partial FROM news_volume ORDER BY theme, date",
        )

    def export_result_table(self, table: str, columns: Sequence[str], order: Sequence[str]) -> pd.DataFrame:
        """``columns`` (those the stored table has) of one analysis result table, ordered by
        ``order``; empty when the store has no such table. ``table`` must be one of
        :data:`RESULT_TABLES`."""
        if table not in RESULT_TABLES:
            raise StoreError(f"{table!r} is not an analysis result table ({', '.join(RESULT_TABLES)})")
        present = self._column_types(table)
        if not present:
            return pd.DataFrame()
        unknown = [c for c in order if c not in present]
        if unknown:
            raise StoreError(f"table {table} has no column(s) {unknown} to order by")
        cols = ", ".join(f'"{c}"' for c in columns if c in present)
        by = ", ".join(f'"{c}"' for c in order)
        return self._frame(f"SELECT {cols} FROM {table} ORDER BY {by}")
