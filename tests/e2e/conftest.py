from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from attention.config import Config, validate_config
from attention.sandbox.services import Sandbox, apply_overrides
from attention.sandbox.world import World

REPO = Path(__file__).resolve().parents[2]
WORLD_START, WORLD_END = dt.date(2024, 1, 1), dt.date(2024, 4, 30)


@pytest.fixture
def raw_config() -> dict[str, Any]:
    return yaml.safe_load((REPO / "config.yaml").read_text())


@pytest.fixture
def world(raw_config: dict[str, Any]) -> World:
    return World(validate_config(raw_config), WORLD_START, WORLD_END, seed=7)


@pytest.fixture
def sandbox_config(
    raw_config: dict[str, Any], tmp_path: Path
) -> Iterator[Callable[..., tuple[Config, Sandbox]]]:
    """Start replicas; returns make(world, names, **overrides) -> (config pointing at them, sandbox)."""
    started: list[Sandbox] = []

    def make(world: World, names: list[str], **extra: Any) -> tuple[Config, Sandbox]:
        sandbox = Sandbox(world, names).start()
        started.append(sandbox)
        overrides = {
            "store.path": str(tmp_path / "attention.duckdb"),
            "analysis.history_start": WORLD_START.isoformat(),
            **sandbox.config_overrides(),
        }
        overrides.update(extra)
        return validate_config(apply_overrides(raw_config, overrides)), sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


RUN_END = dt.date(2024, 4, 30)


@pytest.fixture
def run_config(
    raw_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, Config, World]]:
    """A config file for `attention run` against the Yahoo replica (2024-01..RUN_END), with the
    store, exports and report in tmp_path: yields (config path, config, world)."""
    world = World(validate_config(raw_config), dt.date(2024, 1, 1), RUN_END, seed=7)
    with Sandbox(world, ["yahoo"]) as sandbox:
        overrides = {
            "store.path": str(tmp_path / "s.duckdb"),
            "outputs.export_dir": str(tmp_path / "exports"),
            "outputs.report_dir": str(tmp_path / "report"),
            "analysis.history_start": "2024-01-01",
            **sandbox.config_overrides(),
        }
        raw = apply_overrides(raw_config, overrides)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(raw))
        monkeypatch.chdir(tmp_path)
        yield path, validate_config(raw), world


def run_demo(out: Path, days: int, end: str) -> subprocess.CompletedProcess[str]:
    """`attention demo --out OUT --days DAYS --end END` in its own process, as a user runs it."""
    command = [sys.executable, "-c", "from attention.cli import app; app()", "demo"]
    return subprocess.run(
        [*command, "--out", str(out), "--days", str(days), "--end", end],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
