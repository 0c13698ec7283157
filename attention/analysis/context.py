"""Market context as the articles report it: year-to-date returns, the streak of sessions a theme
beat its benchmark (and when a streak was last as long), RSI(14), the 3-month return against
another index, and the average relative return over a calendar window across years.

Definitions (all on daily closes, as of ``asof``; nothing after ``asof`` is used). The
context date is the last date on or before ``asof`` on which both the theme and the benchmark
have a close (a note says so when the theme has later prices):

* YTD return: ``close(asof) / close(last session of the previous year) - 1``; when the series
  starts inside the year the first close of the year is the base (noted in ``notes``).
* Streak: consecutive sessions, ending at ``asof``, in which the theme's daily return was
  strictly greater than the benchmark's (dates common to both series).
* ``streak_longest_since``: the end date of the most recent earlier streak at least as long as
  the current one, or None if there was none in the data ("the longest on record").
* RSI(14), Wilder: average gain/loss seeded with the simple mean of the first 14 changes, then
  ``avg = (13 * avg + current) / 14``; ``RSI = 100 - 100 / (1 + avg_gain / avg_loss)``.
* 3-month return vs other: theme minus other, each from the last close on or before
  ``asof - 3 calendar months`` to ``asof``.

As-of honesty: every context says which data it was computed from (``data_from`` ..
``data_as_of``, the dates both series have a close), the date asked for (``requested``), and
how many NYSE sessions the data lags it (``stale_sessions``); over ``STALE_SESSIONS`` it is
``stale``, and the text says so in words. ``streak_gaps`` are the NYSE sessions inside the beat
streak without a close of both series: the streak counts the move across each as one session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from attention.analysis.context_gaps import (
    RSI_PREFIX,
    STALE_PREFIX,
    STREAK_PREFIX,
    asked_clause,
    asked_text,
    gap_notes,
    gap_text,
    rsi_gaps,
    sessions_after,
    stale_note,
    streak_gaps,
    ytd_base_note,
)
from attention.analysis.errors import AnalysisInputError
from attention.analysis.preis import clean_series
from attention.calendar import STALE_SESSIONS

MonthDay = tuple[int, int]


@dataclass(frozen=True)
class SeasonalResult:
    """Relative return (theme window return minus benchmark's) per year over a calendar window,
    with its spread across years (build it with :meth:`of`; the statistics are fields so that
    ``--json`` carries them)."""

    start: MonthDay
    end: MonthDay
    per_year: dict[int, float]
    # derived from per_year (left out of ==, where NaN would make equal results unequal)
    n_years: int = field(default=0, compare=False)
    years: tuple[int, ...] = field(default=(), compare=False)
    mean: float = field(default=float("nan"), compare=False)
    median: float = field(default=float("nan"), compare=False)
    std: float = field(default=float("nan"), compare=False)  # sample s.d. across years (NaN under 2)
    share_positive: float = field(default=float("nan"), compare=False)
    t_stat: float = field(default=float("nan"), compare=False)  # mean / (sd / sqrt(years))

    @classmethod
    def of(cls, start: MonthDay, end: MonthDay, per_year: dict[int, float]) -> SeasonalResult:
        values = np.array([per_year[y] for y in sorted(per_year)], dtype=float)
        n = len(values)
        std = float(values.std(ddof=1)) if n > 1 else float("nan")
        mean = float(values.mean()) if n else float("nan")
        return cls(
            start,
            end,
            per_year,
            n,
            tuple(sorted(per_year)),
            mean,
            float(np.median(values)) if n else float("nan"),
            std,
            float((values > 0).mean()) if n else float("nan"),
            float(mean / (std / np.sqrt(n))) if n > 1 and std > 0 else float("nan"),
        )

    def summary(self) -> str:
        window = f"{self.start[0]:02d}-{self.start[1]:02d}..{self.end[0]:02d}-{self.end[1]:02d}"
        if not self.per_year:
            return f"seasonal window {window}: no year with a complete window"
        years = f"{self.years[0]}-{self.years[-1]}"
        return (
            f"seasonal window {window}: mean relative return {self.mean:+.2%}, median "
            f"{self.median:+.2%}, sd {self.std:.2%}, t = {self.t_stat:.2f}, positive in "
            f"{self.share_positive:.0%} of {self.n_years} years ({years})"
        )


def parse_window(text: str) -> tuple[MonthDay, MonthDay]:
    """'12-16:01-15' -> ((12, 16), (1, 15)); a start after the end wraps into the next year."""
    parts = text.split(":")
    if len(parts) != 2:
        raise AnalysisInputError(f"window {text!r}: use MM-DD:MM-DD, e.g. 12-16:01-15")
    out = []
    for part in parts:
        try:
            month, day = (int(v) for v in part.strip().split("-"))
            pd.Timestamp(2001, month, day)  # a day that exists in every year
        except (ValueError, TypeError):
            raise AnalysisInputError(
                f"window {text!r}: {part!r} is not a month-day in every year; "
                "use MM-DD:MM-DD, e.g. 12-16:01-15"
            ) from None
        out.append((month, day))
    return out[0], out[1]


@dataclass(frozen=True)
class MarketContext:
    theme: str
    asof: dt.date
    ytd_return: float
    benchmark_ytd_return: float
    streak: int
    streak_start: dt.date | None
    streak_longest_since: dt.date | None
    rsi14: float
    return_vs_other_3m: float | None
    seasonal: SeasonalResult | None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # as-of honesty: the data behind every figure, the date asked for, and the lag between them
    data_from: dt.date | None = None  # first date both series have a close
    data_as_of: dt.date | None = None  # last date used (== asof)
    requested: dt.date | None = None  # the date asked for (None: the latest data)
    stale: bool = False  # the data lags ``requested`` by over STALE_SESSIONS sessions
    stale_sessions: int = 0  # NYSE sessions after data_as_of up to ``requested``
    streak_gaps: tuple[dt.date, ...] = ()  # sessions inside the streak without both closes
    basket_weight: float | None = None  # share of a basket's weight priced on asof (None: not one)
    rsi_gaps: tuple[dt.date, ...] = ()  # sessions inside the RSI(14) window without a theme close

    @property
    def relative_ytd(self) -> float:
        return self.ytd_return - self.benchmark_ytd_return

    def stale_text(self) -> str:
        """The staleness in words ("" when the data is current)."""
        if not self.stale:
            return ""
        return (
            f"the latest prices are from {self.data_as_of}, {self.stale_sessions} NYSE sessions "
            f"before {asked_text(self.requested)}; every figure here is as of {self.data_as_of}, "
            "not current"
        )

    def streak_gap_text(self) -> str:
        """The missing bars inside the streak in words ("" when there are none)."""
        return gap_text(self.streak_gaps)

    def summary(self) -> str:
        since = (
            "the longest in the data"
            if self.streak_longest_since is None
            else f"the longest since {self.streak_longest_since}"
        )
        gaps, last = self.streak_gap_text(), self.data_as_of or self.asof
        asked = asked_clause(self.requested, last)
        lines = [
            f"{self.theme or 'theme'} as of {self.asof}: YTD {self.ytd_return:+.2%} vs "
            f"benchmark {self.benchmark_ytd_return:+.2%}",
            f"Data as of {last} (rows {self.data_from or '?'}..{last}){asked}",
        ]
        if self.stale:
            lines.append(f"Stale: {self.stale_text()}")
        lines += [
            f"beat the benchmark {self.streak} session(s) in a row"
            + (f" ({since})" if self.streak else "")
            + (f", {gaps}: the count may be off by as many" if self.streak and gaps else ""),
            f"RSI(14) {self.rsi14:.1f}"
            + (f", {gap_text(self.rsi_gaps)}: not that of 14 sessions" if self.rsi_gaps else ""),
        ]
        if self.return_vs_other_3m is not None:
            lines.append(f"3-month return vs other index {self.return_vs_other_3m:+.2%}")
        if self.seasonal is not None:
            lines.append(self.seasonal.summary())
        shown_above = (STALE_PREFIX, STREAK_PREFIX, RSI_PREFIX)
        lines += [f"note: {n}" for n in self.notes if not n.startswith(shown_above)]
        return "\n".join(lines)


def market_context(
    theme: pd.Series,
    benchmark: pd.Series,
    asof: dt.date | str | None = None,
    other: pd.Series | None = None,
    seasonal_window: tuple[MonthDay, MonthDay] | None = ((1, 1), (1, 31)),
    name: str = "",
) -> MarketContext:
    """Context metrics for daily close series ``theme`` vs ``benchmark`` (and ``other``)."""
    theme, benchmark = clean_series(theme, "theme"), clean_series(benchmark, "benchmark")
    when, notes = _as_of(theme, benchmark, asof)
    theme, benchmark = theme[:when], benchmark[:when]
    ytd, note = ytd_return(theme, when)
    bench_ytd, bench_note = ytd_return(benchmark, when)
    notes += [f"theme {note}"] * bool(note) + [f"benchmark {bench_note}"] * bool(bench_note)
    notes += ytd_base_note(theme, when, "the theme") + ytd_base_note(benchmark, when, "the benchmark")
    count, start, since = beat_streak(theme, benchmark)
    gaps, rsi_missing = streak_gaps(theme, benchmark, start, when) if count else (), rsi_gaps(theme)
    notes += gap_notes(gaps, rsi_missing)
    lag = sessions_after(when, asof)
    notes += stale_note(asof, when, lag)
    data_from = max(theme.index[0], benchmark.index[0])
    vs_other = None
    if other is not None:
        vs_other, other_note = vs_other_3m(theme, clean_series(other, "other")[:when])
        notes += other_note
    seasonal = None
    if seasonal_window is not None:
        seasonal = seasonal_relative_return(theme, benchmark, *seasonal_window)
    return MarketContext(
        name,
        when.date(),
        ytd,
        bench_ytd,
        count,
        start,
        since,
        rsi_wilder(theme),
        vs_other,
        seasonal,
        tuple(notes),
        data_from.date(),
        when.date(),
        pd.Timestamp(asof).date() if asof is not None else None,
        lag > STALE_SESSIONS,
        lag,
        gaps,
        rsi_gaps=rsi_missing,
    )


def _as_of(
    theme: pd.Series, benchmark: pd.Series, asof: dt.date | str | None
) -> tuple[pd.Timestamp, list[str]]:
    """The last date on or before ``asof`` with both a theme and a benchmark close (every
    metric compares the two on the same day), and a note when that is earlier than the
    theme's own last close (e.g. the benchmark's latest price is not in yet)."""
    cutoff = pd.Timestamp(asof) if asof is not None else theme.index[-1]
    common = theme.index.intersection(benchmark.index)
    common = common[common <= cutoff]
    if common.empty:
        raise AnalysisInputError(
            f"no date on or before {cutoff.date()} with both theme and benchmark prices; pick a later --asof"
        )
    when = common[-1]
    latest = theme[:cutoff].index[-1]
    if latest > when:
        return when, [
            f"as of {when.date()}, the last date with a benchmark close too (the theme "
            f"has prices to {latest.date()})"
        ]
    return when, []


def ytd_return(closes: pd.Series, when: pd.Timestamp) -> tuple[float, str]:
    """Year-to-date return at ``when`` and a note when the base is not last year's close."""
    year_start = pd.Timestamp(when.year, 1, 1)
    before = closes[: year_start - pd.Timedelta(days=1)]
    if not before.empty:
        return float(closes[when] / before.iloc[-1] - 1), ""
    inside = closes[year_start:when]
    return (
        float(closes[when] / inside.iloc[0] - 1),
        f"has no close before {year_start.date()}; YTD is from {inside.index[0].date()}",
    )


def beat_streak(theme: pd.Series, benchmark: pd.Series) -> tuple[int, dt.date | None, dt.date | None]:
    """(current streak, its first session, end of the most recent earlier streak >= it)."""
    closes = pd.concat([theme.rename("t"), benchmark.rename("b")], axis=1, join="inner")
    rets = closes.pct_change().iloc[1:]
    beat = (rets["t"] > rets["b"]).to_numpy()
    dates = rets.index
    runs = _runs(beat)  # (start, end) index pairs of consecutive True
    if not runs or runs[-1][1] != len(beat) - 1:
        return 0, None, None
    start, end = runs[-1]
    length = end - start + 1
    for s, e in reversed(runs[:-1]):
        if e - s + 1 >= length:
            return length, dates[start].date(), dates[e].date()
    return length, dates[start].date(), None


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], flags, [False]]).astype(int)
    edges = np.diff(padded)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def rsi_wilder(closes: pd.Series, period: int = 14) -> float:
    """RSI with Wilder's smoothing at the last close; NaN with fewer than period + 1 closes."""
    change = np.diff(closes.to_numpy(dtype=float))
    if len(change) < period:
        return float("nan")
    gains, losses = np.clip(change, 0, None), np.clip(-change, 0, None)
    avg_gain, avg_loss = gains[:period].mean(), losses[:period].mean()
    for g, l_ in zip(gains[period:], losses[period:], strict=True):
        avg_gain = (avg_gain * (period - 1) + g) / period
        avg_loss = (avg_loss * (period - 1) + l_) / period
    if avg_loss == 0:
        return 100.0 if avg_gain > 0 else 50.0
    return float(100 - 100 / (1 + avg_gain / avg_loss))


def vs_other_3m(theme: pd.Series, other: pd.Series) -> tuple[float, list[str]]:
    """Theme minus ``other`` 3-month return, both to their last common close (a note if early)."""
    common = theme.index.intersection(other.index)
    if common.empty:
        raise AnalysisInputError(f"the other index {other.name or ''} has no close on a theme date")
    end, name = common[-1], other.name or "other index"
    note = [f"3-month return vs {name} as of {end.date()}, its last close"] * (end < theme.index[-1])
    return period_return(theme[:end], months=3) - period_return(other[:end], months=3), note


def period_return(closes: pd.Series, months: int) -> float:
    """Return from the last close on or before ``last date - months`` to the last close."""
    when = closes.index[-1]
    base = closes[: when - pd.DateOffset(months=months)]
    if base.empty:
        raise AnalysisInputError(f"less than {months} months of prices before {when.date()}")
    return float(closes.iloc[-1] / base.iloc[-1] - 1)


def seasonal_relative_return(
    theme: pd.Series, benchmark: pd.Series, start: MonthDay = (1, 1), end: MonthDay = (1, 31)
) -> SeasonalResult:
    """Theme minus benchmark return over ``start..end`` (month, day) in every year with a
    complete window: from the last close before the window to the last close inside it.
    A window with ``start`` after ``end`` wraps into the next year (e.g. Dec 15..Jan 10)."""
    theme, benchmark = clean_series(theme, "theme"), clean_series(benchmark, "benchmark")
    last = min(theme.index[-1], benchmark.index[-1])
    per_year: dict[int, float] = {}
    for year in range(theme.index[0].year, last.year + 1):
        lo = pd.Timestamp(year, *start)
        hi = pd.Timestamp(year + (1 if start > end else 0), *end)
        if hi > last:
            continue
        theme_part, benchmark_part = (_window_return(s, lo, hi) for s in (theme, benchmark))
        if theme_part is not None and benchmark_part is not None:
            per_year[year] = theme_part - benchmark_part
    return SeasonalResult.of(start, end, per_year)


def _window_return(closes: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> float | None:
    base, inside = closes[: lo - pd.Timedelta(days=1)], closes[lo:hi]
    if base.empty or inside.empty:
        return None
    return float(inside.iloc[-1] / base.iloc[-1] - 1)
