"""Stability: the break test against statsmodels OLS, and the call on stable, broken and
reversed worlds (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from attention.analysis.stability import break_test, stability


def _world(n: int, seed: int, first: float, second: float) -> pd.DataFrame:
    """x leads y with coefficient ``first`` before mid-sample and ``second`` after."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 0.2 * y[t - 1] + (first if t < n // 2 else second) * x[t - 1] + rng.normal()
    return pd.DataFrame({"x": x, "y": y}, index=pd.date_range("2020-01-03", periods=n, freq="W-FRI"))


def test_break_test_matches_statsmodels_with_interactions() -> None:
    frame = _world(200, 1, 0.5, 0.0)
    part_of = (np.arange(200) >= 100).astype(int)
    stat, pvalue = break_test(frame, "x", "y", 2, part_of)
    data = pd.DataFrame({"y": frame["y"], "g": part_of}, index=frame.index)
    for k in (1, 2):
        data[f"y{k}"], data[f"x{k}"] = frame["y"].shift(k), frame["x"].shift(k)
    data = data.dropna()
    g1, g0 = data["g"], 1 - data["g"]
    free = pd.DataFrame(
        {
            "c0": g0,
            "c1": g1,
            **{f"y{k}_{j}": data[f"y{k}"] * d for k in (1, 2) for j, d in ((0, g0), (1, g1))},
        }
    )
    restricted = pd.concat([free, data[["x1", "x2"]]], axis=1)
    split = {f"x{k}_{j}": data[f"x{k}"] * d for k in (1, 2) for j, d in ((0, g0), (1, g1))}
    unrestricted = pd.concat([free, pd.DataFrame(split)], axis=1)
    small = sm.OLS(data["y"], restricted).fit()
    large = sm.OLS(data["y"], unrestricted).fit()
    f, p, df = large.compare_f_test(small)
    assert stat == pytest.approx(f, rel=1e-8) and pvalue == pytest.approx(p, rel=1e-6) and df == 2


def test_stable_lead_is_called_stable() -> None:
    found = stability(_world(260, 2, 0.4, 0.4), "x", "y", lags=1)
    assert found.call == "stable"
    assert len(found.parts) == 2 and all(p.pvalue < 0.05 and p.effect > 0 for p in found.parts)
    assert found.parts[0].end < found.parts[1].start
    assert len(found.rolling) == (260 - 104) // 13 + 1


def test_break_at_mid_sample_is_flagged_and_a_reversal_is_named() -> None:
    broken = stability(_world(260, 3, 0.5, 0.0), "x", "y", lags=1)
    assert broken.call == "only in " + broken.parts[0].label and broken.break_pvalue < 0.05
    reversed_ = stability(_world(260, 4, 0.5, -0.5), "x", "y", lags=1)
    assert reversed_.call == "reversed"


def test_split_dates_from_config_and_too_short_parts() -> None:
    frame = _world(260, 5, 0.5, 0.5)
    found = stability(frame, "x", "y", lags=1, split_dates=["2021-01-28", "2023-01-01"])
    assert len(found.parts) == 3
    assert found.parts[1].start == pd.Timestamp("2021-01-29")  # the first Friday after the split
    short = stability(frame, "x", "y", lags=1, split_dates=["2020-02-01"])
    assert short.call == "not tested"


def test_rolling_windows_that_are_mostly_gaps_give_no_result_instead_of_failing() -> None:
    """An imported series that starts late left rolling windows with a handful of complete rows:
    the regression once failed with a singular design matrix (LinAlgError) and took `analyze`
    down with it. Such windows are left out; the full-sample parts are still computed."""
    frame = _world(300, 4, 0.5, 0.5)
    frame.iloc[:200, frame.columns.get_loc("x")] = np.nan  # x observed in the last 100 weeks only
    frame.iloc[:205:3, frame.columns.get_loc("y")] = np.nan
    found = stability(frame, "x", "y", lags=1)
    # only windows that reach into the observed weeks give a result
    assert found.rolling and all(part.end > frame.index[230] for part in found.rolling)
    assert found.call != "not tested"
