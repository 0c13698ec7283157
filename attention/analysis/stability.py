"""Does a lead hold in every part of the sample? Subperiods, a break test and rolling windows.

Effects found in search data decay and break (Curme et al. 2014; the reversal of
WallStreetBets' predictability after January 2021, Bradley et al.). A Granger link over five
years is therefore re-tested, with the full sample's lag order:

* in subperiods: the two halves by default, or the parts between split dates from config
  (``analysis.split_dates``, e.g. 2021-01-28);
* by a break test (Chow-type F): every coefficient may differ between parts, and the null is that
  the leading series' lag coefficients do not (constant and own lags are free in each part);
* in rolling windows (two years, moved by a quarter), kept for charts.

The call: "reversed" when two parts show significant effects of opposite sign; "only in ..."
when the break test rejects and the effect is significant in some parts and not others; "stable"
when the break test does not reject (the parts agree within their noise) and the lead is
significant in the whole sample ("stable in sign, not in size" when it rejects but every part
agrees in sign); "in no part" when nothing is significant anywhere; "not tested" when a part is
too short. A part's p-value is its own (no multiple-testing correction): it describes where an
effect sits, it does not find new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from attention.analysis.granger import MIN_NOBS, granger_test, lag_matrix

ROLLING_WEEKS = 104
ROLLING_STEP = 13


@dataclass(frozen=True)
class Part:
    label: str  # "2020-01-04..2022-06-25"
    start: pd.Timestamp
    end: pd.Timestamp
    nobs: int
    pvalue: float
    effect: float  # cumulative effect, s.d. of caused per s.d. of causing


@dataclass(frozen=True)
class Stability:
    causing: str
    caused: str
    lags: int
    parts: tuple[Part, ...]
    break_statistic: float
    break_pvalue: float
    call: str  # stable | only in ... | reversed | not tested
    rolling: tuple[Part, ...] = ()


def _part(frame: pd.DataFrame, causing: str, caused: str, lags: int) -> Part | None:
    # A window that is mostly gaps (an imported series that starts late) has too few complete
    # rows for a regression: no result rather than a singular design matrix.
    if len(frame[[caused, causing]].dropna()) < MIN_NOBS:
        return None
    try:
        raw = granger_test(frame[caused].to_numpy(float), frame[causing].to_numpy(float), lags)
    except np.linalg.LinAlgError:
        return None
    if raw["nobs"] < MIN_NOBS - lags or raw["df"][1] < 1:
        return None
    start, end = pd.Timestamp(frame.index[0]), pd.Timestamp(frame.index[-1])
    label = f"{start.date()}..{end.date()}"
    return Part(label, start, end, int(raw["nobs"]), raw["pvalue"], raw["cumulative_effect"])


def break_test(
    frame: pd.DataFrame, causing: str, caused: str, lags: int, part_of: np.ndarray
) -> tuple[float, float]:
    """F test that the ``causing`` lag coefficients are equal in every part (``part_of``: the
    part number of each row); constant and own lags are free in each part."""
    y = frame[caused].to_numpy(float)
    own, other = lag_matrix(y, lags), lag_matrix(frame[causing].to_numpy(float), lags)
    ok = np.isfinite(y) & np.isfinite(own).all(axis=1) & np.isfinite(other).all(axis=1)
    groups = [part_of[ok] == g for g in np.unique(part_of[ok])]
    free = np.hstack([np.column_stack([g, own[ok] * g[:, None]]) for g in groups])
    restricted = np.hstack([free, other[ok]])
    unrestricted = np.hstack([free, *(other[ok] * g[:, None] for g in groups)])
    ssr = [
        float(np.sum((y[ok] - x @ np.linalg.lstsq(x, y[ok], rcond=None)[0]) ** 2))
        for x in (restricted, unrestricted)
    ]
    df_num, df_denom = lags * (len(groups) - 1), int(ok.sum()) - unrestricted.shape[1]
    if df_num < 1 or df_denom < 1 or ssr[1] <= 0:
        return float("nan"), float("nan")
    stat = ((ssr[0] - ssr[1]) / df_num) / (ssr[1] / df_denom)
    return float(stat), float(stats.f.sf(stat, df_num, df_denom))


def _call(parts: Sequence[Part], full_significant: bool, break_p: float, alpha: float) -> str:
    significant = [p for p in parts if p.pvalue < alpha]
    if len({np.sign(p.effect) for p in significant}) > 1:
        return "reversed"
    if np.isfinite(break_p) and break_p < alpha and significant and len(significant) < len(parts):
        return "only in " + ", ".join(p.label for p in significant)
    if full_significant:
        return "stable" if not (np.isfinite(break_p) and break_p < alpha) else "stable in sign, not in size"
    return "only in " + ", ".join(p.label for p in significant) if significant else "in no part"


def stability(
    frame: pd.DataFrame,
    causing: str,
    caused: str,
    lags: int,
    split_dates: Sequence[str | pd.Timestamp] = (),
    alpha: float = 0.05,
    full_pvalue: float | None = None,
) -> Stability:
    """Re-test ``causing -> caused`` (stationary columns of ``frame``, one row per period) in
    subperiods and rolling windows; ``full_pvalue`` is the whole sample's (or q-value)."""
    data = frame[[causing, caused]]
    valid = data.dropna().index
    cuts = (
        [pd.Timestamp(d) for d in split_dates if valid[0] < pd.Timestamp(d) <= valid[-1]]
        if len(valid)
        else []
    )
    if not cuts and len(valid):
        cuts = [valid[len(valid) // 2]]
    part_of = np.searchsorted(np.array(cuts, dtype="datetime64[ns]"), data.index.to_numpy(), side="right")
    parts = [_part(data[part_of == g], causing, caused, lags) for g in range(len(cuts) + 1)]
    if not len(valid) or any(p is None for p in parts):
        return Stability(
            causing, caused, lags, tuple(p for p in parts if p), float("nan"), float("nan"), "not tested"
        )
    kept = [p for p in parts if p is not None]
    stat, p_break = break_test(data, causing, caused, lags, part_of)
    whole = (
        full_pvalue
        if full_pvalue is not None
        else granger_test(data[caused].to_numpy(float), data[causing].to_numpy(float), lags)["pvalue"]
    )
    return Stability(
        causing,
        caused,
        lags,
        tuple(kept),
        stat,
        p_break,
        _call(kept, whole < alpha, p_break, alpha),
        _rolling(data, causing, caused, lags),
    )


def _rolling(data: pd.DataFrame, causing: str, caused: str, lags: int) -> tuple[Part, ...]:
    out = []
    for start in range(0, max(len(data) - ROLLING_WEEKS + 1, 0), ROLLING_STEP):
        found = _part(data.iloc[start : start + ROLLING_WEEKS], causing, caused, lags)
        if found is not None:
            out.append(found)
    return tuple(out)
