"""Granger tests, stationarity, BH and the feedback result checked against statsmodels."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import grangercausalitytests

from attention.analysis.feedback import feedback_tests
from attention.analysis.granger import (
    benjamini_hochberg,
    granger,
    granger_test,
    make_stationary,
    with_qvalues,
)
from attention.analysis.simulate import LoopParams, simulate_loop


@pytest.mark.parametrize("lags", [1, 2, 4])
def test_f_test_matches_statsmodels(lags: int) -> None:
    world = simulate_loop(200, seed=4)
    y = world["excess_return"].to_numpy()
    x = np.log(world["attention"].to_numpy())
    ours = granger_test(y, x, lags)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = grangercausalitytests(np.column_stack([y, x]), [lags])[lags][0]["ssr_ftest"]
        var_test = VAR(np.column_stack([y, x])).fit(lags).test_causality(0, [1], kind="f")
    assert ours["statistic"] == pytest.approx(ref[0], rel=1e-9)
    assert ours["pvalue"] == pytest.approx(ref[1], rel=1e-9)
    assert ours["df"] == (int(ref[3]), int(ref[2]))
    # the VAR Wald F has the same statistic (its p-value uses the system's df)
    assert ours["statistic"] == pytest.approx(var_test.test_statistic, rel=1e-9)
    assert ours["nobs"] == len(y) - lags


def test_effect_size_is_partial_r2() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(500)
    y = np.zeros(500)
    y[1:] = 0.5 * x[:-1] + rng.standard_normal(499)
    raw = granger_test(y, x, 1)
    # true partial R^2 = 0.25 / 1.25 = 0.2; one lag coefficient of 0.5 sd-per-sd * sd ratio
    assert raw["effect_size"] == pytest.approx(0.2, abs=0.06)
    assert raw["lead_lags"] == (1,)
    assert raw["cumulative_effect"] == pytest.approx(0.5 / np.sqrt(1.25), abs=0.08)


def test_random_walk_is_differenced_and_stationary_kept() -> None:
    rng = np.random.default_rng(1)
    walk = pd.Series(np.cumsum(rng.standard_normal(400)), name="walk")
    noise = pd.Series(rng.standard_normal(400), name="noise")
    _, t_walk = make_stationary(walk)
    _, t_noise = make_stationary(noise)
    assert t_walk.differenced == 1 and t_walk.describe() == "diff"
    assert t_noise.differenced == 0 and t_noise.describe() == "level"
    positive = pd.Series(np.exp(noise / 5), name="p")
    assert make_stationary(positive, log=True)[1].describe() == "log"


def test_benjamini_hochberg_matches_statsmodels() -> None:
    p = np.random.default_rng(2).uniform(0, 0.2, 37)
    p[:5] = [0.001, 0.0001, 0.04, 0.03, 0.5]
    ref = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(benjamini_hochberg(p), ref, rtol=1e-12)
    assert len(benjamini_hochberg([])) == 0


def test_too_little_data_is_skipped_not_faked() -> None:
    world = simulate_loop(20, seed=1)
    assert granger(world, "attention", "excess_return", log=("attention",)) is None
    result = feedback_tests(world, theme="tiny")
    assert result.tests == ()
    assert "not enough data" in result.verdict()


def test_planted_world_verdict_names_the_right_directions_and_lags() -> None:
    world = simulate_loop(260, LoopParams.planted(), seed=21)
    result = feedback_tests(world, theme="small caps", capital=("flow",))
    a_f = result.test("attention", "flow")
    f_r = result.test("flow", "excess_return")
    assert a_f.significant() and 1 in a_f.lead_lags
    assert f_r.significant() and 1 in f_r.lead_lags
    assert all(t.qvalue is not None and t.qvalue >= t.pvalue for t in result.tests)
    verdict = result.verdict()
    assert "attention led flows by 1" in verdict
    assert result.loop_status == "loop" and "feedback loop found" in verdict
    assert "null" not in verdict and "H0" in result.summary()
    xcorr = {c.y: c for c in result.cross_correlations}
    assert xcorr["flow"].peak()[0] == 1  # attention leads flows by one week
    irf = {(i.impulse, i.response): i for i in result.impulse_responses}
    assert 1 in irf[("attention", "flow")].significant_horizons()


def test_null_world_says_no_evidence() -> None:
    world = simulate_loop(260, LoopParams.null(), seed=5)
    result = feedback_tests(world, theme="mag7", capital=("flow",))
    assert not any(t.significant() for t in result.tests)
    assert result.verdict().count("no evidence") == 5  # the headline and each of 4 directions
    assert result.loop_status == "none"
    assert "no evidence of a feedback loop" in result.verdict()


def test_with_qvalues_keeps_order() -> None:
    world = simulate_loop(200, seed=3)
    tests = [granger(world, c, e, log=("attention",)) for c, e in
             [("attention", "flow"), ("flow", "attention")]]
    adjusted = with_qvalues(tests)
    assert [t.causing for t in adjusted] == ["attention", "flow"]
    np.testing.assert_allclose([t.qvalue for t in adjusted],
                               multipletests([t.pvalue for t in tests], method="fdr_bh")[1])
