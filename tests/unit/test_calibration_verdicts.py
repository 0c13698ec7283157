"""Small seeded versions of the calibration rows of benchmarks/analysis_calibration.py (the
benchmark runs 300 worlds; these 12 per world type keep CI short)."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "calibration", REPO / "benchmarks" / "analysis_calibration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_echo_and_break_worlds_are_judged_as_the_issue_asks() -> None:
    bench = _benchmark()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        echo = bench._echo_world(12, 260, 30_000, 0.05)
        broken = bench._break_world(12, 260, 40_000, 0.05)
    assert echo["adds_nothing_rate"] >= 11 / 12
    assert broken["flagged_rate"] >= 0.75 and broken["links_per_world"] == 3
