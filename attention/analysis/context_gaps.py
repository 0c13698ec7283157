"""Missing sessions and staleness behind the market-context figures (issue 15, item 4).

A figure computed across a missing price bar says so: the beat streak counts the move across
each missing session as one session, and RSI(14) smooths the change across it as one change, so
both may be off; a YTD whose base bar (the previous year's last session) is missing is measured
from an earlier close. ``streak_gaps`` / ``rsi_gaps`` list the NYSE sessions without a close
inside each figure's window; the notes put them in words. The stale note says how far the data
lags the date asked for, and names "today" as such when no date was asked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from attention.calendar import STALE_SESSIONS, sessions_and_closes

STALE_PREFIX = "stale: "
STREAK_PREFIX = "the streak spans "
RSI_PREFIX = "RSI(14) spans "
BASE_PREFIX = "YTD base: "


def asked_text(requested: dt.date | None, today: dt.date | None = None) -> str:
    """The date asked for in words: "today (<date>)" when it is today's date (``attention
    context`` without ``--asof`` judges the data against today), else "the requested <date>"."""
    today = today or dt.datetime.now(dt.UTC).date()
    return f"today ({requested})" if requested == today else f"the requested {requested}"


def asked_clause(requested: dt.date | None, last: dt.date, today: dt.date | None = None) -> str:
    """ ", asked for <date>" after the data's dates when a later date was asked for; without one
    (``requested`` is today's date) ", judged against today (<date>)"."""
    if requested is None or requested == last:
        return ""
    today = today or dt.datetime.now(dt.UTC).date()
    return f", judged against today ({requested})" if requested == today else f", asked for {requested}"


def sessions_after(when: pd.Timestamp, asof: dt.date | str | None) -> int:
    """NYSE sessions after ``when`` up to and including ``asof`` (0 without an ``asof``)."""
    if asof is None or pd.Timestamp(asof) <= when:
        return 0
    sessions, _ = sessions_and_closes(when, pd.Timestamp(asof))
    return int(((sessions > when) & (sessions <= pd.Timestamp(asof))).sum())


def stale_note(asof: dt.date | str | None, when: pd.Timestamp, lag: int) -> list[str]:
    """A note in words when the context date lags the requested date by over STALE_SESSIONS
    NYSE sessions: the figures are those of ``when``, not current."""
    if asof is None or lag <= STALE_SESSIONS:
        return []
    return [
        f"{STALE_PREFIX}the latest prices are from {when.date()}, {lag} NYSE sessions before "
        f"{asked_text(pd.Timestamp(asof).date())}; every figure here is as of {when.date()}, not current"
    ]


def missing_sessions(index: pd.DatetimeIndex, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[dt.date, ...]:
    """NYSE sessions strictly after ``lo`` up to ``hi`` that are not in ``index``."""
    sessions, _ = sessions_and_closes(lo, hi)
    window = sessions[(sessions > lo) & (sessions <= hi)]
    return tuple(d.date() for d in window.difference(index))


def streak_gaps(
    theme: pd.Series, benchmark: pd.Series, start: dt.date | None, when: pd.Timestamp
) -> tuple[dt.date, ...]:
    """NYSE sessions the current streak spans without a close of both series: from the session
    after the last common close before ``start`` to ``when``. The move across each is counted
    as one session, so the streak may be off by as many."""
    if start is None:
        return ()
    common = theme.index.intersection(benchmark.index)
    before = common[common < pd.Timestamp(start)]
    lo = before[-1] if len(before) else pd.Timestamp(start)
    return missing_sessions(common, lo, when)


def rsi_gaps(closes: pd.Series, period: int = 14) -> tuple[dt.date, ...]:
    """NYSE sessions without a close inside the window of the last ``period`` changes RSI is
    computed from (the ``period + 1`` last closes); () when there are too few closes."""
    if len(closes) < period + 1:
        return ()
    return missing_sessions(closes.index, closes.index[-period - 1], closes.index[-1])


def gap_text(gaps: tuple[dt.date, ...]) -> str:
    """Missing bars in words ("" when there are none)."""
    if not gaps:
        return ""
    more = " ..." if len(gaps) > 5 else ""
    return f"across {len(gaps)} missing bar(s) ({', '.join(str(d) for d in gaps[:5])}{more})"


def gap_notes(streak: tuple[dt.date, ...], rsi: tuple[dt.date, ...]) -> list[str]:
    """The notes for a streak and an RSI window that span missing sessions."""
    notes = []
    if streak:
        days = ", ".join(str(d) for d in streak[:5])
        notes.append(
            f"{STREAK_PREFIX}{len(streak)} session(s) with a missing close ({days}): the move across "
            "each gap is counted as one session, so the streak may be off by as many"
        )
    if rsi:
        days = ", ".join(str(d) for d in rsi[:5])
        notes.append(
            f"{RSI_PREFIX}{len(rsi)} session(s) with a missing close ({days}): the change across "
            "each gap is smoothed as one change, so RSI(14) is not that of 14 sessions"
        )
    return notes


def ytd_base_note(closes: pd.Series, when: pd.Timestamp, what: str) -> list[str]:
    """A note when the YTD base of ``what`` is not the close of the previous year's last NYSE
    session (that bar is missing, so an earlier close stands in for it)."""
    year_start = pd.Timestamp(when.year, 1, 1)
    before = closes[: year_start - pd.Timedelta(days=1)]
    if before.empty:
        return []  # no close before the year: ytd_return says so already
    sessions, _ = sessions_and_closes(year_start - pd.Timedelta(days=10), year_start)
    last = sessions[sessions < year_start][-1]
    if before.index[-1] >= last:
        return []
    return [
        f"{BASE_PREFIX}{what} has no close on {last.date()}, the last session of {last.year}; "
        f"its YTD is from the close of {before.index[-1].date()}"
    ]
