"""Environment faults (issue 21): a full disk in import, export and report; a read-only store
folder; ``--out`` naming a file; a truncated store; a store from a newer schema; dates out of
range; a different file at a resumed dump's path. Each is one line and an exit code, never a
traceback, and the store is as it was."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.config import load_config
from attention.errors import StoreError
from attention.imports.reddit_dump import import_dumps
from attention.store import Store
from collectors.core.records import CursorUpdate, PriceBar, Provenance, TextItem
from collectors.reddit.items import AuthorPolicy
from tests.reliability.conftest import Recorder
from tests.reliability.subproc import child_env

REPO = Path(__file__).resolve().parents[2]
CATEGORY = "environment faults"
runner = CliRunner()
PROV = Provenance("test://seed", "1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def _seeded_store(path: Path, days: int = 40) -> dict[str, int]:
    bars = [
        PriceBar("IWM", dt.date(2024, 1, 1) + dt.timedelta(days=n), 1, 1, 1, 1, 1, 1, "test", PROV)
        for n in range(days)
    ]
    with Store(path) as store:
        store.write([*bars, CursorUpdate("prices", "IWM", bars[-1].date.isoformat())])
        return {t: store.count(t) for t in store.tables()}


def _counts(path: Path) -> dict[str, int]:
    with Store(path, read_only=True) as store:
        assert store.integrity_problems() == []
        return {t: store.count(t) for t in store.tables()}


def _one_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("attention: "), stderr
    assert "Traceback" not in stderr


# -- a full disk ------------------------------------------------------------------------------------
def _full_disk(limit: int) -> None:
    """In the child: every write past ``limit`` bytes fails (EFBIG), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def _cli_on_full_disk(args: list[str], cwd: Path, limit: int = 2048) -> subprocess.CompletedProcess[str]:
    code = "from attention.cli import app; app(prog_name='attention')"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: _full_disk(limit),
        check=False,
    )


@pytest.mark.parametrize("command", ["import", "export", "report"])
def test_a_full_disk_is_one_line(command: str, tmp_path: Path, recorder: Recorder) -> None:
    """A full disk in import, export and report once ended in a traceback."""
    store = tmp_path / "s.duckdb"
    before = _seeded_store(store)
    flows = tmp_path / "flows.csv"
    rows = [f"2024-01-{d:02d},IWM,{d * 1000}" for d in range(1, 29)]
    flows.write_text("date,ticker,flow_usd\n" + "\n".join(rows) + "\n")
    args = {
        "import": ["import", "flows-csv", str(flows)],
        "export": ["export", "--out", str(tmp_path / "exports")],
        "report": ["report", "--out", str(tmp_path / "report"), "--date", "2024-02-01"],
    }[command]
    done = _cli_on_full_disk([*args, "--config", str(REPO / "config.yaml"), "--store", str(store)], tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    _one_line(done.stderr)
    assert _counts(store) == before
    recorder.record(
        CATEGORY, f"disk full during `attention {command}`", detail="exit 1, one line, store intact"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; run as a user to check")
def test_a_read_only_store_folder_is_one_line(tmp_path: Path, recorder: Recorder) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = runner.invoke(app, ["status", "--store", str(folder / "s.duckdb")])
        result = runner.invoke(
            app, ["import", "flows-csv", str(tmp_path / "none.csv"), "--store", str(folder / "s.duckdb")]
        )
        assert result.exit_code == 1 and "Traceback" not in result.output
    finally:
        folder.chmod(0o755)
    recorder.record(CATEGORY, "a read-only store folder")


# -- the store file -----------------------------------------------------------------------------------
def test_a_truncated_store_is_refused_at_open(tmp_path: Path, recorder: Recorder) -> None:
    """A truncated store was accepted by `status` and imports, then failed in export with
    "Corrupt database file"."""
    store = tmp_path / "s.duckdb"
    _seeded_store(store, days=3000)
    size = store.stat().st_size
    with open(store, "r+b") as handle:
        handle.truncate(size - 100_000)
    for read_only in (True, False):
        with pytest.raises(StoreError, match="truncated"):
            Store(store, read_only=read_only)
    result = runner.invoke(app, ["status", "--store", str(store)])
    assert result.exit_code == 1 and "truncated" in result.stderr
    _one_line(result.stderr)
    assert store.stat().st_size == size - 100_000  # nothing written to it
    recorder.record(CATEGORY, "a truncated store file", detail="refused at open by status and imports")


def test_a_store_from_a_newer_schema_is_refused(tmp_path: Path, recorder: Recorder) -> None:
    """A store written by a newer attention was opened and written without a warning."""
    store = tmp_path / "s.duckdb"
    before = _seeded_store(store)
    with Store(store) as db:
        db.query("INSERT INTO schema_migrations VALUES ('zzz_9999_from_the_future', now())")
    for read_only in (True, False):
        with pytest.raises(StoreError, match=r"newer than this attention's version \d+; upgrade attention"):
            Store(store, read_only=read_only)
    result = runner.invoke(app, ["status", "--store", str(store)])
    assert result.exit_code == 1 and "schema version" in result.stderr
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM prices").fetchone() == (before["prices"],)
    finally:
        con.close()
    recorder.record(CATEGORY, "a store from a newer schema version", detail="refused, says which version")


# -- command line ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1969-12-31"])
@pytest.mark.parametrize("command", ["run", "report", "context"])
def test_dates_out_of_range_are_usage_errors(
    command: str, date: str, tmp_path: Path, recorder: Recorder
) -> None:
    """`--date 0001-01-01` and `9999-12-31` ended in OverflowError tracebacks (report) or ran."""
    store = tmp_path / "s.duckdb"
    _seeded_store(store)
    option = "--asof" if command == "context" else "--date"
    result = runner.invoke(app, [command, option, date, "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"attention: {option} {date}: ")
    _one_line(result.stderr)
    recorder.record(CATEGORY, f"`attention {command} {option}` out of range", detail="exit 2, one message")


@pytest.mark.parametrize("command", ["export", "report"])
def test_out_naming_a_file_is_a_usage_error(command: str, tmp_path: Path, recorder: Recorder) -> None:
    store = tmp_path / "s.duckdb"
    _seeded_store(store)
    existing = tmp_path / "notes.txt"
    existing.write_text("mine\n")
    result = runner.invoke(app, [command, "--out", str(existing), "--store", str(store)])
    assert result.exit_code == 2 and "is a file" in result.stderr, result.output
    _one_line(result.stderr)
    assert existing.read_text() == "mine\n"
    recorder.record(CATEGORY, f"`attention {command} --out` naming an existing file", detail="exit 2")


# -- resuming a dump import ----------------------------------------------------------------------------------
def _dump(path: Path, prefix: str) -> None:
    lines = [
        json.dumps(
            {
                "id": f"{prefix}{n:03d}",
                "title": f"AI stocks: Nvidia {prefix} {n:03d}",
                "subreddit": "stocks",
                "created_utc": 1_700_000_000 + n,
                "author": "someone",
            }
        )
        for n in range(50)
    ]
    path.write_text("\n".join(lines) + "\n")


def test_a_different_file_at_an_imported_path_is_imported(tmp_path: Path, recorder: Recorder) -> None:
    """The resume check compared path and size only: a different dump with the same path and
    size was skipped as "already imported"."""
    config = load_config(REPO / "config.yaml", environ={})
    dump = tmp_path / "RS_2024-01.ndjson"

    def keep(items: list[TextItem]) -> list[TextItem]:
        import dataclasses

        return [dataclasses.replace(i, themes=("ai_stocks",)) for i in items]

    authors = AuthorPolicy("s", False)
    with Store(tmp_path / "s.duckdb") as store:
        _dump(dump, "a")
        import_dumps([dump], config, store, annotate=keep, authors=authors)
        size = dump.stat().st_size
        _dump(dump, "b")  # same length, other items
        assert dump.stat().st_size == size
        second = import_dumps([dump], config, store, annotate=keep, authors=authors)
        assert second.already_done == [] and store.count("items") == 100
        third = import_dumps([dump], config, store, annotate=keep, authors=authors)
        assert third.already_done == [str(dump)]
    recorder.record(
        CATEGORY, "a different dump at an imported path, same size", detail="imported, not skipped"
    )
