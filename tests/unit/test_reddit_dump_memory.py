"""Dump import memory: peak RSS of an import (measured in a child process) stays bounded and
does not grow with the file. The slow variant imports a dump of several hundred MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attention.sandbox.reddit_dumps import DumpSpec, write_dump

REPO = Path(__file__).resolve().parents[2]
CAP_MB = 500
CHILD = """
import json, resource, sys, yaml
from attention.config import validate_config
from attention.imports.reddit_dump import import_dumps
from attention.store import Store
config = validate_config(yaml.safe_load(open(sys.argv[1]).read()))
with Store(sys.argv[3]) as store:
    result = import_dumps([sys.argv[2]], config, store)
    rows = store.count("items")
# VmHWM is this program's own peak: ru_maxrss also keeps the RSS of the forked copy of the test
# process from before exec (a pytest worker that grew to 575 MB failed the cap on its own size).
try:
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0]) / 1024
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_mb": peak, "lines": result.lines, "kept": result.kept, "rows": rows}))
"""


def _import_in_child(dump: Path, store: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO / "config.yaml"), str(dump), str(store)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _lines_for(megabytes: int) -> int:
    return megabytes * 2**20 // 600  # the writer's lines average about 600 bytes


def test_small_import_stays_under_the_cap(tmp_path: Path) -> None:
    stats = write_dump(tmp_path / "small.zst", DumpSpec(20_000, wanted_share=0.1, seed=8))
    figures = _import_in_child(tmp_path / "small.zst", tmp_path / "s.duckdb")
    assert figures["lines"] == stats.lines and figures["rows"] == figures["kept"] > 0
    assert figures["peak_mb"] < CAP_MB


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_dump(tmp_path: Path) -> None:
    big_mb = int(os.environ.get("ATTENTION_REDDIT_DUMP_MB", "600"))
    small = write_dump(tmp_path / "small.zst", DumpSpec(_lines_for(big_mb // 8), wanted_share=0.05, seed=9))
    big = write_dump(tmp_path / "big.zst", DumpSpec(_lines_for(big_mb), wanted_share=0.05, seed=10))
    assert big.bytes_uncompressed > 8 * 2**20 * big_mb // 10  # really several hundred MB
    small_run = _import_in_child(tmp_path / "small.zst", tmp_path / "small.duckdb")
    big_run = _import_in_child(tmp_path / "big.zst", tmp_path / "big.duckdb")
    assert small_run["lines"] == small.lines
    assert big_run["lines"] == big.lines and big_run["rows"] == big_run["kept"] > 0
    assert big_run["peak_mb"] < CAP_MB
    # Eight times the data, about the same memory. What grows a little is the store's own
    # buffer (eight times as many kept rows); the reader and the batches do not grow.
    assert big_run["peak_mb"] - small_run["peak_mb"] < 80, (small_run, big_run)
