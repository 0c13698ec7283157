"""Frozen feeds: a value that stops changing (shares outstanding, a close) or a flow stuck at
exactly zero for many sessions is a feed that stopped updating, not a market at rest. Such a
run is unknown data: flagged, and its flows are stale (NaN in the panel), never zero."""

from __future__ import annotations

import pandas as pd

from attention.checks.findings import Finding


def frozen_runs(
    values: pd.Series, min_run: int, zero_only: bool = False
) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """``(first, last, length)`` of every run of at least ``min_run`` consecutive equal values
    (``zero_only``: runs of exact zeros, for flows) in ``values`` sorted by date."""
    clean = values.dropna().sort_index()
    if clean.empty:
        return []
    same = clean.ne(clean.shift()).cumsum()
    runs = []
    for _, run in clean.groupby(same.to_numpy()):
        if len(run) >= min_run and (not zero_only or run.iloc[0] == 0):
            runs.append((pd.Timestamp(run.index[0]), pd.Timestamp(run.index[-1]), len(run)))
    return runs


def stale_mask(values: pd.Series, min_run: int, zero_only: bool = False) -> pd.Series:
    """True on every date inside a frozen run (the whole run: a frozen feed's first zero is as
    unknown as its last)."""
    mask = pd.Series(False, index=values.index)
    for first, last, _ in frozen_runs(values, min_run, zero_only):
        mask[(values.index >= first) & (values.index <= last)] = True
    return mask


def frozen_findings(
    subject: str, what: str, values: pd.Series, min_run: int, zero_only: bool = False
) -> list[Finding]:
    """One flag per frozen run of ``values`` (``what``: "shares outstanding", "flows", ...)."""
    out = []
    for first, last, length in frozen_runs(values, min_run, zero_only):
        state = "exactly 0" if zero_only else f"unchanged at {values.loc[first]:g}"
        out.append(
            Finding(
                "frozen_feed",
                subject,
                f"{what} {state} for {length} consecutive dates: a feed that stopped updating; "
                "treated as unknown, not as no change",
                first.date(),
                last.date(),
            )
        )
    return out
