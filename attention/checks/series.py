"""Step series: values repeated over a coarser period than the labels claim.

A common Google Trends export copies monthly values onto every week of the month. Used as
weekly data that is look-ahead: the value of a month is known only once the month is over,
yet the first week of the month already carries it. :func:`detect_step` finds the coarsest
calendar period (month, quarter, year) at whose boundaries every change of value happens;
:func:`usable_from_period_end` moves each value to where it was known: a label holds the value
of the last period that had ended by that label (nothing before the first period ends).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from attention.checks.findings import Finding

# coarsest first: a monthly step also changes only at quarter boundaries some of the time
PERIODS = (("Y", "year"), ("Q", "quarter"), ("M", "month"))
MIN_PERIODS = 4  # fewer whole periods than this is too little evidence either way
MIN_CHANGES = 3


@dataclass(frozen=True)
class Step:
    period: str  # pandas period alias: M, Q or Y
    name: str  # month, quarter, year
    labels_per_period: float
    changes: int


def detect_step(values: pd.Series) -> Step | None:
    """The coarsest calendar period over which ``values`` (indexed by date) are constant, when
    its labels are finer than it (several labels per period) and every change of value falls
    on a period boundary; None for a series that changes inside periods or is too short."""
    clean = values.dropna().sort_index()
    if len(clean) < 2 * MIN_PERIODS:
        return None
    index = pd.DatetimeIndex(clean.index)
    changed = clean.diff().fillna(0).to_numpy() != 0
    if changed.sum() < MIN_CHANGES:
        return None  # a flat series is a frozen feed, not a step series
    for alias, name in PERIODS:
        periods = index.to_period(alias)
        n_periods = periods.nunique()
        per_period = len(clean) / n_periods
        if n_periods < MIN_PERIODS or per_period < 1.5:
            continue
        boundary = periods != pd.PeriodIndex([periods[0], *periods[:-1]])
        if not (changed & ~boundary).any():
            return Step(alias, name, per_period, int(changed.sum()))
    return None


def usable_from_period_end(values: pd.Series, period: str) -> pd.Series:
    """``values`` with each label holding the value of the last ``period`` that had ended by
    that label (NaN before the first one ends). Labels are dates; a period ends at the end of
    its last day, so a label on that last day still sees only the period before."""
    clean = values.dropna().sort_index()
    index = pd.DatetimeIndex(clean.index)
    per_period = clean.groupby(index.to_period(period).to_numpy()).last()
    ends = pd.DatetimeIndex([p.end_time.normalize() for p in per_period.index]) + pd.Timedelta(days=1)
    known = pd.Series(per_period.to_numpy(), index=ends)
    position = known.index.searchsorted(index, side="right") - 1
    out = pd.Series(float("nan"), index=clean.index, name=values.name)
    ok = position >= 0
    out[ok] = known.to_numpy()[position[ok]]
    return out.reindex(values.index)


def step_finding(subject: str, values: pd.Series) -> tuple[Finding | None, pd.Series]:
    """Detect a step series and return the flag (None when there is none) and the values to
    use: unchanged, or moved to the end of the period they describe."""
    step = detect_step(values)
    if step is None:
        return None, values
    clean = values.dropna()
    detail = (
        f"values repeat over each calendar {step.name} ({step.labels_per_period:.1f} labels per "
        f"{step.name}, all {step.changes} changes at {step.name} boundaries): {step.name}ly data "
        f"copied onto finer labels; each value is used only after its {step.name} ends"
    )
    finding = Finding("step_series", subject, detail, clean.index.min().date(), clean.index.max().date())
    return finding, usable_from_period_end(values, step.period)
