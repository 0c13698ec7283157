"""What the derivations (:mod:`attention.derive`) read from the store and rewrite in it.

Per caller: the per-day theme aggregates (``theme_daily``, :mod:`attention.derive.theme_daily`),
the stitched search series (``search_series`` from ``search_interest``,
:mod:`attention.derive.search`), the lexicon rescore (:mod:`attention.derive.rescore`) and the
ETF flows (:mod:`attention.derive.flows`). Rewrites are one transaction each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from attention.store.core import StoreCore

THEME_DAILY_KEY = ("theme", "day", "source")
SEARCH_SERIES_KEY = ("term", "date", "granularity")
ITEM_KEY = ("source", "item_id")


class DerivedTablesMixin(StoreCore):
    """Reads and rewrites of the derivations."""

    # -- theme_daily ---------------------------------------------------------------------------
    def theme_items(self, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Items matched to at least one theme, created in ``start`` (inclusive) .. ``end``
        (exclusive): ``source, themes, theme_weights, compound, score, num_comments, scoreable,
        created_utc``."""
        return self._frame(
            "SELECT source, themes, theme_weights, compound, score, num_comments, scoreable, created_utc "
            "FROM items WHERE len(themes) > 0 AND created_utc >= ? AND created_utc < ?",
            [start, end],
        )

    def replace_theme_daily(self, first: dt.date, last: dt.date, daily: pd.DataFrame) -> int:
        """Replace the ``theme_daily`` rows of the days ``first``..``last`` by ``daily``, in one
        transaction (a day no longer in ``daily`` loses its rows). Returns the rows written."""
        with self.transaction():
            self.con.execute("DELETE FROM theme_daily WHERE day BETWEEN ? AND ?", [first, last]).fetchall()
            return self.upsert_frame("theme_daily", daily, THEME_DAILY_KEY) if not daily.empty else 0

    # -- search_series -------------------------------------------------------------------------
    def search_response_summaries(self, geo: str) -> pd.DataFrame:
        """One row per stored raw Trends response of ``geo`` (API or imported):
        ``request_id, granularity, terms, start, end_, anchor, fetched_on`` (``fetched_on`` falls
        back to the day the values were retrieved when the request is not in trends_requests)."""
        return self._frame(
            "SELECT s.request_id, s.granularity, list(DISTINCT s.term) AS terms, "
            "min(s.period_start) AS start, max(s.period_start) AS end_, "
            "any_value(r.anchor) AS anchor, "
            "coalesce(any_value(r.fetched_on), min(CAST(s.retrieved_at AS DATE))) AS fetched_on "
            "FROM search_interest s LEFT JOIN trends_requests r USING (request_id) "
            "WHERE s.geo = ? GROUP BY s.request_id, s.granularity",
            [geo],
        )

    def search_values(self, geo: str, request_ids: Sequence[str]) -> pd.DataFrame:
        """The raw values of the given responses of ``geo``:
        ``request_id, term, period_start, value, is_partial``."""
        return self._frame(
            "SELECT request_id, term, period_start, value, is_partial FROM search_interest "
            "WHERE geo = ? AND list_contains(?, request_id)",
            [geo, list(request_ids)],
        )

    def replace_search_series(self, method: str, series: pd.DataFrame) -> None:
        """Replace every ``search_series`` row whose method is ``method`` or a version of it
        (``method:...``) by ``series``, in one transaction: a re-scaled stitch leaves no old row."""
        with self.transaction():
            self.con.execute("DELETE FROM search_series WHERE method LIKE ?", [f"{method}:%"])
            self.upsert_frame("search_series", series, SEARCH_SERIES_KEY)

    # -- rescore -------------------------------------------------------------------------------
    def stale_score_counts(self, version: str) -> dict[str, int]:
        """Scoreable items not scored with lexicon ``version``, counted by the version they carry
        ('unscored' for none)."""
        rows = self.con.execute(
            "SELECT coalesce(lexicon_version, 'unscored') AS v, count(*) AS n FROM items "
            "WHERE scoreable AND lexicon_version IS DISTINCT FROM ? GROUP BY 1 ORDER BY 1",
            [version],
        ).fetchall()
        return {str(v): int(n) for v, n in rows}

    def unweighted_theme_items(self) -> int:
        """Items matched to a theme but without a weight per theme: stored before theme weights
        existed (NULL) or by an import that dropped them (an empty list)."""
        return int(
            self._scalar(
                "SELECT count(*) FROM items "
                "WHERE len(themes) > 0 AND coalesce(len(theme_weights), 0) <> len(themes)"
            )
            or 0
        )

    def items_to_rescore(
        self, version: str, after: tuple[str, str], size: int, *, all_items: bool
    ) -> pd.DataFrame:
        """The next ``size`` items by (source, item_id) after ``after`` (keyset paging): every
        item when ``all_items``, else only scoreable ones not scored with ``version`` and
        theme-matched ones without a weight per theme."""
        return self._frame(
            "SELECT source, item_id, kind, created_utc, title, body, scoreable, themes, theme_weights, "
            "neg, neu, pos, compound, lexicon_version FROM items "
            "WHERE (source > ? OR (source = ? AND item_id > ?)) "
            "AND (? OR (scoreable AND lexicon_version IS DISTINCT FROM ?) "
            "OR (len(themes) > 0 AND coalesce(len(theme_weights), 0) <> len(themes))) "
            "ORDER BY source, item_id LIMIT ?",
            [after[0], after[0], after[1], all_items, version, size],
        )

    def update_items(self, update: pd.DataFrame) -> int:
        """Set the columns in ``update`` (keyed by source, item_id) on stored items, inside the
        caller's transaction. Returns new rows (0 when every item was stored already)."""
        return self.upsert_frame("items", update, ITEM_KEY)

    # -- flows ---------------------------------------------------------------------------------
    def shares_outstanding(self) -> pd.DataFrame:
        """Every stored shares-outstanding value, oldest first: ``ticker, date, shares``."""
        return self._frame("SELECT ticker, date, shares FROM shares_outstanding ORDER BY date")

    def closes(self, ticker: str) -> pd.DataFrame:
        """The stored closes of ``ticker``: ``date, close``."""
        return self._frame("SELECT date, close FROM prices WHERE ticker = ?", [ticker])
