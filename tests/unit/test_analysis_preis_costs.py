"""The Preis backtest done properly: costs by hand, the dt table, the zero-change tolerance and
the frequency checks (daily, monthly and step search; daily, weekly and paper-layout prices)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attention.analysis.errors import AnalysisInputError
from attention.analysis.nulls import phase_surrogate
from attention.analysis.preis import (
    SELECTION_NOTE,
    phase_null,
    preis_backtest,
    rule_return,
    rule_trades,
    week_log_returns,
)

WEEKS = pd.to_datetime(["2024-01-06", "2024-01-13", "2024-01-20", "2024-01-27", "2024-02-03"])
SEARCH = pd.Series([10, 20, 30, 50, 10], index=WEEKS, dtype=float)


def _prices() -> pd.Series:
    days = pd.bdate_range("2024-01-22", "2024-02-16")
    base = pd.Series(95.0, index=days)
    for day, value in {"2024-01-29": 100.0, "2024-02-05": 90.0, "2024-02-12": 99.0}.items():
        base[pd.Timestamp(day)] = value
    return base


def test_costs_table_by_hand() -> None:
    result = preis_backtest(SEARCH, _prices(), delta_t=3, n_random=0, cost_bp=10)
    # short 100 -> 90 (factor 100/90), long 90 -> 99 (factor 99/90); two sides per trade
    gross = (100 / 90) * (99 / 90)
    by_bp = {row.bp_per_side: row.cumulative_return for row in result.costs}
    assert sorted(by_bp) == [0, 5, 10, 20]
    assert by_bp[0] == pytest.approx(gross - 1)
    assert by_bp[5] == pytest.approx(gross * 0.9995**4 - 1)
    assert by_bp[10] == pytest.approx(gross * 0.999**4 - 1)
    assert by_bp[20] == pytest.approx(gross * 0.998**4 - 1)
    assert result.net_return == pytest.approx(by_bp[10]) and result.cost_bp == 10
    assert result.cumulative_return == pytest.approx(gross - 1)  # the paper's figure, before costs
    other = preis_backtest(SEARCH, _prices(), delta_t=3, n_random=0, cost_bp=2.5)
    assert {row.bp_per_side for row in other.costs} == {0, 2.5, 5, 10, 20}
    assert other.net_return == pytest.approx(gross * 0.99975**4 - 1)
    text = result.summary()
    assert "after 10 bp per side" in text and "20 bp" in text and SELECTION_NOTE in text
    with pytest.raises(AnalysisInputError, match="cost_bp"):
        preis_backtest(SEARCH, _prices(), cost_bp=-1)


def test_delta_t_table_repeats_the_rule_for_each_dt() -> None:
    result = preis_backtest(SEARCH, _prices(), delta_t=3, n_random=0)
    assert [row.delta_t for row in result.delta_t_table] == [1, 2, 3, 4, 5, 6]
    three = result.delta_t_table[2]
    assert three.n_trades == len(result.trades) and three.cumulative_return == result.cumulative_return
    assert three.net_return == pytest.approx(result.net_return)
    one = result.delta_t_table[0]
    assert one.n_trades == len(rule_trades(SEARCH, _prices(), 1))
    assert result.delta_t_table[4].n_trades == 0 and result.delta_t_table[4].cumulative_return == 0.0


def test_zero_change_has_a_tolerance_so_rescaling_changes_nothing() -> None:
    rng = np.random.default_rng(0)
    weeks = pd.date_range("2020-01-04", periods=60, freq="W-SAT")
    search = pd.Series(rng.integers(0, 5, 60) * 0.1, index=weeks)
    prices = pd.Series(100 + rng.normal(0, 1, 500).cumsum(), index=pd.bdate_range("2020-01-01", periods=500))
    raw = search - search.shift(1).rolling(3).mean()
    assert ((raw != 0) & (raw.abs() < 1e-9)).any()  # exact ties show up as floating-point noise
    base = preis_backtest(search, prices, n_random=0)
    for scale in (7.0, 10.0, 0.3):
        scaled = preis_backtest(search * scale, prices, n_random=0)
        assert [(t.week_end, t.position) for t in scaled.trades] == [
            (t.week_end, t.position) for t in base.trades
        ]


def test_daily_search_is_refused_unless_resampled() -> None:
    days = pd.date_range("2024-01-07", "2024-02-03", freq="D")  # Sunday .. Saturday, four weeks
    daily = pd.Series(np.repeat([10.0, 20.0, 30.0, 50.0], 7), index=days)
    with pytest.raises(AnalysisInputError, match="--resample-search"):
        preis_backtest(daily, _prices(), n_random=0)
    result = preis_backtest(daily, _prices(), n_random=0, resample_search=True)
    assert "averaged into 4 Sunday-Saturday weeks" in result.notes[0]
    # the weekly means equal the weekly values: the same trade as the weekly series' first one
    assert [t.week_end for t in result.trades] == [pd.Timestamp("2024-02-03")]
    assert result.trades[0].position == -1 and result.trades[0].entry_date == pd.Timestamp("2024-02-05")


def test_monthly_and_step_search_are_refused() -> None:
    months = pd.date_range("2020-01-31", periods=24, freq="ME")
    with pytest.raises(AnalysisInputError, match="monthly or coarser"):
        preis_backtest(pd.Series(np.arange(24.0), index=months), _prices())
    weeks = pd.date_range("2020-01-04", "2021-12-25", freq="W-SAT")
    steps = pd.Series(weeks.month * 3.0 + weeks.year, index=weeks)  # one value per calendar month
    days = pd.bdate_range("2020-01-01", "2022-01-31")
    # closes that move: one close on 5 bars is a frozen feed (dropped, noted)
    prices = pd.Series(100.0 + np.arange(len(days)) % 2, index=days)
    with pytest.raises(AnalysisInputError, match="monthly values copied onto weeks.*--allow-steps"):
        preis_backtest(steps, prices, n_random=0)
    anyway = preis_backtest(steps, prices, n_random=0, allow_steps=True)
    assert "look-ahead" in anyway.notes[0] and "not a fair test" in anyway.notes[0]
    # real weekly search moves within months: no complaint
    wiggly = steps + np.tile([0.0, 1.0], len(steps))[: len(steps)]
    assert preis_backtest(wiggly, prices, n_random=0).notes == ()


def test_weekly_prices_only_in_the_papers_layout() -> None:
    daily = _prices()
    by_day = preis_backtest(SEARCH, daily, n_random=0)
    # Preis et al.'s data: one close per week, at the first trading day after each Google week
    mondays = daily[daily.index.day_of_week == 0]
    paper = preis_backtest(SEARCH, mondays, n_random=0)
    assert paper.cumulative_return == pytest.approx(by_day.cumulative_return)
    assert [t.entry_date for t in paper.trades] == [t.entry_date for t in by_day.trades]
    assert "first trading day after each search week" in paper.notes[0]
    fridays = daily[daily.index.day_of_week == 4]  # every trade would enter six days late
    with pytest.raises(AnalysisInputError, match="would enter up to a week late"):
        preis_backtest(SEARCH, fridays, n_random=0)


def test_phase_randomised_null_keeps_values_and_spectrum_and_reuses_the_rule() -> None:
    rng = np.random.default_rng(2)
    weeks = pd.date_range("2015-01-03", periods=300, freq="W-SAT")
    level = 50 + np.cumsum(rng.normal(0, 1, 300)) * 0.5
    search = pd.Series(np.round(level, 1), index=weeks)
    prices = pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, 2200))), index=pd.bdate_range("2015-01-01", periods=2200)
    )
    result = preis_backtest(search, prices, n_random=0, n_phase=50, seed=3)
    logs = week_log_returns(pd.DatetimeIndex(search.index), prices)
    tolerance = 1e-9 * search.abs().max()
    # the vectorised rule equals the trade-by-trade one on the real series
    assert rule_return(search.to_numpy(), logs, 3, tolerance) == pytest.approx(
        result.cumulative_return, rel=1e-9
    )
    surrogate = phase_surrogate(search.to_numpy(), np.random.default_rng(0))
    assert np.array_equal(np.sort(surrogate), np.sort(search.to_numpy()))  # same values
    assert not np.array_equal(surrogate, search.to_numpy())
    lag1 = np.corrcoef(surrogate[1:], surrogate[:-1])[0, 1]
    assert lag1 > 0.8  # a persistent series stays persistent (the real one: about 0.98)
    nulls = phase_null(search, prices, 3, 50, seed=3)
    assert len(nulls) == result.n_phase == 50
    assert result.phase_null_quantile == pytest.approx(np.mean(nulls < result.cumulative_return))
    assert result.phase_null_mean == pytest.approx(nulls.mean())
    assert "phase-randomised" in result.summary()
