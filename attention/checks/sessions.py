"""Price and shares dates against the NYSE calendar: sessions missing from a series, a last bar
fetched before its session closed, and records dated on a day without a session (a holiday,
a weekend), which belong to the next session and must never be dropped."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from attention.calendar import sessions_and_closes
from attention.checks.findings import Finding


def sessions_between(first: dt.date, last: dt.date) -> pd.DatetimeIndex:
    """NYSE sessions from ``first`` to ``last`` inclusive."""
    sessions, _ = sessions_and_closes(pd.Timestamp(first), pd.Timestamp(last))
    return sessions[(sessions >= pd.Timestamp(first)) & (sessions <= pd.Timestamp(last))]


def missing_sessions(dates: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Sessions between the first and the last date that have no row."""
    stamps = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates))).normalize().unique().sort_values()
    if len(stamps) < 2:
        return pd.DatetimeIndex([])
    expected = sessions_between(stamps[0].date(), stamps[-1].date())
    return expected.difference(stamps)


def to_next_session(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each date's session: itself on a trading day, else the next session (a Good Friday
    shares change belongs to the Monday after). Returns the sessions and a mask of the dates
    that were moved."""
    stamps = pd.to_datetime(dates).dt.normalize()
    if stamps.empty:
        return stamps, pd.Series(False, index=dates.index)
    sessions = sessions_between(stamps.min().date(), (stamps.max() + pd.Timedelta(days=10)).date())
    position = sessions.searchsorted(stamps.to_numpy(), side="left")
    mapped = pd.Series(sessions[position], index=dates.index)
    return mapped, mapped != stamps


def partial_last_bar(last_date: dt.date, retrieved_at: dt.datetime | None) -> bool:
    """Whether the bar of ``last_date`` was fetched before that session's close (an intraday
    value that will still change)."""
    if retrieved_at is None:
        return False
    _, closes = sessions_and_closes(pd.Timestamp(last_date), pd.Timestamp(last_date))
    stamp = pd.Timestamp(last_date)
    if stamp not in closes.index:
        return False
    return _utc(pd.Timestamp(retrieved_at)) < _utc(pd.Timestamp(closes.loc[stamp]))


def _utc(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def session_findings(ticker: str, dates: pd.Series, last_retrieved: dt.datetime | None) -> list[Finding]:
    """Missing sessions and a partial last bar of one ticker's price dates."""
    out = []
    missing = missing_sessions(dates)
    if len(missing):
        shown = ", ".join(str(d.date()) for d in missing[:5]) + (" ..." if len(missing) > 5 else "")
        out.append(
            Finding(
                "missing_sessions",
                ticker,
                f"{len(missing)} NYSE session(s) without a price between its first and last bar "
                f"({shown}); returns across them span more than one session",
                missing[0].date(),
                missing[-1].date(),
            )
        )
    if len(dates):
        last = pd.to_datetime(pd.Series(dates)).max().date()
        if partial_last_bar(last, last_retrieved):
            out.append(
                Finding(
                    "partial_bar",
                    ticker,
                    "the last bar was fetched before the session closed (intraday, will change)",
                    last,
                    last,
                )
            )
    return out
