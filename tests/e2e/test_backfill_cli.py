"""`attention backfill ...` end to end: a local cluster, the store, exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.backfill import cluster as backfill_cluster
from attention.cli import app
from attention.sandbox.dump_archive import generate_reddit_archive
from attention.store import Store

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _invoke(*args: str) -> object:
    return runner.invoke(app, ["backfill", *args, "--config", str(REPO / "config.yaml")])


def test_reddit_dump_backfill_then_rerun_does_nothing(tmp_path: Path) -> None:
    archive = generate_reddit_archive(
        tmp_path / "RC.zst",
        4000,
        fmt="frames",
        frame_lines=400,
        texts=["NVDA calls", "small caps rally", "lunch time"],
    )
    store = tmp_path / "s.duckdb"
    first = _invoke(
        "reddit-dump", str(archive.path), "--store", str(store), "--workers", "2", "--partition-mb", "1"
    )
    assert first.exit_code == 0, first.output
    assert "backfilled 1 file(s)" in first.output and "on 2 worker(s)" in first.output
    # quiet without -v when not at a terminal (a cron log): the summary line only, no Dask
    # dashboard link, no Dask INFO lines
    assert [line for line in first.output.splitlines() if line.strip()] == [
        line for line in first.output.splitlines() if line.startswith("backfilled ")
    ]
    with Store(store, read_only=True) as db:
        items, daily = db.count("items"), db.count("theme_daily")
    assert items > 1000 and daily > 100
    again = _invoke("reddit-dump", str(archive.path), "--store", str(store), "--workers", "1")
    assert again.exit_code == 0, again.output
    assert "0 new rows" in again.output and "1 whole file(s)" in again.output


def test_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = _invoke(
        "reddit-dump", str(tmp_path / "nope.zst"), "--store", str(tmp_path / "s.duckdb"), "--workers", "1"
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"attention: file(s) not found: {tmp_path / 'nope.zst'}; check the paths"]


def test_not_ndjson_is_a_clear_fatal_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not a dump\n" * 10)
    result = _invoke(
        "reddit-dump", str(bad), "--store", str(tmp_path / "s.duckdb"), "--workers", "1", "--retries", "0"
    )
    assert result.exit_code == 1
    assert "not an NDJSON archive" in result.output


def test_a_running_cluster_is_used_when_a_scheduler_address_is_given(tmp_path: Path) -> None:
    from distributed import LocalCluster

    archive = generate_reddit_archive(
        tmp_path / "RC.ndjson", 2000, fmt="plain", texts=["NVDA calls", "IWM puts"]
    )
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = _invoke(
            "reddit-dump",
            str(archive.path),
            "--store",
            str(tmp_path / "s.duckdb"),
            "--scheduler",
            cluster.scheduler_address,
        )
        assert result.exit_code == 0, result.output
        assert "on 1 worker(s)" in result.output
        assert "backfill-partition" in cluster.scheduler.task_prefixes  # ran there


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Dask keeps retrying a refused connection until the timeout: the same error, sooner.
    monkeypatch.setattr(backfill_cluster, "SCHEDULER_TIMEOUT", "2s")
    archive = generate_reddit_archive(tmp_path / "RC.ndjson", 10, fmt="plain", texts=["NVDA"])
    result = _invoke(
        "reddit-dump",
        str(archive.path),
        "--store",
        str(tmp_path / "s.duckdb"),
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
