"""Circular-shift nulls for the Granger and cross-correlation statistics (seeded worlds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attention.analysis.feedback import feedback_tests
from attention.analysis.granger import granger_test, lag_matrix
from attention.analysis.nulls import (
    MIN_SHIFT,
    _shifts,
    f_statistic,
    granger_shift_pvalue,
    peak_abs_corr,
    shift_pvalue,
    xcorr_shift_pvalue,
)
from attention.analysis.simulate import LoopParams, simulate_loop


def _pair(n: int, seed: int, lead: float, garch: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.8 * x[t - 1] + rng.normal()  # persistent, like search
    scale = np.ones(n)
    if garch:  # volatility clusters of y's own (independent of x): heteroskedastic errors
        v = np.zeros(n)
        for t in range(1, n):
            v[t] = 0.95 * v[t - 1] + 0.3 * rng.normal()
        scale = np.exp(v)
    y = np.zeros(n)
    y[1:] = lead * x[:-1] + scale[1:] * rng.normal(size=n - 1)
    return y, x


def test_the_p_value_counts_shifted_statistics_at_least_as_large() -> None:
    assert shift_pvalue(3.0, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(3 / 5)
    assert shift_pvalue(9.0, np.array([1.0, np.nan])) == pytest.approx(1 / 2)
    assert np.isnan(shift_pvalue(1.0, np.array([])))
    shifts = _shifts(100, 500, seed=1)
    assert shifts.min() >= MIN_SHIFT and shifts.max() <= 100 - MIN_SHIFT
    assert len(_shifts(2 * MIN_SHIFT, 10, 0)) == 0


def test_a_real_lead_gets_a_small_shift_p_value() -> None:
    y, x = _pair(260, 1, lead=0.4)
    assert granger_shift_pvalue(y, x, 1, n_shifts=199, seed=0) == pytest.approx(1 / 200)


@pytest.mark.slow
def test_shift_p_values_are_calibrated_under_the_null() -> None:
    ps = [
        granger_shift_pvalue(*_pair(200, s, lead=0.0, garch=True), 1, n_shifts=99, seed=s) for s in range(60)
    ]
    f_ps = [granger_test(*_pair(200, s, lead=0.0, garch=True), 1)["pvalue"] for s in range(60)]
    assert 0 <= np.mean(np.array(ps) < 0.1) <= 0.2  # about 10% expected
    assert 0.3 < np.mean(ps) < 0.7 and len(f_ps) == 60


def test_feedback_tests_carry_shift_p_values() -> None:
    world = simulate_loop(200, LoopParams.planted(), seed=4)
    result = feedback_tests(world, theme="t", capital=("flow",), n_shifts=49)
    flow = result.test("attention", "flow")
    assert flow.shift_pvalue == pytest.approx(1 / 50)
    assert all(c.shift_pvalue is not None for c in result.cross_correlations)
    frame = pd.DataFrame({"x": np.arange(50.0) % 7, "y": np.arange(50.0) % 5})
    assert 0 < xcorr_shift_pvalue(frame["x"], frame["y"], 2, n_shifts=19) <= 1
    off = feedback_tests(world, theme="t", capital=("flow",), n_shifts=0)
    assert off.test("attention", "flow").shift_pvalue is None


def test_the_fast_f_statistic_equals_granger_test_with_gaps() -> None:
    y, x = _pair(150, 9, lead=0.2)
    y[7], x[50] = np.nan, np.nan
    for lags in (1, 3):
        expected = granger_test(y, x, lags)["statistic"]
        assert f_statistic(y, lag_matrix(y, lags), x, lags) == pytest.approx(expected, rel=1e-10)


def test_peak_abs_corr_equals_pandas_with_gaps() -> None:
    rng = np.random.default_rng(0)
    x, y = pd.Series(rng.normal(size=120)), pd.Series(rng.normal(size=120))
    x[5], y[40] = np.nan, np.nan
    expected = max(abs(x.shift(k).corr(y)) for k in range(-3, 4))
    assert peak_abs_corr(x.to_numpy(), y.to_numpy(), 3) == pytest.approx(expected, rel=1e-12)
