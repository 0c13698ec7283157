"""Kept sentiment workers never outlive a killed parent, and never hold its store lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from attention.store import Store

CHILD = r"""
import os, signal, sys
from attention.sentiment.scorer import SentimentScorer
from attention.sentiment import workers as sentiment_workers
from attention.store import Store

store = Store(sys.argv[1])  # holds the lock, as `attention run` does while it scores
SentimentScorer("vader").score(["stocks rally", "stocks slump"] * 15_000, processes=2)
print(" ".join(map(str, sentiment_workers._executor._processes)), flush=True)
os.kill(os.getpid(), getattr(signal, sys.argv[2]))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for init to reap it is gone for our purposes
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def _kill_parent_and_watch_workers(tmp_path: Path, sig: str) -> None:
    path, out = tmp_path / "s.duckdb", tmp_path / "out.txt"
    # Output to a file, not a pipe: an orphaned worker would hold a pipe open and hang the test.
    with out.open("w") as handle:
        code = subprocess.call(
            [sys.executable, "-c", CHILD, str(path), sig],
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
    assert code == -getattr(signal, sig), out.read_text()[-2000:]
    workers = [int(p) for p in out.read_text().split()]
    assert len(workers) == 2
    # The lock is free at once: the workers closed their inherited copies when forked.
    with Store(path) as store:
        assert store.integrity_problems() == []
    deadline = time.monotonic() + 30  # they check on their parent every second
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(_alive, workers)), f"orphaned sentiment workers {workers}"


def test_workers_exit_after_their_parent_is_killed(tmp_path: Path) -> None:
    _kill_parent_and_watch_workers(tmp_path, "SIGKILL")


def test_workers_exit_after_a_sigterm_skips_atexit(tmp_path: Path) -> None:
    _kill_parent_and_watch_workers(tmp_path, "SIGTERM")
