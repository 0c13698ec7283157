"""The rankings in words, for `attention rank` and the report: one place that says what the
windows are, how much of them was watched, and when a change is "n/a" or "new".

Pure: rows of :func:`attention.rankings.mentions.rank_mentions` (as mappings) in, text out.
A change against a window watched less than :data:`~attention.rankings.mentions.COMPARABLE` is
"n/a" (not observed is not zero, so not a rise from it); against a watched window with no
mentions it is "new".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from attention.rankings.mentions import COMPARABLE, WINDOWS, comparable

# The windows as people say them, in the order of WINDOWS.
WINDOW_WORDS = {
    "day": "the last 24 hours",
    "day_before": "the 24 hours before",
    "week": "the last 7 days",
    "week_before": "the 7 days before",
}
NOT_COMPARABLE = "n/a"
NEW = "new"


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def end_text(end: Any) -> str:
    """``2024-07-02 19:12 UTC``: the minute the windows end in (the end itself is exclusive)."""
    stamp = pd.Timestamp(end)
    stamp = stamp.tz_localize("UTC") if stamp.tz is None else stamp.tz_convert("UTC")
    return (stamp - dt.timedelta(microseconds=1)).strftime("%Y-%m-%d %H:%M UTC")


def title(what: str, end: Any) -> str:
    """``Themes by mentions in the 24 hours to 2024-07-02 19:12 UTC``."""
    return f"{what} by mentions in the 24 hours to {end_text(end)}"


STALE_DAYS = 3  # windows ending more days than this before the day asked for are not current


def behind_line(end: Any, as_of: dt.date | None) -> str:
    """A sentence when the windows (which end just after the newest stored mention) end more
    than :data:`STALE_DAYS` days before ``as_of``: the ranking is that of an earlier day, stale,
    not the report day's ("" otherwise)."""
    if as_of is None:
        return ""
    newest = pd.Timestamp(end_text(end)[:10]).date()
    days = (as_of - newest).days
    if days <= STALE_DAYS:
        return ""
    return (
        f"Stale: the newest stored mention is from {newest}, {days} days before {as_of}; these are "
        f"the counts of the 24 hours and 7 days to {end_text(end)}, not current."
    )


def watched(row: Mapping[str, Any]) -> dict[str, float]:
    """The watched fraction of each window, from a row's ``watched_*`` columns."""
    return {w: float(row[f"watched_{w}"]) for w in WINDOWS}


def watched_line(row: Mapping[str, Any], by_source: Mapping[str, Mapping[str, float]] | None = None) -> str:
    """How much of each window the sources were watched (each source's share in brackets where
    they differ, ``by_source`` as :func:`attention.rankings.load.watched_by_source` gives it),
    and what that means for changes."""
    fractions = watched(row)
    by_source = by_source or {}
    parts = ", ".join(f"{WINDOW_WORDS[w]} {fractions[w]:.0%}{_sources(by_source, w)}" for w in WINDOWS)
    line = f"Watched: {parts}."
    short = [w for w in WINDOWS if fractions[w] < COMPARABLE]
    if short:
        line += (
            f" A change against a window watched less than {COMPARABLE:.0%} is {NOT_COMPARABLE}"
            " (what was not observed is not zero)."
        )
    return line


def _sources(by_source: Mapping[str, Mapping[str, float]], window: str) -> str:
    """`` (news 0%, reddit 100%)`` when the sources were watched differently in ``window``."""
    shares = {source: f"{fractions[window]:.0%}" for source, fractions in sorted(by_source.items())}
    if len(set(shares.values())) < 2:
        return ""
    return " (" + ", ".join(f"{source} {share}" for source, share in shares.items()) + ")"


def change(row: Mapping[str, Any], window: str) -> str:
    """The change of ``window`` ("day" or "week") against the one before it, in words:
    "+56%", "n/a", "new", or "–" (nothing either time)."""
    if not comparable(watched(row), window, f"{window}_before"):
        return NOT_COMPARABLE
    pct, now = row[f"change_{window}_pct"], row[f"mentions_{window}"]
    if _missing(pct):
        return NEW if not _missing(now) and now > 0 else "–"
    return f"{pct:+.0f}%" if round(pct) else "0%"


def rank_change(row: Mapping[str, Any]) -> str:
    """Places gained (+) or lost (-) since the day before, "new" (no mentions then, some now),
    "–" (none either day) or "n/a" (a day not watched enough to rank)."""
    if not comparable(watched(row), "day", "day_before"):
        return NOT_COMPARABLE
    value = row["rank_change"]
    if _missing(value):
        return NEW if not _missing(row["mentions_day"]) and row["mentions_day"] > 0 else "–"
    return f"{int(value):+d}" if value else "0"


def count(value: Any) -> str:
    """A count, or "n/a" where the window was never watched."""
    return NOT_COMPARABLE if _missing(value) else f"{int(value):,}"


def authors(value: Any) -> str:
    return "?" if _missing(value) else f"{int(value):,}"


def authors_note(rows: pd.DataFrame) -> str | None:
    """A note when some rows' authors are unknown (their items carry no author)."""
    if rows.empty or not rows["authors_week"].isna().any():
        return None
    return (
        "Authors ?: unknown, the items carry no author (e.g. an imported file without an author "
        "column); unknown is not 0."
    )
