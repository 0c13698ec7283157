"""The run log: one row per run and source (``runs``), opened, finished and read back.

Asked by the daily flow (:mod:`attention.daily.collect`) and by ``attention status``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from attention.store.core import StoreCore
from collectors.core.records import utcnow


class RunLogMixin(StoreCore):
    """Writes and reads of the ``runs`` table."""

    def start_run(self, run_id: str, source: str, run_date: dt.date) -> None:
        """Log that ``source`` started in run ``run_id`` (status 'running')."""
        with self.transaction():
            self.con.execute(
                "INSERT OR REPLACE INTO runs (run_id, source, run_date, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                [run_id, source, run_date, utcnow()],
            )

    def mark_interrupted_runs(self, reason: str | None = None) -> int:
        """Run-log rows still 'running' belong to a run that died (killed, power loss): this
        writer holds the store's exclusive lock, so no other run is alive. Mark them
        'interrupted' so `attention status` tells the truth. Returns how many.

        ``reason`` replaces the default explanation (a run stopped by a signal says so)."""
        with self.transaction():
            rows = self.con.execute(
                "UPDATE runs SET status = 'interrupted', error = ? WHERE status = 'running' RETURNING run_id",
                [
                    reason
                    or "the run stopped before this source finished (killed or "
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
        """Log how ``source`` ended in run ``run_id``."""
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
        """The newest ``limit`` run-log rows, newest first."""
        return self._frame(
            "SELECT run_id, source, run_date, status, records, requests, mode, error, started_at, "
            "finished_at FROM runs ORDER BY started_at DESC LIMIT ?",
            [limit],
        )
