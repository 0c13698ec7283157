"""Market context metrics on hand-computed cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from attention.analysis.context import (
    beat_streak,
    market_context,
    parse_window,
    rsi_wilder,
    seasonal_relative_return,
)
from attention.analysis.errors import AnalysisInputError


def _series(values: list[float], start: str = "2024-03-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


def test_rsi_wilder_by_hand() -> None:
    closes = _series([float(v) for v in range(100, 115)] + [112.0])
    # first 14 changes: +1 each -> avg gain 1, avg loss 0; then -2:
    # avg gain = (13 * 1 + 0) / 14, avg loss = (13 * 0 + 2) / 14, RS = 6.5
    assert rsi_wilder(closes) == pytest.approx(100 - 100 / 7.5)
    assert rsi_wilder(closes.iloc[:15]) == 100.0
    assert np.isnan(rsi_wilder(closes.iloc[:10]))


def test_rsi_matches_an_independent_ewm_formulation() -> None:
    rng = np.random.default_rng(3)
    closes = _series(list(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))))
    delta = closes.diff().iloc[1:]
    gain, loss = delta.clip(lower=0), (-delta).clip(lower=0)
    # Wilder's smoothing = an EWM with alpha 1/14 seeded with the first 14-change mean
    seed_g, seed_l = gain.iloc[:14].mean(), loss.iloc[:14].mean()
    g = pd.concat([pd.Series([seed_g]), gain.iloc[14:]]).ewm(alpha=1 / 14, adjust=False).mean()
    lo = pd.concat([pd.Series([seed_l]), loss.iloc[14:]]).ewm(alpha=1 / 14, adjust=False).mean()
    assert rsi_wilder(closes) == pytest.approx(100 - 100 / (1 + g.iloc[-1] / lo.iloc[-1]))


def test_streak_and_last_time_as_long() -> None:
    bench = _series([100.0] * 11)
    # theme daily moves vs a flat benchmark: + + + - + + - - + +  => beat T T T F T T F F T T
    moves = [1, 1, 1, -1, 1, 1, -1, -1, 1, 1]
    theme = _series(list(100 + np.concatenate([[0], np.cumsum(moves)])))
    count, start, since = beat_streak(theme, bench)
    dates = theme.index
    assert count == 2 and start == dates[9].date()
    assert since == dates[6].date()  # the earlier two-session streak ended at the 6th return
    longer = theme.copy()
    longer.iloc[-1] = longer.iloc[-2] - 1  # last session lost: no current streak
    assert beat_streak(longer, bench) == (0, None, None)


def test_streak_longest_in_data_gives_none() -> None:
    bench = _series([100.0] * 6)
    theme = _series([100, 99, 100, 101, 102, 103])
    assert beat_streak(theme, bench)[0] == 4
    assert beat_streak(theme, bench)[2] is None


def test_ytd_vs_other_and_asof() -> None:
    days = pd.bdate_range("2023-12-01", "2024-06-28")
    theme = pd.Series(100.0, index=days)
    theme["2023-12-29"] = 100.0
    theme["2024-01-02":] = 110.0
    theme["2024-06-28"] = 121.0
    bench = pd.Series(200.0, index=days)
    bench["2024-06-28"] = 210.0
    other = pd.Series(50.0, index=days)
    other["2024-03-28"] = 40.0  # the close 3 months before 06-28
    other["2024-06-28"] = 44.0
    ctx = market_context(theme, bench, other=other, name="small caps")
    assert ctx.asof == dt.date(2024, 6, 28)
    assert ctx.ytd_return == pytest.approx(0.21)
    assert ctx.benchmark_ytd_return == pytest.approx(0.05)
    # theme 3m: 121 / 110 - 1 = 0.1; other: 44 / 40 - 1 = 0.1
    assert ctx.return_vs_other_3m == pytest.approx(0.0)
    earlier = market_context(theme, bench, asof="2024-06-27")
    assert earlier.ytd_return == pytest.approx(0.10)
    assert "YTD" in ctx.summary()


def test_seasonal_window_across_years() -> None:
    days = pd.bdate_range("2020-12-01", "2023-03-01")
    theme = pd.Series(100.0, index=days)
    bench = pd.Series(100.0, index=days)
    theme["2021-01-04":"2021-12-31"] = 105.0  # Jan 2021: +5% vs flat benchmark
    theme["2022-01-03":] = 105.0 * 0.98  # Jan 2022: -2%
    bench["2023-01-10":] = 101.0  # Jan 2023: theme flat, bench +1%
    result = seasonal_relative_return(theme, bench, (1, 1), (1, 31))
    assert result.per_year == pytest.approx({2021: 0.05, 2022: -0.02, 2023: -0.01})
    assert result.mean == pytest.approx((0.05 - 0.02 - 0.01) / 3)
    assert result.share_positive == pytest.approx(1 / 3)
    wrapped = seasonal_relative_return(theme, bench, (12, 15), (1, 10))
    assert set(wrapped.per_year) == {2020, 2021, 2022}
    # the spread across years, by hand
    values = [0.05, -0.02, -0.01]
    sd = float(np.std(values, ddof=1))
    assert result.median == pytest.approx(-0.01) and result.std == pytest.approx(sd)
    assert result.t_stat == pytest.approx(np.mean(values) / (sd / np.sqrt(3)))
    assert result.years == (2021, 2022, 2023) and result.n_years == 3
    assert "median -1.00%" in result.summary() and "of 3 years (2021-2023)" in result.summary()
    one = seasonal_relative_return(theme[:"2021-06-30"], bench[:"2021-06-30"], (1, 1), (1, 31))
    assert one.n_years == 1 and np.isnan(one.std) and np.isnan(one.t_stat)


def test_window_text_is_parsed_or_refused() -> None:
    assert parse_window("12-16:01-15") == ((12, 16), (1, 15))
    assert parse_window("01-01:01-31") == ((1, 1), (1, 31))
    for bad in ("12-16", "13-01:01-15", "02-29:03-10", "dec:jan"):
        with pytest.raises(AnalysisInputError, match="MM-DD:MM-DD"):
            parse_window(bad)


def test_asof_uses_the_last_date_both_series_have() -> None:
    days = pd.bdate_range("2023-12-01", "2024-06-28")
    theme = pd.Series(np.linspace(100, 130, len(days)), index=days)
    bench = pd.Series(200.0, index=days[:-2])  # the benchmark's last two closes are not in
    ctx = market_context(theme, bench, asof="2024-06-28", other=theme * 0.5)
    assert ctx.asof == dt.date(2024, 6, 26)
    assert ctx.ytd_return == pytest.approx(theme["2024-06-26"] / theme["2023-12-29"] - 1)
    assert ctx.benchmark_ytd_return == 0.0 and ctx.return_vs_other_3m == pytest.approx(0.0)
    assert any("last date with a benchmark close" in n for n in ctx.notes)
    # asked for 06-28, the data is of 06-26: two sessions behind, not yet stale
    assert (ctx.requested, ctx.data_as_of, ctx.stale_sessions, ctx.stale) == (
        dt.date(2024, 6, 28),
        dt.date(2024, 6, 26),
        2,
        False,
    )
    latest = market_context(theme, bench, other=theme * 0.5)  # no asof: the same date
    assert latest == dataclasses.replace(ctx, requested=None, stale_sessions=0)
    # the benchmark alone has a date: it is not the theme's, so the common date is earlier
    assert market_context(theme[:-3], bench, asof="2024-06-26").asof == dt.date(2024, 6, 25)
    with pytest.raises(AnalysisInputError, match="both theme and benchmark"):
        market_context(theme, bench, asof="2023-11-30")
