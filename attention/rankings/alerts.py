"""Alerts: what moved more than k standard deviations against its own trailing window.

Pure: named daily series in, alerts out. For each series the latest observation on or before
``as_of`` is compared with the ``window`` observations before it (not including itself, so a
spike does not dampen its own score): ``z = (x - mean) / sd`` (sample sd). A series with fewer
than ``min_obs`` earlier observations, or a flat one (sd 0), is not judged: an alert needs a
baseline, and a missing day is not a zero. Nor is a series whose latest observation is more
than ``max_age_days`` old (a stopped source is not news).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

# What each metric is, for people (the series are named "<metric>").
METRICS = {
    "attention": "attention index (search and mentions, z-scored)",
    "mentions": "items naming it in 24 hours",
    "reddit_sentiment": "mean sentiment of its Reddit items",
    "news_sentiment": "mean sentiment of its headlines",
    "excess_return": "return minus the benchmark's, per day",
    "return": "daily return",
    "flows": "net ETF flows, USD per day",
}


@dataclass(frozen=True)
class Alert:
    kind: str  # theme | ticker
    subject: str  # theme key or ticker
    metric: str  # a key of METRICS
    date: dt.date
    value: float
    mean: float
    sd: float
    z: float
    baseline_days: int

    @property
    def direction(self) -> str:
        return "up" if self.z > 0 else "down"

    def sentence(self) -> str:
        return (
            f"{self.subject} {self.metric} {self.direction} {abs(self.z):.1f} sd on {self.date}: "
            f"{self.value:.4g} against a {self.baseline_days}-day mean of {self.mean:.4g}"
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "date": self.date.isoformat(), "direction": self.direction}


def find_alerts(
    series: Mapping[tuple[str, str, str], pd.Series],
    as_of: dt.date,
    k: float = 3.0,
    window: int = 60,
    min_obs: int = 20,
    max_age_days: int = 4,
) -> list[Alert]:
    """Every series (keyed by kind, subject, metric) whose latest value is k sd from its
    trailing window; the largest moves first."""
    alerts = []
    for (kind, subject, metric), values in series.items():
        alert = _judge(values, as_of, window, min_obs)
        if alert is not None and abs(alert[3]) >= k and (as_of - alert[0]).days <= max_age_days:
            date, value, (mean, sd, n), z = alert
            alerts.append(Alert(kind, subject, metric, date, value, mean, sd, round(z, 2), n))
    return sorted(alerts, key=lambda a: (-abs(a.z), a.kind, a.subject, a.metric))


def judgeable(
    series: Mapping[tuple[str, str, str], pd.Series],
    as_of: dt.date,
    window: int = 60,
    min_obs: int = 20,
    max_age_days: int = 4,
) -> int:
    """How many series :func:`find_alerts` could judge: a recent value and a baseline of at
    least ``min_obs`` observations that is not flat (the rest cannot alert, whatever they do)."""
    return sum(
        1
        for values in series.values()
        if (found := _judge(values, as_of, window, min_obs)) is not None
        and (as_of - found[0]).days <= max_age_days
    )


def _judge(
    values: pd.Series, as_of: dt.date, window: int, min_obs: int
) -> tuple[dt.date, float, tuple[float, float, int], float] | None:
    clean = values.dropna()
    clean = clean[[pd.Timestamp(d).date() <= as_of for d in clean.index]]
    if len(clean) < min_obs + 1:
        return None
    latest_date, latest = pd.Timestamp(clean.index[-1]).date(), float(clean.iloc[-1])
    baseline = clean.iloc[-window - 1 : -1].astype(float)
    if len(baseline) < min_obs:
        return None
    mean, sd = float(baseline.mean()), float(baseline.std(ddof=1))
    if not math.isfinite(sd) or sd == 0:
        return None
    return latest_date, latest, (mean, sd, len(baseline)), (latest - mean) / sd
