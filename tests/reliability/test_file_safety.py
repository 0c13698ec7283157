"""Symlinks and file safety (issue 21, security): planted symlinks are never written through, a
symlinked store path is one store, local Dask clusters listen on loopback only, and the store's
DuckDB connection never installs or loads an extension."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from attention.config import Config, Secrets, load_config
from attention.errors import StoreError, StoreLockedError
from attention.imports.reddit_dump import store_author_policy
from attention.store import Store
from tests.reliability.conftest import Recorder

REPO = Path(__file__).resolve().parents[2]
CATEGORY = "symlinks and file safety"
PRECIOUS = "precious data that must survive\n"


@pytest.fixture(autouse=True)
def _no_env_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTENTION_AUTHOR_SALT", raising=False)


def _target(tmp_path: Path) -> Path:
    target = tmp_path / "elsewhere" / "victim.txt"
    target.parent.mkdir()
    target.write_text(PRECIOUS)
    return target


def test_a_symlink_at_the_lock_is_not_followed(tmp_path: Path, recorder: Recorder) -> None:
    """A symlink planted at `<store>.lock` had its target truncated and rewritten ("pid N")."""
    target = _target(tmp_path)
    (tmp_path / "s.duckdb.lock").symlink_to(target)
    with pytest.raises(StoreError, match="is a symlink"):
        Store(tmp_path / "s.duckdb")
    assert target.read_text() == PRECIOUS
    recorder.record(CATEGORY, "symlink planted at `<store>.lock`", detail="refused, target untouched")


def test_a_symlink_at_the_reports_temporary_file_is_not_followed(tmp_path: Path, recorder: Recorder) -> None:
    """A symlink planted at the report's temporary name had its target overwritten."""
    from attention.daily.outputs import write_report

    config = load_config(REPO / "config.yaml", environ={})
    target = _target(tmp_path)
    Store(tmp_path / "s.duckdb").close()
    out = tmp_path / "report"
    out.mkdir()
    (out / ".attention-report-2025-01-03.html.tmp").symlink_to(target)
    result = write_report(config, as_of=dt.date(2025, 1, 3), out_dir=out, store_path=tmp_path / "s.duckdb")
    assert target.read_text() == PRECIOUS
    assert not result.path.is_symlink() and "<html" in result.path.read_text(encoding="utf-8")
    recorder.record(CATEGORY, "symlink planted at the report's temporary file", detail="target untouched")


def test_a_symlinked_store_path_is_one_store(tmp_path: Path, recorder: Recorder) -> None:
    """Through a store path and a symlink to it, one author got different hashes in one store
    (two salt files), and the two paths took two different locks."""
    config: Config = load_config(REPO / "config.yaml", environ={})
    real = tmp_path / "data" / "attention.duckdb"
    real.parent.mkdir()
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    Store(real).close()
    hashes = {
        store_author_policy(config, path, Secrets()).apply("SomeRedditor") for path in (real, link, real)
    }
    assert len(hashes) == 1
    assert Secrets().for_store(link).author_salt == Secrets().for_store(real).author_salt
    with Store(real), pytest.raises(StoreLockedError):
        Store(link)
    recorder.record(CATEGORY, "one store through its path and a symlink: salt and lock")


def test_local_dask_cluster_listens_on_loopback_only(recorder: Recorder) -> None:
    """`attention backfill` started the Dask dashboard on all interfaces (0.0.0.0) while it
    printed a 127.0.0.1 address."""
    from attention.backfill.cluster import dask_client

    with dask_client(workers=1, memory_limit="1GiB", dashboard=True) as client:
        scheduler = client.cluster.scheduler
        http = [s.getsockname()[0] for s in scheduler.http_server._sockets.values()]
        addresses = [scheduler.address, *client.scheduler_info()["workers"]]
    assert http and all(host == "127.0.0.1" for host in http), http
    assert all(address.startswith("tcp://127.0.0.1:") for address in addresses), addresses
    recorder.record(CATEGORY, "local Dask cluster: scheduler, workers and dashboard addresses")


def test_a_sqlite_file_as_the_store_loads_no_extension(tmp_path: Path, recorder: Recorder) -> None:
    """A SQLite file given as the store made DuckDB try to download its sqlite extension over
    plain HTTP. Now it is refused by its header, and the store's connection has extension
    auto-install and auto-load switched off."""
    import sqlite3

    path = tmp_path / "not-a-store.db"
    with sqlite3.connect(path) as sqlite:
        sqlite.execute("CREATE TABLE t (a)")
    with pytest.raises(StoreError, match="SQLite database"):
        Store(path)
    with Store(tmp_path / "s.duckdb") as store:
        settings = store.query(
            "SELECT current_setting('autoinstall_known_extensions') AS install, "
            "current_setting('autoload_known_extensions') AS load"
        )
    assert not settings["install"].item() and not settings["load"].item()
    recorder.record(CATEGORY, "a SQLite file given as the store", detail="refused, no extension fetched")


def test_lock_and_salt_files_are_private(tmp_path: Path) -> None:
    Store(tmp_path / "s.duckdb").close()
    Secrets().for_store(tmp_path / "s.duckdb")
    for name in ("s.duckdb.lock", "s.duckdb.author-salt"):
        assert os.stat(tmp_path / name).st_mode & 0o077 == 0, name
