"""Store reads for people-facing summaries: what `attention status` shows (date ranges per
source and theme, the last run of each source), the items behind `attention rank`, and the
lock holder, so a status taken during a run can say so.

A mixin of :class:`attention.store.Store` (see :mod:`attention.store.api`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from attention.store.core import StoreCore

# The date range of each collected table beside items: (label, table, statement); "series"
# counts what one row is about (tickers, search terms, themes).
_COVERAGE = (
    (
        "prices",
        "prices",
        "SELECT min(date), max(date), count(*), count(DISTINCT ticker) FROM prices",
    ),
    ("flows", "flows", "SELECT min(date), max(date), count(*), count(DISTINCT ticker) FROM flows"),
    (
        "search interest",
        "search_series",
        "SELECT min(date), max(date), count(*), count(DISTINCT term) FROM search_series",
    ),
    (
        "news volume",
        "news_volume",
        "SELECT min(date), max(date), count(*), count(DISTINCT theme) FROM news_volume",
    ),
)


@dataclass(frozen=True)
class RunningWriter:
    """The process holding a store's write lock, and since when (the lock file's time)."""

    holder: str
    since: dt.datetime


def running_writer(store_path: str | Path) -> RunningWriter | None:
    """Who holds the store's write lock right now, or None when no writer runs.

    Takes a shared lock for an instant (never blocks, never keeps it): it fails only while a
    writer holds the exclusive one."""
    lock_path = Path(store_path).with_name(Path(store_path).name + ".lock")
    if not lock_path.exists():
        return None
    with open(lock_path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            since = dt.datetime.fromtimestamp(lock_path.stat().st_mtime, dt.UTC)
            return RunningWriter(handle.read().strip() or "another process", since)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class PeopleReadsMixin(StoreCore):
    """Coverage and last runs for `attention status`; items in a window for rankings."""

    def source_coverage(self) -> pd.DataFrame:
        """Per source: first and last day of data, rows, and how many series (tickers, terms)."""
        tables = set(self.tables())
        rows = [
            tuple(row)
            for row in self.con.execute(
                "SELECT source, CAST(min(created_utc) AS DATE), CAST(max(created_utc) AS DATE), "
                "count(*), count(DISTINCT coalesce(container, outlet)) FROM items "
                "GROUP BY source ORDER BY source"
            ).fetchall()
        ]
        for label, table, statement in _COVERAGE:
            if table in tables:
                first, last, count, series = self.con.execute(statement).fetchall()[0]
                if count:
                    rows.append((label, first, last, count, series))
        return pd.DataFrame(rows, columns=["source", "first", "last", "rows", "series"])

    def theme_coverage(self) -> pd.DataFrame:
        """Per theme and source: first and last day of matched items, and how many."""
        return self._frame(
            "SELECT theme, source, CAST(min(created_utc) AS DATE) AS first, "
            "CAST(max(created_utc) AS DATE) AS last, count(*) AS items "
            "FROM (SELECT unnest(themes) AS theme, source, created_utc FROM items) "
            "GROUP BY theme, source ORDER BY theme, source"
        )

    def last_run_of_each_source(self) -> pd.DataFrame:
        """The newest run-log row of every source."""
        return self._frame(
            "SELECT source, run_date, started_at, finished_at, status, records, requests, error "
            "FROM runs QUALIFY row_number() OVER (PARTITION BY source ORDER BY started_at DESC) = 1 "
            "ORDER BY source"
        )

    def theme_items_between(self, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Every theme-matched item created in [start, end): what a ranking counts."""
        return self._frame(
            "SELECT source, item_id, kind, created_utc, title, body, url, author, container, outlet, "
            "score, num_comments, themes, theme_weights, compound FROM items "
            "WHERE created_utc >= ? AND created_utc < ? AND len(themes) > 0",
            [start, end],
        )

    def latest_item_time(self) -> dt.datetime | None:
        """When the newest stored item was created (None for a store without items)."""
        return self._scalar("SELECT max(created_utc) FROM items")

    def latest_theme_item_time(self, before: dt.datetime | None = None) -> dt.datetime | None:
        """When the newest theme-matched item (created before ``before``, when given) was
        created: where a ranking's windows end (None: no such item)."""
        return self._scalar(
            "SELECT max(created_utc) FROM items WHERE len(themes) > 0 "
            "AND (?::TIMESTAMPTZ IS NULL OR created_utc < ?::TIMESTAMPTZ)",
            [before, before],
        )
