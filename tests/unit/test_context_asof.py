"""As-of honesty of market context (issue 15, item 4): every context carries the dates of the
data it was computed from, the date asked for and the lag in NYSE sessions; stale data says so
in words, in `attention context` (text and JSON) and in the report; a streak across a missing
bar says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.analysis.context import market_context, sessions_after
from attention.calendar import sessions_and_closes
from attention.cli import app
from attention.report.html_sections import market_context as context_section
from attention.store import Store


def _sessions(first: str, last: str) -> pd.DatetimeIndex:
    sessions, _ = sessions_and_closes(pd.Timestamp(first), pd.Timestamp(last))
    return sessions[(sessions >= first) & (sessions <= last)]


def _walk(days: pd.DatetimeIndex, seed: int, start: float = 100.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(start * np.cumprod(1 + rng.normal(0, 0.01, len(days))), index=days)


def test_prices_that_end_early_are_stale_in_nyse_sessions_and_in_words() -> None:
    days = _sessions("2024-01-02", "2024-06-28")
    theme, bench = _walk(days, 1)[:"2024-05-31"], _walk(days, 2)
    ctx = market_context(theme, bench, asof="2024-06-28", name="Small caps")
    # June 2024 has 20 weekdays and one holiday (Juneteenth): 19 sessions behind
    assert (ctx.data_from, ctx.data_as_of, ctx.requested) == (
        dt.date(2024, 1, 2),
        dt.date(2024, 5, 31),
        dt.date(2024, 6, 28),
    )
    assert ctx.stale and ctx.stale_sessions == 19 and ctx.asof == ctx.data_as_of
    text = ctx.summary()
    assert "Data as of 2024-05-31 (rows 2024-01-02..2024-05-31), asked for 2024-06-28" in text
    assert (
        "Stale: the latest prices are from 2024-05-31, 19 NYSE sessions before the requested "
        "2024-06-28; every figure here is as of 2024-05-31, not current"
    ) in text
    assert text.count("the latest prices are from") == 1  # the note is the Stale: line
    fresh = market_context(_walk(days, 1), bench, asof="2024-06-28")
    assert not fresh.stale and fresh.stale_sessions == 0 and "Stale" not in fresh.summary()


def test_the_lag_counts_sessions_not_weekdays() -> None:
    when = pd.Timestamp("2024-07-03")
    # 07-04 is Independence Day: to 07-09 it is 07-05, 07-08, 07-09 (three weekdays would be four)
    assert [sessions_after(when, d) for d in ("2024-07-05", "2024-07-08", "2024-07-09", "2024-07-10")] == [
        1,
        2,
        3,
        4,
    ]
    assert sessions_after(when, None) == 0 and sessions_after(when, "2024-07-01") == 0
    days = _sessions("2024-01-02", "2024-07-10")
    theme, bench = _walk(days, 3)[:"2024-07-03"], _walk(days, 4)
    assert not market_context(theme, bench, asof="2024-07-09").stale  # 3 sessions: not yet
    assert market_context(theme, bench, asof="2024-07-10").stale


def _beating(days: pd.DatetimeIndex) -> tuple[pd.Series, pd.Series]:
    """A theme that beats a flat-ish benchmark on each of the last 8 sessions."""
    bench = pd.Series(100 + 0.1 * (np.arange(len(days)) % 2), index=days)
    moves = np.where(np.arange(len(days)) < len(days) - 8, -0.01, 0.02)
    return pd.Series(100 * np.cumprod(1 + moves), index=days), bench


def test_a_streak_across_a_missing_bar_says_so() -> None:
    days = _sessions("2024-03-01", "2024-05-31")
    theme, bench = _beating(days)
    full = market_context(theme, bench, asof="2024-05-31")
    assert full.streak == 8 and full.streak_gaps == ()
    assert "missing bar" not in full.summary()
    gap = days[-3]
    holed = market_context(theme.drop(gap), bench, asof="2024-05-31")
    assert holed.streak_gaps == (gap.date(),) and holed.streak == 7
    assert f"across 1 missing bar(s) ({gap.date()}): the count may be off by as many" in holed.summary()
    # a bar missing from both series is a gap too (the two series alone cannot show it)
    both = market_context(theme.drop(gap), bench.drop(gap), asof="2024-05-31")
    assert both.streak_gaps == (gap.date(),)
    assert any(n.startswith("the streak spans 1 session(s) with a missing close") for n in both.notes)


def test_the_report_marks_stale_themes_and_streak_gaps(default_config_path: Path) -> None:
    from attention.config import load_config

    days = _sessions("2024-01-02", "2024-06-28")
    theme, bench = _beating(days)
    stale = market_context(theme[:"2024-05-31"], bench, asof="2024-06-28")
    holed = market_context(theme.drop(days[-3]), bench, asof="2024-06-28")
    themes = {
        "a": SimpleNamespace(theme="small_caps", label="Small caps", context=stale),
        "b": SimpleNamespace(theme="ai_stocks", label="AI stocks", context=holed),
    }
    data = SimpleNamespace(analysis=SimpleNamespace(themes=themes), config=load_config(default_config_path))
    html = context_section(data)  # type: ignore[arg-type]  # only these attributes are read
    assert "2024-05-31 (stale)" in html and "2024-06-28 (stale)" not in html
    assert f"across 1 missing bar(s) ({days[-3].date()})" in html


def test_cli_context_carries_the_dates_and_says_stale(config_path: Path) -> None:
    from attention.config import load_config

    days = _sessions("2023-06-01", "2024-06-28")
    rows = []
    for ticker, closes in (
        ("IWM", _walk(days, 5)[:"2024-05-31"]),
        ("SPY", _walk(days, 6, 400.0)),
        ("QQQ", _walk(days, 7, 300.0)),
    ):
        rows += [
            {"ticker": ticker, "date": d.date(), "close": c, "adj_close": c, "volume": 1e6}
            for d, c in closes.items()
        ]
    with Store(load_config(config_path).store.path) as store:
        store.upsert_frame("prices", pd.DataFrame(rows), ["ticker", "date"])
    runner = CliRunner()
    args = ["context", "--config", str(config_path), "--asof", "2024-06-28"]
    out = runner.invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    small = json.loads(out.stdout)["small_caps"]["context"]
    assert small["data_as_of"] == "2024-05-31" and small["requested"] == "2024-06-28"
    assert small["data_from"] == "2023-06-01" and small["stale"] is True
    assert small["stale_sessions"] == 19 and small["streak_gaps"] == []
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "Data as of 2024-05-31 (rows 2023-06-01..2024-05-31), asked for 2024-06-28" in text.stdout
    assert "Stale: the latest prices are from 2024-05-31, 19 NYSE sessions before" in text.stdout


def _real(shared_data: Path, ticker: str) -> pd.Series:
    frame = pd.read_csv(shared_data / "prices_indices_yf_2000-2022" / f"{ticker}.csv", parse_dates=["Date"])
    return frame.set_index("Date")["Adj Close"].loc["2021-01-01":]


@pytest.mark.shared
def test_real_iwm_a_removed_bar_in_the_streak_and_prices_that_end_early(shared_data: Path) -> None:
    iwm, spy = _real(shared_data, "IWM"), _real(shared_data, "SPY")
    beat = (iwm.pct_change() > spy.pct_change()).astype(int)
    run = beat.groupby((beat != beat.shift()).cumsum()).cumsum()
    end = run[run >= 4].index[-1]  # the last real streak of 4 sessions or more
    iwm, spy = iwm[:end], spy[:end]
    full = market_context(iwm, spy, asof=end.date())
    assert full.streak >= 4 and full.streak_gaps == () and not full.stale
    gap = iwm.index[-2]
    holed = market_context(iwm.drop(gap), spy, asof=end.date())
    assert holed.streak_gaps == (gap.date(),)
    assert f"across 1 missing bar(s) ({gap.date()})" in holed.summary()
    # the file ends 2022-11-18; IWM cut at 2022-10-14 is 25 NYSE sessions behind it
    late = market_context(
        _real(shared_data, "IWM")[:"2022-10-14"], _real(shared_data, "SPY"), asof="2022-11-18"
    )
    assert (late.data_as_of, late.stale, late.stale_sessions) == (dt.date(2022, 10, 14), True, 25)
    assert late.data_from == dt.date(2021, 1, 4)
    assert (
        "Stale: the latest prices are from 2022-10-14, 25 NYSE sessions before the requested 2022-11-18"
        in (late.summary())
    )


def test_cli_context_before_any_price_says_so(config_path: Path) -> None:
    from attention.config import load_config

    days = _sessions("2024-01-02", "2024-03-28")
    rows = [
        {"ticker": t, "date": d.date(), "close": c, "adj_close": c, "volume": 1e6}
        for t, seed in (("IWM", 8), ("SPY", 9))
        for d, c in _walk(days, seed).items()
    ]
    with Store(load_config(config_path).store.path) as store:
        store.upsert_frame("prices", pd.DataFrame(rows), ["ticker", "date"])
    out = CliRunner().invoke(app, ["context", "--config", str(config_path), "--asof", "2023-12-29", "--json"])
    assert out.exit_code == 0, out.output
    small = json.loads(out.stdout)["small_caps"]
    assert small["context"] is None
    assert small["notes"] == [
        "market context skipped: no prices for IWM, SPY on or before 2023-12-29 (pick a later --asof)"
    ]
    # a basket with no member priced at all: no later date would help, so none is suggested
    ai = json.loads(out.stdout)["ai_stocks"]
    assert ai["context"] is None
    assert ai["notes"] == [
        "market context skipped: no prices stored for NVDA, AVGO, AMD, PLTR, TSM, ARM; "
        "no prices for SPY on or before 2023-12-29 (pick a later --asof)"
    ]
