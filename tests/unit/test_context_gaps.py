"""Market-context figures across a missing price bar say so (issue 15, item 4): RSI(14) whose
window spans a missing session, and the stale note without a requested date ("today")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.analysis.context import market_context, rsi_wilder
from attention.analysis.context_gaps import asked_clause, asked_text, rsi_gaps
from attention.calendar import sessions_and_closes


def _sessions(first: str, last: str) -> pd.DatetimeIndex:
    sessions, _ = sessions_and_closes(pd.Timestamp(first), pd.Timestamp(last))
    return sessions[(sessions >= first) & (sessions <= last)]


def _walk(days: pd.DatetimeIndex, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, len(days))), index=days)


def test_rsi_window_across_a_missing_session_is_named() -> None:
    days = _sessions("2024-03-01", "2024-05-31")
    theme, bench = _walk(days, 1), _walk(days, 2)
    full = market_context(theme, bench, asof="2024-05-31")
    assert full.rsi_gaps == () and "missing bar" not in full.summary().split("RSI(14)")[1]
    gap = days[-5]  # inside the last 15 closes
    holed = market_context(theme.drop(gap), bench, asof="2024-05-31")
    assert holed.rsi_gaps == (gap.date(),)
    assert holed.rsi14 != pytest.approx(full.rsi14)  # the missing bar does change the figure
    assert f"RSI(14) {holed.rsi14:.1f}, across 1 missing bar(s) ({gap.date()})" in holed.summary()
    assert any(n.startswith("RSI(14) spans 1 session(s) with a missing close") for n in holed.notes)
    # a bar missing before the window is not in it
    early = market_context(theme.drop(days[-30]), bench, asof="2024-05-31")
    assert early.rsi_gaps == ()


def test_rsi_gaps_counts_only_nyse_sessions() -> None:
    # 2024-07-04 is a holiday, not a missing bar; 2024-07-05 removed is one
    days = _sessions("2024-06-01", "2024-07-12")
    closes = pd.Series(np.arange(len(days), dtype=float), index=days)
    assert rsi_gaps(closes) == ()
    assert rsi_gaps(closes.drop(pd.Timestamp("2024-07-05"))) == (dt.date(2024, 7, 5),)
    assert rsi_gaps(closes[:10]) == ()  # too few closes for an RSI: no window


def test_the_stale_date_is_today_when_none_was_asked() -> None:
    today = dt.date(2026, 12, 6)
    assert asked_text(today, today) == "today (2026-12-06)"
    assert asked_text(dt.date(2026, 11, 2), today) == "the requested 2026-11-02"
    assert asked_clause(dt.date(2026, 11, 2), dt.date(2026, 10, 30), today) == ", asked for 2026-11-02"
    assert asked_clause(today, dt.date(2026, 10, 30), today) == ", judged against today (2026-12-06)"
    assert asked_clause(today, today, today) == "" and asked_clause(None, today, today) == ""
    days = _sessions("2024-01-02", "2024-06-28")
    now = dt.datetime.now(dt.UTC).date()
    ctx = market_context(_walk(days, 1), _walk(days, 2), asof=now)
    assert ctx.stale and f"before today ({now})" in ctx.summary()
    assert "the requested" not in ctx.summary() and "asked for" not in ctx.summary()
    assert f", judged against today ({now})" in ctx.summary()


@pytest.mark.shared
def test_real_iwm_rsi_with_a_removed_bar_says_so(shared_data: Path) -> None:
    def closes(name: str) -> pd.Series:
        frame = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / name, parse_dates=["Date"])
        return frame.set_index("Date")["Close"]

    iwm, spy = closes("IWM.csv"), closes("SPY.csv")
    full = market_context(iwm, spy, asof="2022-11-18")
    removed = pd.Timestamp("2022-11-10")
    holed = market_context(iwm.drop(removed), spy, asof="2022-11-18")
    assert full.rsi_gaps == () and holed.rsi_gaps == (removed.date(),)
    assert round(full.rsi14, 1) != round(holed.rsi14, 1)
    assert rsi_wilder(iwm[:"2022-11-18"]) == pytest.approx(full.rsi14)
    print(f"IWM RSI(14) 2022-11-18: full {full.rsi14:.2f}, without 11-10 {holed.rsi14:.2f}")
    print(holed.summary())


def test_a_missing_year_end_bar_moves_the_ytd_base_and_says_so() -> None:
    days = _sessions("2023-11-01", "2024-02-29")
    theme, bench = _walk(days, 5), _walk(days, 6)
    full = market_context(theme, bench, asof="2024-02-29")
    assert not any(n.startswith("YTD base") for n in full.notes)
    holed = market_context(theme.drop(pd.Timestamp("2023-12-29")), bench, asof="2024-02-29")
    assert holed.ytd_return == pytest.approx(theme["2024-02-29"] / theme["2023-12-28"] - 1)
    assert (
        "note: YTD base: the theme has no close on 2023-12-29, the last session of 2023; its YTD is "
        "from the close of 2023-12-28"
    ) in holed.summary()
    # the benchmark's own missing year-end bar is named as the benchmark's
    bench_hole = market_context(theme, bench.drop(pd.Timestamp("2023-12-29")), asof="2024-02-29")
    assert [n for n in bench_hole.notes if n.startswith("YTD base")] == [
        "YTD base: the benchmark has no close on 2023-12-29, the last session of 2023; its YTD is "
        "from the close of 2023-12-28"
    ]


@pytest.mark.shared
def test_real_iwm_without_its_2021_year_end_bar(shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / "IWM.csv", parse_dates=["Date"])
    iwm = frame.set_index("Date")["Close"]
    spy = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / "SPY.csv", parse_dates=["Date"])
    spy_close = spy.set_index("Date")["Close"]
    full = market_context(iwm, spy_close, asof="2022-11-18")
    holed = market_context(iwm.drop(pd.Timestamp("2021-12-31")), spy_close, asof="2022-11-18")
    print(f"IWM YTD 2022-11-18: full {full.ytd_return:+.2%}, without 2021-12-31 {holed.ytd_return:+.2%}")
    assert round(full.ytd_return, 4) != round(holed.ytd_return, 4)
    assert any(
        n.startswith("YTD base: the theme has no close on 2021-12-31") and "from the close of 2021-12-30" in n
        for n in holed.notes
    )
