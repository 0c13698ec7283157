"""The store's own crash checks: run-log rows of a dead run are marked 'interrupted', and
``integrity_problems`` reports a date cursor that points past its data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attention.store import Store
from collectors.core.records import CursorUpdate, PriceBar, Provenance

PROV = Provenance("test://store", "1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def _bar(day: int) -> PriceBar:
    return PriceBar("IWM", dt.date(2024, 1, day), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, "test", PROV)


def test_running_rows_of_a_dead_run_become_interrupted(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.start_run("dead", "prices", dt.date(2024, 1, 2))
        store.start_run("dead", "news", dt.date(2024, 1, 2))
        store.finish_run("dead", "news", "ok")
    with Store(tmp_path / "s.duckdb") as store:  # the next writer
        assert store.mark_interrupted_runs() == 1
        runs = store.query("SELECT source, status, error FROM runs ORDER BY source")
        assert runs["status"].tolist() == ["ok", "interrupted"]
        assert "killed or crashed" in runs["error"].iloc[1]
        assert store.mark_interrupted_runs() == 0


def test_cursor_ahead_of_its_data_is_an_integrity_problem(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write([_bar(2), _bar(3), CursorUpdate("prices", "IWM", "2024-01-03")])
        assert store.integrity_problems() == []
        # What a cursor committed without its rows would look like:
        store.write(
            [CursorUpdate("prices", "IWM", "2024-01-05"), CursorUpdate("prices", "SPY", "2024-01-05")]
        )
        problems = store.integrity_problems()
    assert len(problems) == 2 and all("cursors: prices/" in p for p in problems)
