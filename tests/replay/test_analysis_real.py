"""The analysis on real recorded data (../shared/data): market context on IWM vs SPY, the Preis
rule on the weekly "stock market crash" search series vs S&P 500 closes, and the feedback
tests on real weekly search and returns."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.analysis.context import market_context
from attention.analysis.errors import AnalysisInputError
from attention.analysis.feedback import feedback_tests
from attention.analysis.preis import preis_backtest
from attention.imports.series_csv import read_series_csv

PRICES = "prices_indices_yf_2000-2022"
MOOD = "market_mood_2004_2026"


def _closes(shared_data: Path, ticker: str, column: str = "Adj Close") -> pd.Series:
    return read_series_csv(shared_data / PRICES / f"{ticker}.csv", column=column)


def test_market_context_iwm_vs_spy(shared_data: Path) -> None:
    iwm, spy, qqq = (_closes(shared_data, t) for t in ("IWM", "SPY", "QQQ"))
    ctx = market_context(iwm, spy, asof="2021-12-31", other=qqq, name="small caps")
    # independent arithmetic on the same files
    year_base = iwm[:"2020-12-31"].iloc[-1]
    assert ctx.ytd_return == pytest.approx(iwm["2021-12-31"] / year_base - 1)
    assert ctx.ytd_return < ctx.benchmark_ytd_return  # 2021: small caps lagged the S&P 500
    joined = pd.concat([iwm, spy], axis=1, join="inner").loc[:"2021-12-31"].pct_change()
    beat = (joined.iloc[:, 0] > joined.iloc[:, 1]).to_numpy()[::-1]
    expected = int(np.argmin(beat)) if not beat.all() else len(beat)
    assert ctx.streak == expected
    assert 0 < ctx.rsi14 < 100
    assert ctx.seasonal is not None and ctx.seasonal.n_years >= 20
    assert ctx.asof == dt.date(2021, 12, 31)


def test_the_other_index_ending_earlier_is_compared_on_its_last_close(shared_data: Path) -> None:
    """QQQ cut at 2022-09-30, IWM and SPY to 2022-11-18: the 3-month comparison is of the same
    window for both (to 2022-09-30) and says so, not IWM to 11-18 against QQQ to 09-30."""
    iwm, spy, qqq = (_closes(shared_data, t) for t in ("IWM", "SPY", "QQQ"))
    qqq.name = "QQQ"
    ctx = market_context(iwm, spy, asof="2022-11-18", other=qqq[:"2022-09-30"])
    both = iwm["2022-09-30"] / iwm[:"2022-06-30"].iloc[-1] - qqq["2022-09-30"] / qqq[:"2022-06-30"].iloc[-1]
    assert ctx.return_vs_other_3m == pytest.approx(both)
    assert "3-month return vs QQQ as of 2022-09-30, its last close" in ctx.notes
    assert "note: 3-month return vs QQQ as of 2022-09-30, its last close" in ctx.summary()
    # with QQQ to the same date: no note, the window ends on the context date
    full = market_context(iwm, spy, asof="2022-11-18", other=qqq)
    assert not [n for n in full.notes if n.startswith("3-month return vs")]
    expected = iwm.iloc[-1] / iwm[:"2022-08-18"].iloc[-1] - qqq.iloc[-1] / qqq[:"2022-08-18"].iloc[-1]
    assert full.return_vs_other_3m == pytest.approx(expected)


def test_preis_rule_on_real_weekly_search_and_sp500(shared_data: Path) -> None:
    search = read_series_csv(shared_data / MOOD / "google_trends.csv")
    gspc = _closes(shared_data, "^GSPC", column="Close")
    with pytest.raises(AnalysisInputError, match="monthly values copied onto weeks"):
        preis_backtest(search, gspc, delta_t=3, n_random=0, weeks="end")
    result = preis_backtest(search, gspc, delta_t=3, n_random=2000, seed=7, allow_steps=True)
    assert "look-ahead" in result.notes[0]
    costs = {row.bp_per_side: row.cumulative_return for row in result.costs}
    assert costs[0] > costs[5] > costs[10] > costs[20]  # about 600 round trips: costs dominate
    assert len(result.trades) > 500
    first, last = result.trades[0], result.trades[-1]
    assert result.buy_and_hold == pytest.approx(last.exit_price / first.entry_price - 1)
    # every trade enters on the first session after its week and exits a week later
    for trade in result.trades[:50]:
        assert trade.entry_date > trade.week_end
        assert gspc[trade.week_end : trade.entry_date].index[-1] == trade.entry_date
        assert dt.timedelta(days=5) <= trade.exit_date - trade.entry_date <= dt.timedelta(days=9)
    factors = np.prod([t.factor for t in result.trades])
    assert result.cumulative_return == pytest.approx(factors - 1)
    assert abs(result.random_mean) < 3 * result.random_std


def test_weekly_sp500_csv_with_second_header_row(shared_data: Path) -> None:
    weekly = read_series_csv(shared_data / MOOD / "sp500_data.csv", prefer=("Close",))
    assert weekly.index[0] == pd.Timestamp("2004-01-02")
    assert weekly.iloc[0] == pytest.approx(1126.33, abs=0.01)


def test_feedback_tests_on_real_weekly_data(shared_data: Path) -> None:
    search = read_series_csv(shared_data / MOOD / "google_trends.csv")
    sp = read_series_csv(shared_data / MOOD / "sp500_data.csv", prefer=("Close",))
    frame = pd.DataFrame({"attention": search, "excess_return": sp.pct_change()}).dropna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = feedback_tests(frame, theme="S&P 500 vs crash searches", capital=())
    assert {(t.causing, t.caused) for t in result.tests} == {
        ("attention", "excess_return"),
        ("excess_return", "attention"),
    }
    for test in result.tests:
        assert test.nobs > 1000 and 0 <= test.pvalue <= 1 and test.qvalue >= test.pvalue
    assert result.verdict().startswith("S&P 500 vs crash searches:")
