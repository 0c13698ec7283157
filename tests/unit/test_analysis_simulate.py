"""The simulator: shapes, scales, seeding, and that the planted links are really there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attention.analysis.simulate import LoopParams, simulate_loop


def test_shapes_columns_and_index() -> None:
    weekly = simulate_loop(156, seed=3, freq="W", start="2022-01-01")
    assert list(weekly.columns) == ["attention", "flow", "excess_return", "benchmark_return", "theme_return"]
    assert len(weekly) == 156
    assert (weekly.index.day_of_week == 4).all()  # week-ending Fridays
    daily = simulate_loop(300, seed=3, freq="D")
    assert (daily.index.day_of_week < 5).all()
    assert daily.attrs["freq"] == "D" and daily.attrs["seed"] == 3


def test_scales_are_realistic() -> None:
    world = simulate_loop(2000, seed=5, freq="W")
    assert (world["attention"] > 0).all()
    assert 10 < world["attention"].median() < 60
    assert 0.01 < world["excess_return"].std() < 0.05
    parts = world["benchmark_return"] + world["excess_return"]
    assert (world["theme_return"] - parts).abs().max() < 1e-12


def test_seeded_and_reproducible() -> None:
    a = simulate_loop(100, seed=7)
    b = simulate_loop(100, seed=7)
    c = simulate_loop(100, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["flow"], c["flow"])


def _lagged_corr(world: pd.DataFrame, causing: str, caused: str, lag: int) -> float:
    x = np.log(world["attention"]) if causing == "attention" else world[causing]
    y = np.log(world["attention"]) if caused == "attention" else world[caused]
    return float(np.corrcoef(x.shift(lag).iloc[lag:], y.iloc[lag:])[0, 1])


def test_planted_links_show_up_and_null_has_none() -> None:
    planted = simulate_loop(5000, LoopParams.planted(), seed=11)
    null = simulate_loop(5000, LoopParams.null(), seed=11)
    assert _lagged_corr(planted, "attention", "flow", 1) > 0.3
    assert _lagged_corr(planted, "flow", "excess_return", 1) > 0.2
    assert abs(_lagged_corr(null, "attention", "flow", 1)) < 0.05
    assert abs(_lagged_corr(null, "flow", "excess_return", 1)) < 0.05
    assert abs(_lagged_corr(null, "excess_return", "attention", 1)) < 0.05


def test_links_list_and_validation() -> None:
    assert LoopParams.null().links() == []
    links = LoopParams.planted(lag_attention_flow=2).links()
    assert ("attention", "flow", 2) in links and ("attention", "excess_return", 3) in links
    with pytest.raises(ValueError):
        LoopParams(lag_flow_return=0)
    with pytest.raises(ValueError):
        LoopParams(attention_persistence=1.0)
    with pytest.raises(ValueError):
        simulate_loop(10, freq="M")  # type: ignore[arg-type]
