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
    assert result.verdict().lower().count("no evidence") == 5  # the headline and each of 4 directions
    assert result.loop_status == "none"
    assert "no evidence of a feedback loop" in result.verdict()


def test_with_qvalues_keeps_order() -> None:
    world = simulate_loop(200, seed=3)
    tests = [
        granger(world, c, e, log=("attention",)) for c, e in [("attention", "flow"), ("flow", "attention")]
    ]
    adjusted = with_qvalues(tests)
    assert [t.causing for t in adjusted] == ["attention", "flow"]
    np.testing.assert_allclose(
        [t.qvalue for t in adjusted], multipletests([t.pvalue for t in tests], method="fdr_bh")[1]
    )


# --- gaps: lags and differences follow the calendar, not the surviving rows ----------------


def _gappy_pair(n: int = 400, seed: int = 0, every: int = 4) -> pd.DataFrame:
    """y_t = 0.8 x_{t-1} + noise, with every ``every``-th x unknown (NaN, row kept)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = np.zeros(n)
    y[1:] = 0.8 * x[:-1] + rng.standard_normal(n - 1)
    xs = pd.Series(x)
    xs[::every] = np.nan
    return pd.DataFrame({"x": xs, "y": y})


def _reference_f(frame: pd.DataFrame, lags: int) -> tuple[float, int]:
    """The F test built the obvious way: shift on the full index, then drop incomplete rows."""
    import statsmodels.api as sm

    cols = {"y": frame["y"]}
    for k in range(1, lags + 1):
        cols[f"y{k}"], cols[f"x{k}"] = frame["y"].shift(k), frame["x"].shift(k)
    d = pd.DataFrame(cols).dropna()
    own = [f"y{k}" for k in range(1, lags + 1)]
    other = [f"x{k}" for k in range(1, lags + 1)]
    full = sm.OLS(d["y"], sm.add_constant(d[own + other])).fit()
    restricted = sm.OLS(d["y"], sm.add_constant(d[own])).fit()
    return float((restricted.ssr - full.ssr) / lags / (full.ssr / full.df_resid)), len(d)


@pytest.mark.parametrize("lags", [1, 2])
def test_granger_lags_do_not_span_gaps(lags: int) -> None:
    frame = _gappy_pair()
    result = granger(frame, "x", "y", lags=lags)
    assert result.transforms[0].describe() == "level"  # white noise with gaps: not differenced
    ref_f, ref_n = _reference_f(frame, lags)
    assert result.nobs == ref_n
    assert result.statistic == pytest.approx(ref_f, rel=1e-9)
    # gluing the surviving rows together would pair y_t with x two periods back a third of
    # the time and dilute the effect to a fraction of this F
    glued = frame.dropna().reset_index(drop=True)
    assert granger(glued, "x", "y", lags=lags).statistic < 0.5 * result.statistic


def test_differences_do_not_span_gaps() -> None:
    rng = np.random.default_rng(3)
    walk = pd.Series(np.cumsum(rng.standard_normal(300)), name="walk")
    walk[[50, 51, 120]] = np.nan
    out, transform = make_stationary(walk)
    assert transform.differenced == 1
    assert out.index.equals(walk.index)  # the calendar index is kept
    assert out[[50, 51, 52, 120, 121]].isna().all()  # a difference next to a gap is unknown
    np.testing.assert_allclose(out[53], walk[53] - walk[52])


def test_adf_and_lag_order_match_statsmodels_without_gaps() -> None:
    from statsmodels.tsa.stattools import adfuller

    from attention.analysis.granger import adf_pvalue, select_lag

    for seed in range(6):
        world = simulate_loop(150 + 40 * seed, seed=seed)
        level = np.log(world["attention"].to_numpy())
        walk = np.cumsum(world["excess_return"].to_numpy())
        for series in (level, walk, world["flow"].to_numpy()):
            ref = adfuller(series, autolag="AIC", result_object=False)[1]
            assert adf_pvalue(series) == pytest.approx(ref, rel=1e-7)
        data = np.column_stack([world["excess_return"], level, world["flow"] / 1e6])
        for ic in ("aic", "bic", "hqic", "fpe"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref_p = VAR(data).select_order(4).selected_orders[ic]
            assert select_lag(data, 4, ic) == max(1, ref_p), (seed, ic)


def test_lag_order_is_chosen_on_rows_with_unknown_periods() -> None:
    from attention.analysis.granger import select_lag

    rng = np.random.default_rng(8)
    x = rng.standard_normal(600)
    y = np.zeros(600)
    y[2:] = 0.9 * x[:-2] + rng.standard_normal(598)  # planted: x leads y by two periods
    x[::9] = np.nan
    data = np.column_stack([y, x])
    assert select_lag(data, 4) == 2
    assert select_lag(data, 4, "aic") == 2


def test_cross_correlation_counts_lags_in_periods() -> None:
    from attention.analysis.feedback import cross_correlation

    frame = _gappy_pair(n=600, seed=4)
    cc = cross_correlation(frame, "x", "y", 2)
    ref = frame["x"].shift(1).corr(frame["y"])
    assert cc.peak() == (1, pytest.approx(ref))
    assert ref > 0.5
    assert cc.nobs == int(frame.notna().all(axis=1).sum())


def test_impulse_responses_use_the_longest_gap_free_stretch() -> None:
    from attention.analysis.feedback import impulse_responses, longest_complete_stretch

    world = simulate_loop(260, LoopParams.planted(), seed=21)
    world.loc[world.index[[60, 61, 200]], "flow"] = np.nan
    result = feedback_tests(world, theme="gappy", capital=("flow",))
    stretch = longest_complete_stretch(pd.DataFrame({"f": world["flow"]}))
    assert (len(stretch), stretch.index[0]) == (138, world.index[62])
    assert any("longest gap-free stretch" in n for n in result.notes)
    assert "note: impulse responses use" in result.summary()
    stationary = pd.concat(
        [
            make_stationary(world[c].rename(c), log=c == "attention")[0]
            for c in ("attention", "flow", "excess_return")
        ],
        axis=1,
    )
    expected = impulse_responses(longest_complete_stretch(stationary), 4)
    assert result.impulse_responses == expected and expected


def test_benjamini_hochberg_leaves_nan_out() -> None:
    p = [0.001, 0.01, float("nan"), 0.04]
    q = benjamini_hochberg(p)
    assert np.isnan(q[2])
    np.testing.assert_allclose(q[[0, 1, 3]], multipletests([0.001, 0.01, 0.04], method="fdr_bh")[1])
    assert np.isnan(benjamini_hochberg([float("nan")])).all()


def test_capital_tests_alone_when_attention_has_no_data() -> None:
    """A theme whose attention column is empty (imported prices and flows, no text or search yet)
    still gets its flow -> returns test, and no cross-correlation with the missing attention."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"attention": np.nan, "excess_return": rng.normal(size=80), "flow": rng.normal(size=80)},
        index=pd.date_range("2022-01-07", periods=80, freq="W-FRI"),
    )
    result = feedback_tests(frame, theme="imports")
    assert [(t.causing, t.caused) for t in result.tests] == [("flow", "excess_return")]
    assert result.cross_correlations == ()
