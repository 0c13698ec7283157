"""Input checks on real recorded data: the market_mood search series (monthly values copied onto
weeks), a real weekly Trends export, and real IWM bars with one bar removed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from attention.analysis.preis import preis_backtest
from attention.checks.series import detect_step, step_finding
from attention.checks.sessions import missing_sessions
from attention.imports.series_csv import read_series_csv

pytestmark = pytest.mark.shared


def test_the_monthly_filled_search_series_is_a_step_series(shared_data: Path) -> None:
    folder = shared_data / "market_mood_2004_2026"
    search = read_series_csv(folder / "google_trends.csv")
    step = detect_step(search)
    assert step is not None and step.name == "month" and step.changes > 200
    finding, usable = step_finding("stock market crash", search)
    assert finding is not None and finding.first == dt.date(2004, 1, 2)
    # each week holds the last ended month's value: never the value of its own month
    months = pd.DatetimeIndex(search.index).to_period("M")
    previous = search.groupby(months.to_numpy()).first().shift(1)
    assert (usable.dropna() == previous.reindex(months[usable.notna()]).to_numpy()).all()
    # the look-ahead changes the answer of the Preis rule (measured: +90% as labelled, -34%)
    prices = read_series_csv(folder / "sp500_data.csv", prefer=("Close",))
    as_labelled = preis_backtest(search, prices, delta_t=3, seed=0)
    honest = preis_backtest(usable.dropna(), prices, delta_t=3, seed=0)
    assert as_labelled.cumulative_return > 0.5 and honest.cumulative_return < 0


def test_real_weekly_trends_are_not_step_series(shared_data: Path) -> None:
    path = shared_data / "ai_tool_search_trends_2022-2025" / "gen_ai_trends.csv"
    for column in ("ChatGPT", "Gemini (Google)", "Midjourney"):
        assert detect_step(read_series_csv(path, column=column)) is None, column


def test_a_removed_iwm_bar_is_a_missing_session(shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / "IWM.csv", parse_dates=["Date"])
    recent = frame[frame["Date"] >= "2021-01-01"]
    assert len(missing_sessions(recent["Date"])) == 0  # the real file has every session
    removed = recent[recent["Date"] != "2021-06-15"]
    assert [d.date() for d in missing_sessions(removed["Date"])] == [dt.date(2021, 6, 15)]
