"""Input checks on small constructed cases: step series, frozen feeds, sessions, baskets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from attention.checks.baskets import (
    BenchmarkIsProxyError,
    check_benchmark,
    covered_weight,
    thin_basket_finding,
)
from attention.checks.feeds import frozen_findings, frozen_runs, stale_mask
from attention.checks.series import detect_step, step_finding, usable_from_period_end
from attention.checks.sessions import missing_sessions, partial_last_bar, to_next_session


def _weekly_from_monthly(months: int) -> pd.Series:
    fridays = pd.date_range("2020-01-03", periods=months * 52 // 12, freq="W-FRI")
    monthly = pd.Series(np.arange(len(fridays)) % 7 + 10.0, index=fridays)
    return monthly.groupby(fridays.to_period("M")).transform("first")


def test_monthly_values_copied_onto_weeks_are_a_step_series() -> None:
    step = detect_step(_weekly_from_monthly(24))
    assert step is not None and step.period == "M" and step.labels_per_period > 4


def test_a_real_weekly_series_and_a_flat_one_are_not_steps() -> None:
    rng = np.random.default_rng(1)
    weeks = pd.date_range("2020-01-05", periods=120, freq="W-SUN")
    assert detect_step(pd.Series(rng.integers(20, 80, 120).astype(float), index=weeks)) is None
    assert detect_step(pd.Series(5.0, index=weeks)) is None  # frozen, not a step
    assert detect_step(pd.Series([1.0, 2.0, 3.0], index=weeks[:3])) is None  # too short


def test_a_value_is_usable_only_after_its_month_ends() -> None:
    index = pd.DatetimeIndex(["2024-01-05", "2024-01-31", "2024-02-01", "2024-02-09", "2024-03-01"])
    values = pd.Series([10.0, 10.0, 20.0, 20.0, 30.0], index=index)
    usable = usable_from_period_end(values, "M")
    assert np.isnan(usable.iloc[0]) and np.isnan(usable.iloc[1])  # January is not over yet
    assert list(usable.iloc[2:]) == [10.0, 10.0, 20.0]
    finding, moved = step_finding("term", _weekly_from_monthly(12))
    assert finding is not None and finding.check == "step_series" and "month" in finding.detail
    assert moved.isna().sum() >= 4  # the first month is not known until it ends


def test_frozen_runs_and_zero_runs() -> None:
    days = pd.bdate_range("2024-01-01", periods=12)
    shares = pd.Series([1, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5, 6], index=days, dtype=float)
    assert [(n) for _, _, n in frozen_runs(shares, 5)] == [6]
    assert stale_mask(shares, 5).sum() == 6
    flows = pd.Series([5, 0, 0, 0, 0, 0, -3, 0, 0, 2, 0, 1], index=days, dtype=float)
    [run] = frozen_runs(flows, 5, zero_only=True)
    assert run[2] == 5 and run[0] == days[1]
    [flag] = frozen_findings("IWM", "flows", flows, 5, zero_only=True)
    assert "exactly 0 for 5" in flag.detail and flag.first == days[1].date()


def test_missing_sessions_and_holiday_dates_go_to_the_next_session() -> None:
    dates = pd.Series(pd.to_datetime(["2026-03-30", "2026-03-31", "2026-04-02", "2026-04-06"]))
    assert [d.date() for d in missing_sessions(dates)] == [dt.date(2026, 4, 1)]  # 04-03 Good Friday
    moved, was_moved = to_next_session(pd.Series(pd.to_datetime(["2026-04-02", "2026-04-03", "2026-04-04"])))
    assert [d.date() for d in moved] == [dt.date(2026, 4, 2), dt.date(2026, 4, 6), dt.date(2026, 4, 6)]
    assert list(was_moved) == [False, True, True]


def test_a_bar_fetched_before_the_close_is_partial() -> None:
    day = dt.date(2024, 7, 3)  # early close 13:00 New York = 17:00 UTC
    assert partial_last_bar(day, dt.datetime(2024, 7, 3, 16, 0, tzinfo=dt.UTC))
    assert not partial_last_bar(day, dt.datetime(2024, 7, 3, 17, 5, tzinfo=dt.UTC))
    assert not partial_last_bar(day, None)


def test_basket_weight_covered_per_day_and_the_warning() -> None:
    days = pd.bdate_range("2025-01-01", periods=3)
    returns = pd.DataFrame({"NVDA": [0.01, 0.02, 0.0], "MSFT": [np.nan, 0.01, np.nan]}, index=days)
    weight = covered_weight(returns, {"NVDA": 1, "MSFT": 1, "AMD": 2})
    assert list(weight) == [0.25, 0.5, 0.25]
    flag = thin_basket_finding("ai_stocks", weight, ["NVDA", "MSFT", "AMD"])
    assert flag is not None and "under 80%" in flag.detail and "3 of 3" in flag.detail
    assert thin_basket_finding("x", pd.Series([1.0, 0.9], index=days[:2]), ["A"]) is None


def test_a_benchmark_equal_to_the_proxy_is_a_clear_error() -> None:
    with pytest.raises(BenchmarkIsProxyError, match="benchmark SPY is also its proxy"):
        check_benchmark("broad", ["SPY"], "SPY")
    check_benchmark("small_caps", ["IWM"], "SPY")
