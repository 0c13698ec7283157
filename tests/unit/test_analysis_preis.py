"""Preis, Moat & Stanley (2013) rule on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from attention.analysis.errors import AnalysisInputError
from attention.analysis.preis import preis_backtest

WEEKS = pd.to_datetime(["2024-01-06", "2024-01-13", "2024-01-20", "2024-01-27", "2024-02-03"])


def _prices(values: dict[str, float]) -> pd.Series:
    days = pd.bdate_range("2024-01-22", "2024-02-16")
    # closes that move (a close repeated on 5 bars is a frozen feed: missing, never traded)
    base = pd.Series([95.0 + 0.25 * (i % 3) for i in range(len(days))], index=days)
    for day, value in values.items():
        base[pd.Timestamp(day)] = value
    return base


def test_two_trades_by_hand() -> None:
    search = pd.Series([10, 20, 30, 50, 10], index=WEEKS, dtype=float)
    prices = _prices({"2024-01-29": 100.0, "2024-02-05": 90.0, "2024-02-12": 99.0})
    result = preis_backtest(search, prices, delta_t=3, n_random=0)
    # week 01-27: dn = 50 - mean(30, 20, 10) = 30 > 0 -> short Mon 01-29 (100), cover 02-05 (90)
    # week 02-03: dn = 10 - mean(50, 30, 20) < 0 -> long Mon 02-05 (90), sell 02-12 (99)
    assert [t.position for t in result.trades] == [-1, 1]
    assert result.trades[0].dn == pytest.approx(30.0)
    assert result.trades[0].entry_date == pd.Timestamp("2024-01-29")
    assert result.trades[1].exit_date == pd.Timestamp("2024-02-12")
    assert result.cumulative_return == pytest.approx((100 / 90) * (99 / 90) - 1)
    assert result.buy_and_hold == pytest.approx(99 / 100 - 1)


def test_holiday_rolls_to_next_session_and_zero_dn_means_no_trade() -> None:
    search = pd.Series([10, 20, 30, 20, 10], index=WEEKS, dtype=float)
    prices = _prices({"2024-01-30": 100.0, "2024-02-06": 110.0}).drop(pd.Timestamp("2024-01-29"))
    prices = prices.drop(pd.Timestamp("2024-02-05"))
    result = preis_backtest(search, prices, delta_t=3, n_random=0)
    # week 01-27: dn = 20 - 20 = 0 -> no trade; week 02-03: dn < 0 -> long
    # Monday 02-05 missing: entry rolls to 02-06 (110); exit first session after 02-10 = 02-12
    assert len(result.trades) == 1
    trade = result.trades[0]
    assert trade.position == 1 and trade.entry_date == pd.Timestamp("2024-02-06")
    assert result.cumulative_return == pytest.approx(prices["2024-02-12"] / 110 - 1)


def test_trade_without_exit_yet_is_dropped_and_delta_t_matters() -> None:
    search = pd.Series([10, 20, 30, 50, 10], index=WEEKS, dtype=float)
    prices = _prices({}).loc[:"2024-02-09"]
    result = preis_backtest(search, prices, delta_t=3, n_random=0)
    assert len(result.trades) == 1  # the 02-03 week's exit (02-12) is not in the data
    one = preis_backtest(search, _prices({}), delta_t=1, n_random=0)
    # dt = 1 needs only one previous week: weeks 01-13..02-03 qualify, but prices start on
    # 01-22, after week 01-13's entry session (01-15), so that week cannot be traded.
    assert [t.week_end.day for t in one.trades] == [20, 27, 3]


def test_random_baseline_matches_the_exact_expectation() -> None:
    search = pd.Series([10, 20, 30, 50, 10], index=WEEKS, dtype=float)
    prices = _prices({"2024-01-29": 100.0, "2024-02-05": 90.0, "2024-02-12": 99.0})
    result = preis_backtest(search, prices, delta_t=3, n_random=40000, seed=1)
    logs = [math.log(90 / 100), math.log(99 / 90)]
    combos = [math.expm1(a * logs[0] + b * logs[1]) for a in (-1, 1) for b in (-1, 1)]
    assert result.random_mean == pytest.approx(np.mean(combos), abs=0.003)
    assert result.random_std == pytest.approx(np.std(combos), rel=0.05)
    again = preis_backtest(search, prices, delta_t=3, n_random=40000, seed=1)
    assert again.random_mean == result.random_mean
    assert "trades" in result.summary()


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(AnalysisInputError, match="pandas Series"):
        preis_backtest([1, 2, 3], _prices({}))  # type: ignore[arg-type]
    with pytest.raises(AnalysisInputError, match="positive"):
        preis_backtest(pd.Series([1.0], index=WEEKS[:1]), _prices({"2024-01-29": -1.0}))
    with pytest.raises(AnalysisInputError, match="delta_t"):
        preis_backtest(pd.Series([1.0], index=WEEKS[:1]), _prices({}), delta_t=0)


def test_sunday_labelled_weeks_trade_after_the_week_ends() -> None:
    # the same weeks as WEEKS, labelled the way Google Trends' export and pytrends do
    sundays = WEEKS - pd.Timedelta(days=6)
    assert (sundays.day_of_week == 6).all()
    search = [10, 20, 30, 50, 10]
    prices = _prices({"2024-01-29": 100.0, "2024-02-05": 90.0, "2024-02-12": 99.0})
    by_end = preis_backtest(pd.Series(search, index=WEEKS, dtype=float), prices, n_random=0)
    by_start = preis_backtest(pd.Series(search, index=sundays, dtype=float), prices, n_random=0)
    # taken as week ends, Sunday 01-21 would enter Monday 01-22, before its week was over
    assert [t.entry_date for t in by_start.trades] == [t.entry_date for t in by_end.trades]
    assert by_start.trades[0].week_end == pd.Timestamp("2024-01-27")
    assert by_start.cumulative_return == pytest.approx(by_end.cumulative_return)
    assert "moved to the week's last day" in by_start.summary() and not by_end.notes
    assert "pass --weeks end" in by_start.summary()
    # a week-end series that merely contains a Sunday is left alone
    mixed = pd.Series(search, index=WEEKS[:-1].append(pd.DatetimeIndex(["2024-02-04"])))
    assert preis_backtest(mixed, prices, n_random=0).notes == ()


def test_the_week_convention_can_be_stated() -> None:
    search = [10, 20, 30, 50, 10]
    prices = _prices({"2024-01-29": 100.0, "2024-02-05": 90.0, "2024-02-12": 99.0})
    by_end = preis_backtest(pd.Series(search, index=WEEKS, dtype=float), prices, n_random=0)
    # pandas' resample("W") labels Monday-Sunday weeks by their Sunday: week ends, kept as given
    sunday_ends = WEEKS + pd.Timedelta(days=1)
    kept = preis_backtest(pd.Series(search, index=sunday_ends, dtype=float), prices, n_random=0, weeks="end")
    # the first trade is week 4, the first with a full 3-week average before it
    assert kept.notes == () and kept.trades[0].week_end == sunday_ends[3]
    guessed = preis_backtest(pd.Series(search, index=sunday_ends, dtype=float), prices, n_random=0)
    assert guessed.trades[0].week_end == sunday_ends[3] + pd.Timedelta(days=6)
    starts = preis_backtest(
        pd.Series(search, index=WEEKS - pd.Timedelta(days=6), dtype=float), prices, n_random=0, weeks="start"
    )
    assert [t.entry_date for t in starts.trades] == [t.entry_date for t in by_end.trades]
    with pytest.raises(AnalysisInputError, match="weeks must be one of"):
        preis_backtest(pd.Series(search, index=WEEKS, dtype=float), prices, weeks="middle")
