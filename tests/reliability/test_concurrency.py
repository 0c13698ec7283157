"""Concurrency (issue 10, part 3): a second ``attention run`` while one is running exits at once
with a clear message and exit code 1; nothing is corrupted and the first run completes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from attention.errors import StoreLockedError
from attention.sandbox.server import Fault
from attention.sandbox.services import Sandbox
from attention.store import Store
from tests.reliability.conftest import RUN_DATE, Recorder
from tests.reliability.snapshots import Baselines, compare, snapshot
from tests.reliability.subproc import start_run, write_config


def _wait_for_lock(lock: Path, pid: int, child: Any) -> None:
    """Until the first run holds the store (its pid is in the lock file)."""
    for _ in range(600):
        if lock.exists() and lock.read_text().strip() == f"pid {pid}":
            return
        assert child.poll() is None, child.communicate()
        time.sleep(0.05)
    raise AssertionError("the first run never took the store lock")


def test_second_run_is_refused_while_the_first_runs(
    raw_small: dict[str, Any], sandbox: Sandbox, baselines: Baselines, tmp_path: Path, recorder: Recorder
) -> None:
    clean = baselines.get("feeds")
    path = tmp_path / "store.duckdb"
    config_path = write_config(raw_small, sandbox, path, tmp_path / "config.yaml")
    for server in sandbox.servers.values():  # keep the first run busy for a while
        server.faults.add(Fault("latency", seconds=0.1))
    first = start_run(config_path, RUN_DATE.isoformat())
    _wait_for_lock(path.with_name(path.name + ".lock"), first.pid, first)

    second = start_run(config_path, RUN_DATE.isoformat())
    _, err = second.communicate(timeout=120)
    still_running = first.poll() is None
    status = start_run(config_path, RUN_DATE.isoformat(), command="status")
    _, status_err = status.communicate(timeout=120)
    out, first_err = first.communicate(timeout=300)

    assert still_running, "the second run must be refused while the first is still running"
    assert second.returncode == 1, err
    assert "in use" in err and "another `attention run`" in err, err
    assert "Traceback" not in err
    # A reader during the run gets a clear refusal or an answer, never a traceback.
    assert status.returncode in (0, 1) and "Traceback" not in status_err, status_err
    assert first.returncode == 0, first_err
    with Store(path) as store:
        assert store.integrity_problems() == []
        sources = store.query("SELECT DISTINCT run_id FROM runs")
    assert len(sources) == 1, "the refused run must not have logged anything"
    after = compare(snapshot(path), clean)
    recorder.record(
        "concurrency",
        "second `attention run` while one runs",
        lost_rows=after.lost,
        detail=f"second run: exit {second.returncode}, first run: exit {first.returncode}",
    )
    assert after.equal, after.details


def test_store_lock_in_process(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store(path):
        with pytest.raises(StoreLockedError, match="in use"):
            Store(path)
    with Store(path) as again:  # released on close
        assert again.integrity_problems() == []
