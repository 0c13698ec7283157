"""What a collector may ask about data already stored: a small typed, read-only interface.

Collectors never see the store or SQL (DESIGN.md 2, 4.3). The few questions they ask about
earlier runs (is this Trends request cached? which headlines are stored already? which posts
are still young?) are the methods of :class:`StoredLookups`. The store implements it
(:mod:`attention.store.lookups`); the pipeline hands it over as ``CollectContext.lookups``, which
is None when a collector runs without a store (then every collector fetches as if nothing were
stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredTrendsResponse:
    """One raw Google Trends response kept in the store (table ``trends_requests``)."""

    request_id: str
    terms: tuple[str, ...]  # the terms sent, in request order
    fetched_on: dt.date
    raw: str  # the response body as received ("" if none was kept)
    granularity: str | None  # as recorded in the request's provenance, if it was


class StoredLookups(Protocol):
    """Read-only questions a collector may ask about stored data."""

    def trends_responses(self, timeframe: str, geo: str) -> list[StoredTrendsResponse]:
        """Stored raw Trends responses for ``timeframe`` and ``geo``, newest fetch first."""
        ...

    def stored_items(
        self, source: str, item_ids: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        """Stored items of ``source`` with one of ``item_ids`` or created within
        ``start``..``end`` (inclusive), as rows: ``item_id, kind, created_utc, title, body, url,
        container, outlet, feeds, flags, scoreable, provenance`` (JSON text)."""
        ...

    def recent_post_ids(self, source: str, since: dt.datetime) -> list[str]:
        """Ids of ``source``'s stored posts created at or after ``since`` that have (or may
        have) comments, newest first."""
        ...
