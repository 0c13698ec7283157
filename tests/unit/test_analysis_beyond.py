"""Beyond price: the nested F and LR against statsmodels OLS, Clark-West by hand, and the call
on worlds where attention leads returns and where it only echoes them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from attention.analysis.beyond import MIN_TRAIN, beyond_price, clark_west
from attention.analysis.feedback import feedback_tests
from attention.analysis.simulate import LoopParams, simulate_loop


def _world(n: int, seed: int, lead: float) -> pd.DataFrame:
    """Weekly returns with a benchmark; attention echoes past returns and (``lead``) leads them."""
    rng = np.random.default_rng(seed)
    bench = rng.normal(0, 0.02, n)
    attention = np.zeros(n)
    excess = np.zeros(n)
    for t in range(1, n):
        attention[t] = 0.5 * attention[t - 1] + 20 * excess[t - 1] + rng.normal()
        excess[t] = 0.2 * bench[t - 1] + lead * 0.01 * attention[t - 1] + rng.normal(0, 0.02)
    index = pd.date_range("2015-01-02", periods=n, freq="W-FRI")
    return pd.DataFrame(
        {"attention": attention, "excess_return": excess, "benchmark_return": bench}, index=index
    )


def test_in_sample_statistics_match_statsmodels_ols() -> None:
    frame = _world(300, 3, lead=0.3)
    result = beyond_price(frame, "attention", "excess_return", ["benchmark_return"], lags=2)
    assert result is not None
    y = frame["excess_return"]
    lagged = {f"{c}_{k}": frame[c].shift(k) for c in frame for k in (1, 2)}
    data = pd.concat([y, pd.DataFrame(lagged)], axis=1).dropna()
    small = ["excess_return_1", "excess_return_2", "benchmark_return_1", "benchmark_return_2"]
    large = [*small, "attention_1", "attention_2"]
    fit_small = sm.OLS(data["excess_return"], sm.add_constant(data[small])).fit()
    fit_large = sm.OLS(data["excess_return"], sm.add_constant(data[large])).fit()
    f, f_p, _ = fit_large.compare_f_test(fit_small)
    lr, lr_p, _ = fit_large.compare_lr_test(fit_small)
    assert result.nobs == len(data) == 298
    assert result.f_statistic == pytest.approx(f, rel=1e-9) and result.f_pvalue == pytest.approx(
        f_p, rel=1e-6
    )
    assert result.lr_statistic == pytest.approx(lr, rel=1e-9) and result.lr_pvalue == pytest.approx(
        lr_p, rel=1e-6
    )
    assert result.controls == ("benchmark_return",) and result.start == frame.index[2]


def test_out_of_sample_forecasts_are_rolling_origin_and_clark_west_by_hand() -> None:
    frame = _world(120, 4, lead=0.3)
    result = beyond_price(frame, "attention", "excess_return", ["benchmark_return"], lags=1)
    assert result is not None
    # refit by hand on every period before the one forecast, from half the sample on
    y = frame["excess_return"].to_numpy()
    small_x = np.column_stack([np.ones(119), y[:-1], frame["benchmark_return"].to_numpy()[:-1]])
    large_x = np.column_stack([small_x, frame["attention"].to_numpy()[:-1]])
    target = y[1:]
    first = max(MIN_TRAIN, len(target) // 2, large_x.shape[1] + 5)
    errors = {}
    for name, x in (("small", small_x), ("large", large_x)):
        preds = [x[t] @ np.linalg.lstsq(x[:t], target[:t], rcond=None)[0] for t in range(first, len(target))]
        errors[name] = np.array(preds)
    actual = target[first:]
    mse = {k: np.mean((actual - v) ** 2) for k, v in errors.items()}
    assert result.n_forecasts == len(actual) == 60
    assert result.mse_ratio == pytest.approx(mse["large"] / mse["small"], rel=1e-9)
    f = (actual - errors["small"]) ** 2 - (
        (actual - errors["large"]) ** 2 - (errors["small"] - errors["large"]) ** 2
    )
    stat = f.mean() / (f.std(ddof=1) / np.sqrt(len(f)))
    assert result.cw_statistic == pytest.approx(stat, rel=1e-9)
    # identical forecasts give no test (NaN), not a made-up p-value
    same = clark_west(actual, errors["small"], errors["small"])
    assert np.isnan(same[0])


def test_a_real_lead_adds_to_price_and_an_echo_does_not() -> None:
    led = beyond_price(_world(400, 5, lead=0.6), "attention", "excess_return", ["benchmark_return"], 1)
    assert led is not None and led.adds_to_price() and led.call() == "adds to price" and led.mse_ratio < 1
    echoes = [
        beyond_price(_world(260, s, lead=0.0), "attention", "excess_return", ["benchmark_return"], 1)
        for s in range(20)
    ]
    calls = [e.call() for e in echoes if e is not None]
    assert len(calls) == 20 and calls.count("adds to price") <= 2
    assert (
        beyond_price(_world(50, 1, lead=0.6), "attention", "excess_return", ["benchmark_return"], 1) is None
    )


def test_feedback_verdict_carries_the_price_only_comparison() -> None:
    world = simulate_loop(260, LoopParams.planted(), seed=21)
    result = feedback_tests(world, theme="small caps", capital=("flow",))
    check = result.beyond_for("attention", "excess_return")
    assert check is not None and check.controls == ("benchmark_return",)
    assert result.beyond_for("attention", "flow").controls == ("benchmark_return", "excess_return")
    assert result.beyond_for("excess_return", "attention") is None  # not a lead of returns or money
    verdict = result.verdict()
    assert "against a price-only model (own past, benchmark return), attention adds to price" in verdict
    assert "flows add to price" in verdict
