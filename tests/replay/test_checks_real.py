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
    # the look-ahead changes the answer of the Preis rule on daily S&P 500 closes (measured:
    # +211% as labelled, -54% with each month's value used only after it ends); the rule refuses
    # a step series unless told (allow_steps), and weekly closes, so the daily file is used
    prices = read_series_csv(shared_data / "prices_indices_yf_2000-2022" / "^GSPC.csv", prefer=("Close",))
    as_labelled = preis_backtest(search, prices, delta_t=3, seed=0, allow_steps=True)
    honest = preis_backtest(usable.dropna(), prices, delta_t=3, seed=0, allow_steps=True)
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


def _closes(shared_data: Path, ticker: str) -> pd.Series:
    frame = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / f"{ticker}.csv", parse_dates=["Date"])
    return frame.set_index("Date")["Adj Close"].loc["2021-01-01":]


def test_a_streak_across_a_removed_iwm_bar_says_so(shared_data: Path) -> None:
    from attention.analysis.context import beat_streak, market_context

    iwm, spy = _closes(shared_data, "IWM"), _closes(shared_data, "SPY")
    # find a real streak of at least 4 sessions and end the data at its last session
    beat = (iwm.pct_change() > spy.pct_change()).astype(int)
    run = beat.groupby((beat != beat.shift()).cumsum()).cumsum()
    end = run[run >= 4].index[-1]
    iwm, spy = iwm[:end], spy[:end]
    full = market_context(iwm, spy, asof=end.date())
    assert full.streak >= 4 and not any("missing close" in n for n in full.notes)
    gap = iwm.index[-2]  # remove one bar inside the streak
    holed = market_context(iwm.drop(gap), spy, asof=end.date())
    assert any("missing close" in n and str(gap.date()) in n for n in holed.notes)
    assert holed.streak == beat_streak(iwm.drop(gap), spy)[0]


def test_context_on_prices_that_end_early_is_marked_stale(shared_data: Path) -> None:
    from attention.analysis.context import market_context

    iwm, spy = _closes(shared_data, "IWM"), _closes(shared_data, "SPY")
    # asked for the file's last day, the theme's prices stop five weeks earlier
    context = market_context(iwm[:"2022-10-14"], spy, asof=spy.index[-1].date())
    assert context.asof == dt.date(2022, 10, 14)
    assert any(n.startswith("stale: the latest prices are from 2022-10-14") for n in context.notes)
    fresh = market_context(iwm, spy, asof=spy.index[-1].date())
    assert not any(n.startswith("stale:") for n in fresh.notes)


def test_the_panel_leaves_a_missing_bar_unknown(shared_data: Path, default_config_path: Path) -> None:
    from attention.config import load_config
    from attention.panel.build import PanelInputs, build_theme_panel

    rows = []
    for ticker in ("IWM", "SPY"):
        closes = _closes(shared_data, ticker).loc["2022-05-02":"2022-06-30"]
        rows += [
            {"ticker": ticker, "date": d.date(), "close": c, "adj_close": c, "volume": 1.0}
            for d, c in closes.items()
            if not (ticker == "IWM" and d == pd.Timestamp("2022-06-15"))
        ]
    e = PanelInputs.empty()
    inputs = PanelInputs(pd.DataFrame(rows), e.flows, e.mentions, e.search)
    daily = build_theme_panel(inputs, load_config(default_config_path), "small_caps").daily
    assert pd.isna(daily.loc["2022-06-15", "theme_return"])  # unknown, not 0
    iwm = _closes(shared_data, "IWM")
    two_day = iwm.loc["2022-06-16"] / iwm.loc["2022-06-14"] - 1
    assert daily.loc["2022-06-16", "theme_return"] == pytest.approx(two_day)
