"""Event study: what follows an abnormal-attention spike?

An event is the onset of a spike: the signal (ASVI, or the combined attention index) is above
``threshold`` at period ``t`` and was not at ``t - 1``. With ``standardize=True`` the signal is
first turned into a trailing z-score, using only the ``window`` periods before ``t`` (so the
event definition never looks ahead). The cumulative excess return after an event is the sum
of excess returns over ``t+1 .. t+h`` (the spike is known at the close of ``t``; trading starts
after it). Da, Engelberg and Gao (2011) found a rise over about two weeks and a reversal within
the year.

Confidence intervals are t intervals across events. Long horizons overlap from one event to the
next, which makes these intervals too narrow, and a sample's own drift moves every window, so
the result also carries a placebo band: the 2.5-97.5% range of the mean CAR of randomly drawn
dates (seeded), drawn per horizon from dates with a complete window and as many as there are
events with a complete window at that horizon (``n_by_horizon``). "Significant" means outside
the placebo band.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DAILY_HORIZONS = tuple(range(1, 11))
WEEKLY_HORIZONS = tuple(range(1, 53))


@dataclass(frozen=True)
class EventStudyResult:
    signal: str
    freq: str
    threshold: float
    standardized: bool
    horizons: tuple[int, ...]
    mean_car: tuple[float, ...]
    lower: tuple[float, ...]  # 95% CI
    upper: tuple[float, ...]
    n_by_horizon: tuple[int, ...]  # events with a complete window at each horizon
    baseline_car: tuple[float, ...]  # mean CAR after every period (no conditioning)
    placebo_lower: tuple[float, ...]  # 2.5% / 97.5% of the mean CAR of random dates
    placebo_upper: tuple[float, ...]
    event_dates: tuple[pd.Timestamp, ...]
    theme: str = ""

    @property
    def n_events(self) -> int:
        return len(self.event_dates)

    def at(self, horizon: int) -> tuple[float, float, float]:
        """(mean CAR, lower, upper) at ``horizon``."""
        i = self.horizons.index(horizon)
        return self.mean_car[i], self.lower[i], self.upper[i]

    def significant_horizons(self) -> list[int]:
        """Horizons whose mean CAR lies outside the placebo band."""
        return [
            h
            for h, car, lo, hi in zip(
                self.horizons, self.mean_car, self.placebo_lower, self.placebo_upper, strict=True
            )
            if car > hi or car < lo
        ]

    def summary(self) -> str:
        unit = "week" if self.freq == "W" else "day"
        if not self.n_events:
            return f"event study {self.theme} {self.signal}: no spikes above {self.threshold}"
        peak = int(np.nanargmax(self.mean_car)) if np.isfinite(self.mean_car).any() else 0
        lines = [
            f"event study {self.theme} {self.signal} > {self.threshold}"
            f"{' (trailing z)' if self.standardized else ''}: {self.n_events} spikes"
        ]
        for h in sorted({self.horizons[0], self.horizons[peak], self.horizons[-1]}):
            car, lo, hi = self.at(h)
            lines.append(
                f"  {h} {unit}(s): mean CAR {car:+.2%} [{lo:+.2%}, {hi:+.2%}], "
                f"random dates {self.placebo_lower[self.horizons.index(h)]:+.2%}.."
                f"{self.placebo_upper[self.horizons.index(h)]:+.2%}"
            )
        return "\n".join(lines)


def trailing_zscore(signal: pd.Series, window: int) -> pd.Series:
    """(s_t - mean of the previous ``window``) / their s.d.; NaN until half a window exists."""
    past = signal.shift(1).rolling(window, min_periods=max(window // 2, 3))
    return (signal - past.mean()) / past.std()


def event_study(
    frame: pd.DataFrame,
    signal: str,
    returns: str = "excess_return",
    threshold: float = 2.0,
    horizons: Sequence[int] | None = None,
    freq: str = "W",
    standardize: bool = True,
    window: int | None = None,
    theme: str = "",
    n_placebo: int = 1000,
    seed: int = 0,
) -> EventStudyResult:
    """Mean cumulative ``returns`` after onsets of ``signal`` above ``threshold``."""
    horizons = tuple(horizons or (WEEKLY_HORIZONS if freq == "W" else DAILY_HORIZONS))
    window = window or (52 if freq == "W" else 250)
    data = (
        frame[[signal, returns]].astype(float)
        if signal in frame and returns in frame
        else pd.DataFrame({signal: [], returns: []}, dtype=float)
    )
    level = trailing_zscore(data[signal], window) if standardize else data[signal]
    above = (level > threshold).to_numpy()
    onset = above & ~np.concatenate([[False], above[:-1]])
    positions = np.flatnonzero(onset)
    rets = data[returns].to_numpy()
    cars = _forward_sums(rets, horizons)  # shape (len(rets), len(horizons))
    event_cars = cars[positions] if len(positions) else np.empty((0, len(horizons)))
    mean, lo, hi, counts = _t_intervals(event_cars)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # horizons longer than the sample
        baseline = np.nanmean(cars, axis=0) if len(cars) else np.full(len(horizons), np.nan)
    p_lo, p_hi = _placebo_band(cars, counts, n_placebo, seed)
    return EventStudyResult(
        signal,
        freq,
        threshold,
        standardize,
        horizons,
        mean,
        lo,
        hi,
        counts,
        tuple(map(float, baseline)),
        p_lo,
        p_hi,
        tuple(data.index[positions]),
        theme,
    )


def _placebo_band(
    cars: np.ndarray, counts: Sequence[int], n_placebo: int, seed: int
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """2.5/97.5 percentiles, per horizon, of the mean CAR over random dates drawn (with
    replacement) from the dates whose window at that horizon is complete, as many as there
    are events with a complete window there (``counts``): the band answers "what would the
    same number of ordinary dates give?" at every horizon, long ones included."""
    width = cars.shape[1]
    lo, hi = np.full(width, np.nan), np.full(width, np.nan)
    rng = np.random.default_rng(seed)
    for j in range(width):
        valid = np.flatnonzero(np.isfinite(cars[:, j]))
        if counts[j] == 0 or n_placebo < 1 or len(valid) == 0:
            continue
        draws = rng.choice(valid, size=(n_placebo, counts[j]))
        lo[j], hi[j] = np.percentile(cars[draws, j].mean(axis=1), [2.5, 97.5])
    return tuple(map(float, lo)), tuple(map(float, hi))


def _forward_sums(rets: np.ndarray, horizons: Sequence[int]) -> np.ndarray:
    """out[t, j] = sum(rets[t+1 .. t+h_j]); NaN if any of them is missing or out of range."""
    n = len(rets)
    out = np.full((n, len(horizons)), np.nan)
    cum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(rets))])
    missing = np.concatenate([[0], np.cumsum(np.isnan(rets))])
    for j, h in enumerate(horizons):
        t = np.arange(n - h)
        sums = cum[t + h + 1] - cum[t + 1]
        gaps = missing[t + h + 1] - missing[t + 1]
        out[t, j] = np.where(gaps == 0, sums, np.nan)
    return out


def _t_intervals(
    values: np.ndarray,
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    means: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    counts: list[int] = []
    for column in values.T:
        col = column[np.isfinite(column)]
        n = len(col)
        mean = float(col.mean()) if n else float("nan")
        half = float(stats.t.ppf(0.975, n - 1) * col.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        means.append(mean)
        lows.append(mean - half)
        highs.append(mean + half)
        counts.append(n)
    return tuple(means), tuple(lows), tuple(highs), tuple(counts)
