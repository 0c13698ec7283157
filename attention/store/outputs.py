"""Store methods for the output steps: replacing the analysis result tables, and the reads the
HTML report needs beyond the panels (the run log, this week's top items, data-quality flags).

A mixin of :class:`attention.store.Store` (see :mod:`attention.store.api`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

from attention.store.core import StoreCore

# The analysis result tables (migrations analysis_results_v1 and _v2_irf), in write order.
RESULT_TABLES = ("feedback_tests", "feedback_verdicts", "event_studies", "context", "impulse_responses")
# Data fetched from a loopback replica (``attention demo``, tests) carries this in its provenance.
LOOPBACK_MARK = "%//127.0.0.1:%"


class OutputQueries(StoreCore):
    """Result tables and report reads."""

    # -- analysis results ----------------------------------------------------------------------
    def replace_analysis_results(self, frames: Mapping[str, pd.DataFrame], themes: Sequence[str]) -> None:
        """Replace the rows of every analysed theme in the result tables, in one transaction.

        ``context`` keeps one row per theme and as-of date, so only the same as-of rows are
        replaced there; every other table holds the latest analysis of each theme only."""
        unknown = sorted(set(frames) - set(RESULT_TABLES))
        if unknown:
            raise ValueError(f"not analysis result tables: {unknown}")
        with self.transaction():
            for table in RESULT_TABLES:
                frame = frames.get(table)
                if frame is None:
                    continue
                self._delete_results(table, frame, themes)
                if not frame.empty:
                    self._insert_frame(table, frame)

    def _delete_results(self, table: str, frame: pd.DataFrame, themes: Sequence[str]) -> None:
        if table == "context":
            if frame.empty:  # no theme had market context: nothing of the same as-of to replace
                return
            for theme, as_of in frame[["theme", "as_of"]].itertuples(index=False):
                self.con.execute("DELETE FROM context WHERE theme = ? AND as_of = ?", [theme, as_of])
            return
        for theme in themes:  # table comes from RESULT_TABLES only
            self.con.execute(f"DELETE FROM {table} WHERE theme = ?", [theme])

    def _insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register("_analysis_rows", frame)
        try:
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _analysis_rows")
        finally:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("_analysis_rows")

    # -- report reads --------------------------------------------------------------------------
    def latest_run_date(self) -> dt.date | None:
        """The latest date any run collected for, or None before the first run."""
        return self._scalar("SELECT max(run_date) FROM runs")

    def latest_price_date(self) -> dt.date | None:
        return self._scalar("SELECT max(date) FROM prices")

    def priced_tickers(self) -> set[str]:
        """Every ticker with at least one stored close."""
        return set(self._frame("SELECT DISTINCT ticker FROM prices")["ticker"])

    def holds_replica_data(self) -> bool:
        """True when any stored price was fetched from a loopback replica (simulated data)."""
        found = self._scalar(
            "SELECT count(*) FROM (SELECT 1 FROM prices WHERE provenance LIKE ? LIMIT 1)", [LOOPBACK_MARK]
        )
        return bool(found)

    def top_theme_items(self, start: dt.datetime, end: dt.datetime, limit: int) -> pd.DataFrame:
        """Posts and headlines matched to a theme in [start, end), the most discussed first
        (Reddit by score + comments)."""
        return self._frame(
            "SELECT source, kind, created_utc, title, url, container, outlet, themes, compound, "
            "score, num_comments FROM items WHERE created_utc >= ? AND created_utc < ? "
            "AND len(themes) > 0 AND kind IN ('post', 'headline') "
            "ORDER BY coalesce(score, 0) + coalesce(num_comments, 0) DESC, created_utc DESC "
            "LIMIT ?",
            [start, end, limit],
        )

    def theme_weight_counts(self, end: dt.datetime) -> dict[str, int]:
        """Reddit and news items matched to a theme, created before ``end``: ``items`` (all),
        ``unweighted`` (no weight per theme yet), and ``split_<k>``: items whose every theme
        weight is below 1, i.e. that named only something shared by ``k`` themes (a stock in two
        baskets: ``split_2``) and count 1/k in each."""
        rows = self.con.execute(
            "SELECT CASE WHEN coalesce(len(theme_weights), 0) <> len(themes) THEN 'unweighted' "
            "WHEN list_max(theme_weights) < 1 THEN 'split_' || CAST(round(1 / list_max(theme_weights)) "
            "AS INTEGER) ELSE 'whole' END AS kind, count(*) FROM items "
            "WHERE source IN ('reddit', 'news') AND len(themes) > 0 AND created_utc < ? GROUP BY 1",
            [end],
        ).fetchall()
        counts = {str(kind): int(n) for kind, n in rows}
        counts["items"] = sum(counts.values())
        counts.pop("whole", None)
        return counts

    def score_versions(self, end: dt.datetime) -> dict[str, int]:
        """Scored Reddit and news items matched to a theme, created before ``end``, by the
        version of the scorer that produced their stored sentiment (most items first)."""
        rows = self.con.execute(
            "SELECT lexicon_version, count(*) FROM items WHERE source IN ('reddit', 'news') "
            "AND len(themes) > 0 AND scoreable AND compound IS NOT NULL AND lexicon_version IS NOT NULL "
            "AND created_utc < ? GROUP BY 1 ORDER BY 2 DESC, 1",
            [end],
        ).fetchall()
        return {str(v): int(n) for v, n in rows}

    def latest_run_per_source(self, as_of: dt.date) -> pd.DataFrame:
        """The latest run of every source whose run date is on or before ``as_of``."""
        return self._frame(
            "SELECT source, run_date, status, records, requests, mode, error, started_at FROM runs "
            "WHERE run_date <= ? QUALIFY row_number() OVER (PARTITION BY source "
            "ORDER BY started_at DESC) = 1 ORDER BY source",
            [as_of],
        )

    def stale_flow_summary(self, since: dt.date, as_of: dt.date) -> pd.DataFrame:
        """Per ETF: how many flows in (since, as_of] are flagged stale, and the last such date."""
        return self._frame(
            "SELECT ticker, count(*) AS days, max(date) AS last_date FROM flows "
            "WHERE stale AND date > ? AND date <= ? GROUP BY ticker ORDER BY ticker",
            [since, as_of],
        )

    def partial_search_periods(self, as_of: dt.date) -> pd.DataFrame:
        """Per search term and granularity: the latest period still marked partial by Google."""
        if "search_series" not in self.tables():
            return pd.DataFrame(columns=["term", "granularity", "date", "periods"])
        return self._frame(
            "SELECT term, granularity, max(date) AS date, count(*) AS periods FROM search_series "
            "WHERE is_partial AND date <= ? GROUP BY term, granularity ORDER BY term, granularity",
            [as_of],
        )
