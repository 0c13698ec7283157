"""Frozen feeds: a value that stops changing (shares outstanding, a close) or a flow stuck at
exactly zero for many sessions is a feed that stopped updating, not a market at rest. Such a
run is unknown data: flagged, and its flows are stale (NaN in the panel), never zero.

Closes: a close repeated unchanged on ``max(stale_after_days, 5)`` consecutive bars or more is
a frozen price feed. Its first bar was observed (it set the value); the repeats after it are
dropped as missing (:func:`drop_frozen_prices`) by every path that uses prices: the panel, the
analysis's other index, the Preis backtest and the derived flows. Run on data cut at a date,
the checks use only that data: a run still too short by then is not (yet) frozen.
"""

from __future__ import annotations

import numpy as np
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
    # Positions where a run starts, and each run's length (one pass, not a group per run: a
    # price series is thousands of one-bar runs).
    firsts = np.flatnonzero(clean.ne(clean.shift()).to_numpy())
    lengths = np.diff(np.append(firsts, len(clean)))
    keep = lengths >= min_run
    if zero_only:
        keep &= clean.to_numpy()[firsts] == 0
    index = clean.index
    return [
        (pd.Timestamp(index[first]), pd.Timestamp(index[first + length - 1]), int(length))
        for first, length in zip(firsts[keep], lengths[keep], strict=True)
    ]


def stale_mask(values: pd.Series, min_run: int, zero_only: bool = False) -> pd.Series:
    """True on every date inside a frozen run (the whole run: a frozen feed's first zero is as
    unknown as its last)."""
    mask = pd.Series(False, index=values.index)
    for first, last, _ in frozen_runs(values, min_run, zero_only):
        mask[(values.index >= first) & (values.index <= last)] = True
    return mask


def frozen_findings(
    subject: str,
    what: str,
    values: pd.Series,
    min_run: int,
    zero_only: bool = False,
    done: str = "treated as unknown, not as no change",
) -> list[Finding]:
    """One flag per frozen run of ``values`` (``what``: "shares outstanding", "flows", ...);
    ``done`` says what was done about it."""
    out = []
    for first, last, length in frozen_runs(values, min_run, zero_only):
        state = "exactly 0" if zero_only else f"unchanged at {values.loc[first]:g}"
        out.append(
            Finding(
                "frozen_feed",
                subject,
                f"{what} {state} for {length} consecutive dates: a feed that stopped updating; "
                + done.format(repeats=length - 1, first=first.date(), last=last.date()),
                first.date(),
                last.date(),
            )
        )
    return out


FROZEN_MIN_SESSIONS = 5
PRICES_DONE = (
    "the {repeats} repeated closes after {first} up to {last} are dropped as missing prices "
    "(no return, level or trade there), not used"
)
SHARES_DONE = "the flows after {first} up to {last} are missing, not 0"


def price_min_run(stale_after: int) -> int:
    """Bars a close must repeat on to be a frozen feed: ``max(stale_after_days, 5)``."""
    return max(stale_after, FROZEN_MIN_SESSIONS)


def repeat_mask(values: pd.Series, min_run: int) -> pd.Series:
    """True on the repeats of every frozen run of ``values`` (all its dates but the first, the
    one observed bar that set the value), on the index of ``values``."""
    mask = stale_mask(values, min_run)
    firsts = [first for first, _, _ in frozen_runs(values, min_run)]
    mask[values.index.isin(firsts)] = False
    return mask


def known_frozen(values: pd.Series, min_run: int) -> pd.Series:
    """True where, counting that row and the ones before it only, the value has been the same on
    ``min_run`` consecutive rows or more: what a check run on that day would call frozen (for
    stored derivations, whose rows must not change when later days arrive)."""
    clean = values.sort_index()
    run_id = clean.ne(clean.shift()).cumsum()
    unchanged_for = run_id.groupby(run_id.to_numpy()).cumcount() + 1
    return (unchanged_for >= min_run) & clean.notna()


def drop_frozen_prices(prices: pd.DataFrame, min_run: int) -> tuple[pd.DataFrame, list[Finding]]:
    """A long price frame (``ticker``, ``date``, ``close``, ...) without the repeated bars of
    frozen closes, and one flag per frozen run naming the ticker, its span and what was done.
    Uses only the rows it is given: cut them at a date first for a check as of that date."""
    if prices.empty:
        return prices, []
    prices = prices.reset_index(drop=True)
    drop = pd.Series(False, index=prices.index)
    findings: list[Finding] = []
    for ticker, rows in prices.groupby("ticker"):
        rows = rows.assign(_day=pd.to_datetime(rows["date"])).sort_values("_day", kind="stable")
        rows = rows[~rows["_day"].duplicated(keep="last")]
        closes = pd.Series(rows["close"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["_day"]))
        mask = repeat_mask(closes, min_run)
        if mask.any():
            drop[rows.index[mask.to_numpy()]] = True
            findings += frozen_findings(str(ticker), "close", closes, min_run, done=PRICES_DONE)
    return prices[~drop], findings


def frozen_flows_missing(flows: pd.DataFrame, min_run: int) -> pd.DataFrame:
    """Flows (``ticker``, ``date``, ``method``, ``flow_usd``, ``stale``) with every row of a
    frozen run marked stale: per ticker and method, consecutive rows that are 0, unknown or stale
    form a run, and a run holding a stale row or ``min_run`` zeros is a frozen shares feed, so its
    zeros are as unknown as its stale rows. Derived flows are flagged stale only from the day
    the run had lasted long enough; seen from a later date its first repeats are frozen too."""
    if flows.empty:
        return flows
    out = flows.reset_index(drop=True)
    stale = out["stale"].fillna(False).astype(bool)
    idle = stale | (out["flow_usd"] == 0) | out["flow_usd"].isna()  # unknown: part of the run
    for _, rows in out.assign(_day=pd.to_datetime(out["date"])).groupby(["ticker", "method"]):
        rows = rows.sort_values("_day", kind="stable")
        flags = idle[rows.index]
        run_id = (~flags).cumsum()
        for _, run in flags[flags].groupby(run_id[flags]):
            zeros = int((out.loc[run.index, "flow_usd"] == 0).sum())
            if stale[run.index].any() or zeros >= min_run:
                out.loc[run.index, "stale"] = True
    out["stale"] = out["stale"].fillna(False).astype(bool)
    return out
