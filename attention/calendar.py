"""The exchange calendar and lookahead-safe time alignment (DESIGN.md 5, "Time alignment"),
shared by the panel, the price collector and the simulated world.

Every observation is assigned to the first NYSE session at whose close it was already known:

* **Text items** (Reddit, news): the first session whose close is strictly after the item's
  UTC timestamp. The close comes from the exchange calendar, so it is 16:00 America/New_York on
  normal days and 13:00 on early-close days; weekends and holidays roll forward. A comment at
  15:59 New York time counts toward that day's close, one at 16:00 or later toward the next.
* **Daily search** for calendar day ``d``: Google's day is complete only when ``d`` ends, after
  that day's close, so it is usable at the close of the first session strictly after ``d``
  (Friday, Saturday and Sunday all land on Monday).
* **Weekly search**: rows are labelled by the week's last day (Saturday for Google's Sun-Sat
  weeks); the week is usable at the close of the first session strictly after that day, i.e.
  normally the following Monday. The same rule as daily search, applied to the label.
* **Prices and flows** dated ``d`` belong to session ``d`` (or the next session if ``d`` is not
  one); a close is known at the close.

Weekly panel rows are trading weeks (Monday-Friday), labelled by their last session, and hold
what was known by that session's close: returns from the previous week's last close, text
items up to the close, and the search week that became usable during the trading week (so the
search in a row is the Google week that ended on the Saturday before it).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import pandas as pd

CALENDAR = "XNYS"
# data ending more NYSE sessions than this before the date asked for is stale (one threshold for
# the verdicts, market context and the panel notes)
STALE_SESSIONS = 3


@functools.lru_cache(maxsize=8)
def _calendar(start_year: int, end_year: int) -> Any:  # an ExchangeCalendar (an untyped library)
    import exchange_calendars as xcals

    return xcals.get_calendar(CALENDAR, start=f"{start_year}-01-01", end=f"{end_year}-12-31")


def sessions_and_closes(
    start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp
) -> tuple[pd.DatetimeIndex, pd.Series]:
    """NYSE sessions covering ``start..end`` plus a margin after ``end`` (so that late items
    still find their session), and each session's close in UTC."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    cal = _calendar(max(start.year, 1990), end.year + 1)
    closes = cal.closes
    return closes.index, closes


def session_for_timestamps(times: pd.Series, closes: pd.Series) -> pd.Series:
    """First session whose close is strictly after each UTC timestamp (NaT past the end)."""
    stamps = _naive_ns(pd.to_datetime(times, utc=True).dt.tz_convert(None))
    close_values = _naive_ns(closes.dt.tz_convert(None))
    pos = np.searchsorted(close_values, stamps, side="right")
    return _pick(closes.index, pos, times.index)


def session_after_day(days: pd.Series, sessions: pd.DatetimeIndex) -> pd.Series:
    """First session strictly after each calendar day (for search data)."""
    pos = np.searchsorted(_naive_ns(sessions), _naive_ns(pd.to_datetime(days)), side="right")
    return _pick(sessions, pos, days.index)


def session_on_or_after(days: pd.Series, sessions: pd.DatetimeIndex) -> pd.Series:
    """The session on each day, or the next one (for prices and flows)."""
    pos = np.searchsorted(_naive_ns(sessions), _naive_ns(pd.to_datetime(days)), side="left")
    return _pick(sessions, pos, days.index)


def _naive_ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Naive datetime64[ns] numpy values (pandas 3 may carry other resolutions)."""
    return np.asarray(values, dtype="datetime64[ns]")


def _pick(sessions: pd.DatetimeIndex, pos: np.ndarray, index: pd.Index) -> pd.Series:
    ok = pos < len(sessions)
    out = np.full(len(pos), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[ok] = _naive_ns(sessions)[pos[ok]]
    return pd.Series(out, index=index)


def week_labels(sessions: pd.DatetimeIndex) -> pd.Series:
    """Map each session to the last session of its Monday-Friday trading week."""
    week = pd.Series(sessions.to_period("W-FRI"), index=sessions)
    last = pd.Series(sessions, index=sessions).groupby(week.to_numpy()).transform("max")
    return pd.Series(last.to_numpy(), index=sessions)
