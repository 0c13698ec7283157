"""Which Google Trends payloads to ask for (pure functions: dates and term lists in, payloads out).

The plan, in phases, each built from what the previous ones returned (fetched now or stored):

1. ``bank``: the anchor terms together in weekly payloads over the whole span (<= 5 a payload,
   chained through a shared anchor when there are more): their relative popularity orders them
   into a ladder of decreasing popularity (gtab's anchor bank, in a handful of requests).
2. ``level``: theme terms, <= 4 a payload plus the middle anchor of the ladder, weekly over the
   span: every term's level on the common scale.
3. ``ladder``: a term that (nearly) rounds to 0 next to its anchor, or that dwarfs the anchor, is
   asked again beside the ladder anchor closest to its level instead of being reported as zeros.
4. ``daily``: terms sorted by level, split into groups of similar popularity (<= 4 each) with the
   best-matched anchor, asked in overlapping daily windows (<= 269 days) over the span.

Windows sit on a fixed grid from ``analysis.history_start``, so a past window's signature never
changes: once stored (and final) it is never asked again. Only the window that reaches today (and
the weekly payloads, once a week) are asked again to replace partial periods.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from attention.config import Config
from collectors.google_trends.stitch import Response

MAX_DAILY_DAYS = 269  # Google gives daily values for windows of 1-269 days
OVERLAP_DAYS = 7  # days shared by consecutive daily windows
SPAN_DAYS = 1826  # five years: the longest span Google still answers weekly
WEEKS = 260
GROUP_SIZE = 4  # theme terms per payload; the fifth place is the anchor's
MIN_RAW = 5.0  # a mean raw value below this (out of 100) is too coarse to trust


@dataclass(frozen=True)
class Payload:
    """One request: <= 4 terms and one anchor over one window."""

    kind: str  # bank | level | ladder | daily
    terms: tuple[str, ...]
    anchor: str | None
    start: dt.date
    end: dt.date

    @property
    def sent(self) -> tuple[str, ...]:
        """The keywords in the order they are sent (the anchor last)."""
        extra = (self.anchor,) if self.anchor and self.anchor not in self.terms else ()
        return tuple(self.terms) + extra

    @property
    def timeframe(self) -> str:
        return f"{self.start.isoformat()} {self.end.isoformat()}"

    @property
    def granularity(self) -> str:
        return "day" if (self.end - self.start).days + 1 <= MAX_DAILY_DAYS else "week"

    def signature(self, geo: str) -> str:
        return json.dumps({"terms": list(self.sent), "timeframe": self.timeframe, "geo": geo})


def theme_terms(config: Config) -> list[str]:
    """Every theme's search terms, de-duplicated, in config order."""
    seen: dict[str, None] = {}
    for theme in config.themes.values():
        seen.update(dict.fromkeys(theme.search_terms))
    return list(seen)


def span_start(run_date: dt.date, history_start: dt.date) -> dt.date:
    return max(history_start, run_date - dt.timedelta(days=SPAN_DAYS - 1))


def weekly_window(run_date: dt.date, history_start: dt.date) -> tuple[dt.date, dt.date] | None:
    """Whole Sunday-Saturday weeks ending on the last Saturday at least two days old.

    The end moves once a week, so the weekly payloads are asked again only once a week; Google
    still flags the latest week partial on the day after it ends (see the recordings).

    A history shorter than one whole week before that Saturday (a new install) gets the days it
    has instead: from ``history_start`` to that Saturday, or, when it starts after it, to the
    last day at least two days old. Such a window is under 269 days, so Google answers it
    daily, which links to the daily windows day by day just as well. ``None`` when the history
    starts later still: there is nothing to ask a weekly payload about yet.
    """
    latest = run_date - dt.timedelta(days=2)
    end = latest - dt.timedelta(days=(latest.weekday() - 5) % 7)
    start = end - dt.timedelta(days=7 * WEEKS - 1)
    first = span_start(run_date, history_start)
    first_sunday = first + dt.timedelta(days=(6 - first.weekday()) % 7)
    if first_sunday <= end:
        return max(start, first_sunday), end
    last = end if first <= end else latest
    return (first, last) if first <= last else None


def daily_windows(run_date: dt.date, history_start: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Overlapping windows of <= 269 days on a grid anchored at ``history_start``."""
    step = MAX_DAILY_DAYS - OVERLAP_DAYS
    first = span_start(run_date, history_start)
    k = max(0, (first - history_start).days // step)
    windows: list[tuple[dt.date, dt.date]] = []
    while True:
        start = history_start + dt.timedelta(days=k * step)
        if start > run_date or (windows and start > run_date - dt.timedelta(days=OVERLAP_DAYS)):
            break  # the previous window already reaches today
        end = min(start + dt.timedelta(days=MAX_DAILY_DAYS - 1), run_date)
        windows.append((start, end))
        k += 1
    return windows


def bank_payloads(anchors: Sequence[str], window: tuple[dt.date, dt.date]) -> list[Payload]:
    """Anchors in payloads of 5, each after the first sharing one anchor with the previous."""
    if not anchors:
        return []
    payloads, rest, head = [], list(anchors[1:]), anchors[0]
    while True:
        chunk, rest = rest[:GROUP_SIZE], rest[GROUP_SIZE:]
        payloads.append(Payload("bank", tuple(chunk), head, *window))
        if not rest:
            return payloads
        head = chunk[-1]


def ladder(anchors: Sequence[str], levels: Mapping[str, float]) -> list[tuple[str, float]]:
    """Anchors with their levels, most popular first (unmeasured anchors are left out)."""
    known = [(a, float(levels[a])) for a in anchors if levels.get(a, 0) > 0]
    return sorted(known, key=lambda item: -item[1])


def matched_anchor(level: float, rungs: Sequence[tuple[str, float]]) -> str:
    """The anchor whose level is closest to ``level`` on a log scale."""
    level = max(level, 1e-6)
    return min(rungs, key=lambda rung: abs(math.log(rung[1] / level)))[0]


def level_payloads(
    terms: Sequence[str], rungs: Sequence[tuple[str, float]], window: tuple[dt.date, dt.date]
) -> list[Payload]:
    """Theme terms in config order, 4 a payload, beside the ladder's middle anchor."""
    anchor = rungs[len(rungs) // 2][0] if rungs else None
    return [
        Payload("level", tuple(terms[i : i + GROUP_SIZE]), anchor, *window)
        for i in range(0, len(terms), GROUP_SIZE)
    ]


def weak_terms(terms: Iterable[str], responses: Sequence[Response]) -> list[str]:
    """Terms with no response where both they and the anchor beside them are >= MIN_RAW."""
    weak = []
    for term in terms:
        good = any(
            term in r.values.columns
            and r.raw_mean(term) >= MIN_RAW
            and (r.anchor is None or r.raw_mean(r.anchor) >= MIN_RAW)
            for r in responses
        )
        if not good:
            weak.append(term)
    return weak


def ladder_payloads(
    weak: Sequence[str],
    levels: Mapping[str, float],
    rungs: Sequence[tuple[str, float]],
    window: tuple[dt.date, dt.date],
    tried: Mapping[str, Collection[str | None]],
) -> list[Payload]:
    """Weak terms beside their best-matched anchor, skipping pairings already tried.

    ``tried`` maps a term to the anchors it was already asked beside (None: no anchor). A term measured as 0
    everywhere gets the least popular anchor.
    """
    if not rungs:
        return []  # no anchors configured: nothing better to ask beside
    floor = min(lv for _, lv in rungs) / 4
    by_anchor: dict[str, list[str]] = {}
    for term in weak:
        anchor = matched_anchor(levels.get(term, 0.0) or floor, rungs)
        if anchor not in tried.get(term, set()):
            by_anchor.setdefault(anchor, []).append(term)
    return [
        Payload("ladder", tuple(group[i : i + GROUP_SIZE]), anchor, *window)
        for anchor, group in by_anchor.items()
        for i in range(0, len(group), GROUP_SIZE)
    ]


def daily_groups(
    terms: Sequence[str], levels: Mapping[str, float], rungs: Sequence[tuple[str, float]]
) -> list[tuple[tuple[str, ...], str | None]]:
    """Terms sorted by level in balanced groups of <= 4, each with its best-matched anchor."""
    if not terms:
        return []
    floor = min((lv for _, lv in rungs), default=1.0) / 4
    ordered = sorted(terms, key=lambda t: -(levels.get(t) or floor))
    n_groups = math.ceil(len(ordered) / GROUP_SIZE)
    size, extra = divmod(len(ordered), n_groups)
    groups, i = [], 0
    for g in range(n_groups):
        group = tuple(ordered[i : i + size + (1 if g < extra else 0)])
        i += len(group)
        mean_log = sum(math.log(levels.get(t) or floor) for t in group) / len(group)
        anchor = matched_anchor(math.exp(mean_log), rungs) if rungs else None
        groups.append((group, anchor))
    return groups


def daily_payloads(
    groups: Sequence[tuple[tuple[str, ...], str | None]], windows: Sequence[tuple[dt.date, dt.date]]
) -> list[Payload]:
    """Every group in every window, oldest window first (so a blocked run resumes in order)."""
    return [Payload("daily", terms, anchor, start, end) for start, end in windows for terms, anchor in groups]
