"""Per theme and day aggregates (the ``theme_daily`` table) for the days a backfill touched.

Aggregates are recomputed from the stored items (:func:`attention.derive.aggregate.theme_daily`), not
summed from per-partition partials: an item that appears in two partitions or files, or in a
partition committed by an earlier run, is stored once, and only the store knows that. The
recomputation reads one month of items at a time, so client memory stays bounded.

Which days need it is itself crash-safe: every partition commit widens a "pending" day range in
the cursors table in the same transaction as its rows; the range is cleared only after the
aggregates are rewritten, so an interrupted run's days are refreshed by the next run.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from attention.derive.aggregate import OUTPUT, theme_daily, utc_day
from attention.store import Store
from collectors.core.records import CursorUpdate, utcnow

KEY = ("theme", "day", "source")
PENDING_KEY = "theme_daily_pending"
SPAN_DAYS = 31


def day_range(rows: pd.DataFrame) -> tuple[str, str] | None:
    """(first, last) UTC day of the rows' ``created_utc`` as ISO strings, None when empty."""
    if rows.empty:
        return None
    days = utc_day(rows["created_utc"])
    return min(days).isoformat(), max(days).isoformat()


def widen(pending: tuple[str, str] | None, days: tuple[str, str] | None) -> tuple[str, str] | None:
    if days is None:
        return pending
    if pending is None:
        return days
    return min(pending[0], days[0]), max(pending[1], days[1])


def pending_cursor(source: str, pending: tuple[str, str] | None) -> CursorUpdate:
    value = json.dumps({"first": pending[0], "last": pending[1]} if pending else {})
    return CursorUpdate(source, PENDING_KEY, value)


def load_pending(store: Store, source: str) -> tuple[str, str] | None:
    raw = json.loads(store.cursors(source).get(PENDING_KEY) or "{}")
    return (raw["first"], raw["last"]) if raw.get("first") else None


def refresh_theme_daily(store: Store, first: dt.date, last: dt.date, span_days: int = SPAN_DAYS) -> int:
    """Rewrite ``theme_daily`` for the UTC days ``first``..``last`` from the items table, one
    transaction per span. Returns the number of rows written."""
    written, start = 0, first
    while start <= last:
        end = min(last, start + dt.timedelta(days=span_days - 1))
        lo = dt.datetime.combine(start, dt.time(), dt.UTC)
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
        daily = theme_daily(store.theme_items(lo, hi), utc_day, by_source=True)[list(KEY) + OUTPUT]
        daily["computed_at"] = utcnow()
        written += store.replace_theme_daily(start, end, daily)
        start = end + dt.timedelta(days=1)
    return written
