"""What collectors ask about stored data: the store's side of
:class:`collectors.core.lookups.StoredLookups`.

Collectors get these methods (and only these, by type) through ``CollectContext.lookups``; they
never see the store or SQL. Every method only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from attention.store.core import StoreCore
from collectors.core.lookups import StoredTrendsResponse

# The columns a news de-duplication needs to rebuild a stored headline (collectors/news/dedupe.py).
_STORED_ITEM_COLUMNS = (
    "item_id, kind, created_utc, title, body, url, container, outlet, feeds, flags, scoreable, provenance"
)


class CollectorLookupsMixin(StoreCore):
    """Implements :class:`collectors.core.lookups.StoredLookups`."""

    def trends_responses(self, timeframe: str, geo: str) -> list[StoredTrendsResponse]:
        """Stored raw Trends responses for ``timeframe`` and ``geo``, newest fetch first (the
        Google Trends collector's cache: a rerun on the same day sends no request)."""
        rows = self.con.execute(
            "SELECT request_id, terms, fetched_on, coalesce(raw, ''), "
            "json_extract_string(provenance, '$.params.granularity') "
            "FROM trends_requests WHERE timeframe = ? AND geo = ? ORDER BY fetched_on DESC",
            [timeframe, geo],
        ).fetchall()
        return [
            StoredTrendsResponse(
                str(request_id),
                tuple(str(t) for t in terms or ()),
                _as_date(fetched_on),
                str(raw),
                granularity or None,
            )
            for request_id, terms, fetched_on, raw, granularity in rows
        ]

    def stored_items(
        self, source: str, item_ids: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        """Stored items of ``source`` with one of ``item_ids`` or created within
        ``start``..``end`` (inclusive), one dict per row (the news collector's de-duplication
        against earlier runs)."""
        marks = ", ".join("?" for _ in item_ids)
        by_id = f"item_id IN ({marks}) OR " if item_ids else ""
        frame = self._frame(
            f"SELECT {_STORED_ITEM_COLUMNS} FROM items WHERE source = ? AND "
            f"({by_id}created_utc BETWEEN ? AND ?)",
            [source, *item_ids, start, end],
        )
        return frame.to_dict("records")

    def recent_post_ids(self, source: str, since: dt.datetime) -> list[str]:
        """Ids of ``source``'s stored posts created at or after ``since`` whose comment count is
        unknown or above zero, newest first (posts still young enough to gather comments)."""
        rows = self.con.execute(
            "SELECT item_id FROM items WHERE source = ? AND kind = 'post' AND created_utc >= ? "
            "AND coalesce(num_comments, 1) > 0 ORDER BY created_utc DESC",
            [source, since],
        ).fetchall()
        return [str(r[0]) for r in rows]


class ReadOnlyLookups:
    """What the pipeline hands a collector at run time: the :class:`StoredLookups` reads of an
    open store and nothing else, so a collector cannot write, run SQL or reach the connection
    even by ignoring its types (the store object itself would allow all three)."""

    __slots__ = ("_store",)

    def __init__(self, store: CollectorLookupsMixin) -> None:
        self._store = store

    def trends_responses(self, timeframe: str, geo: str) -> list[StoredTrendsResponse]:
        return self._store.trends_responses(timeframe, geo)

    def stored_items(
        self, source: str, item_ids: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        return self._store.stored_items(source, item_ids, start, end)

    def recent_post_ids(self, source: str, since: dt.datetime) -> list[str]:
        return self._store.recent_post_ids(source, since)


def _as_date(value: dt.date) -> dt.date:
    """A DATE column's value as a plain date (never a datetime, which compares unequal)."""
    return value.date() if isinstance(value, dt.datetime) else value
