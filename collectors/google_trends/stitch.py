"""Put raw Google Trends responses on one common scale (pure functions, no HTTP, no store).

Every Google Trends response is scaled to its own maximum (= 100) and rounded to integers, so two
responses are comparable only through what they share: the same term over the same periods. That
covers every link we build on purpose:

* an anchor term that sits in many payloads (a theme group's weekly payload and the anchor bank),
* two overlapping daily windows of the same group (the overlap days),
* a daily window and a weekly payload holding the same term (days summed into Sunday-Saturday
  weeks tie the daily window's level to the weekly series).

Each response ``r`` gets an unknown scale ``c_r`` (common value = ``c_r`` x raw value). Every
pair of responses sharing comparable points gives one equation in logs,
``log c_a - log c_b = log S_b - log S_a`` with ``S`` the pooled sums over the shared points,
weighted by the inverse variance that integer rounding leaves in those sums. A weighted least
squares solve gives all scales at once, so no chain of ratios accumulates error. The common scale
is fixed by the reference anchor (the first of ``anchor_terms``): its mean over the stitched
span is 100, i.e. a value of 20 means "a fifth as searched as the reference anchor, on average".

Where several responses cover the same term and period, the finest one (smallest ``c_r``, i.e.
where the term was largest relative to its payload) weighs most (weight ``1/c_r^2``), and the
lo/hi band is the intersection of the integer-rounding intervals ``[v - 0.5, v + 0.5] x c_r``.
Google reports values under 1 as 0 (``<1`` on the website), so a 0 means ``[0, 1) x c_r``.
Periods flagged ``isPartial`` are used only when no final value exists, and stay flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

METHOD = "stitch-v1"
ROUNDING_VAR = 1.0 / 12.0  # variance of a value rounded to an integer (uniform +-0.5)
MODEL_VAR = 2.5e-5  # relative variance floor per link (sampling, model error): 0.5% s.d.
MIN_LINK_RAW = 2.0  # a term whose raw mean in a response is below this is too coarse to link on
FIX_WEIGHT = 1e6


@dataclass(frozen=True)
class Response:
    """One raw response: a table of raw values (rows = period starts, columns = terms)."""

    request_id: str
    granularity: str  # day | week | month
    values: pd.DataFrame  # DatetimeIndex of period starts (Sundays for weeks), float columns
    partial: pd.Series  # bool per period
    anchor: str | None = None
    fetched_on: dt.date | None = None
    source: str = "api"  # api | import

    @property
    def terms(self) -> list[str]:
        return list(self.values.columns)

    def final(self) -> pd.DataFrame:
        """The values of the periods that are not flagged partial."""
        return self.values[~self.partial.reindex(self.values.index, fill_value=False)]

    @cached_property
    def raw_means(self) -> dict[str, float]:
        """Mean raw value per term over the final periods (how coarse the term is here)."""
        return {t: float(v) for t, v in self.final().mean().fillna(0.0).items()}

    def raw_mean(self, term: str) -> float:
        return self.raw_means.get(term, 0.0)


@dataclass
class StitchResult:
    """Scales per response and the combined series on the common scale."""

    series: pd.DataFrame  # term, date, granularity, value, lo, hi, is_partial, method
    scales: dict[str, float]  # request_id -> c_r (common value per raw unit)
    anchored: set[str] = field(default_factory=set)  # request_ids tied to the reference anchor
    reference: str | None = None
    links: int = 0

    def summary(self) -> str:
        loose = len(self.scales) - len(self.anchored)
        terms = self.series["term"].nunique() if not self.series.empty else 0
        return (
            f"{len(self.scales)} responses ({len(self.anchored)} anchored to "
            f"{self.reference!r}, {loose} not), {self.links} links, {terms} terms, "
            f"{len(self.series)} rows"
        )

    def levels(self, granularity: str = "week") -> dict[str, float]:
        """Mean final value per term on the common scale (for planning payload groups)."""
        frame = self.series[(self.series["granularity"] == granularity) & ~self.series["is_partial"]]
        return frame.groupby("term")["value"].mean().to_dict()


# -- links between responses ----------------------------------------------------------------------
def _aggregate_days(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Mean of complete periods: Sunday-Saturday weeks ("W") or calendar months ("M")."""
    if frame.empty:
        return frame
    if freq == "W":
        keys = frame.index - pd.to_timedelta((frame.index.day_of_week + 1) % 7, unit="D")
        needed = pd.Series(7, index=pd.Index(keys).unique())
    else:
        keys = frame.index.to_period("M").to_timestamp()
        needed = pd.Series(pd.Index(keys).unique().days_in_month, index=pd.Index(keys).unique())
    grouped = frame.groupby(keys)
    counts = grouped.size()
    complete = counts.index[counts.to_numpy() == needed.reindex(counts.index).to_numpy()]
    return grouped.mean().loc[complete]


def _on_grid(resp: Response, granularity: str) -> tuple[pd.DataFrame, float]:
    """Final values on ``granularity`` and the rounding variance each value carries."""
    frame = resp.final()
    if resp.granularity == granularity:
        return frame, ROUNDING_VAR
    if resp.granularity == "day" and granularity in ("week", "month"):
        freq = "W" if granularity == "week" else "M"
        per = 7 if freq == "W" else 30
        return _aggregate_days(frame, freq), ROUNDING_VAR / per
    return frame.iloc[0:0], ROUNDING_VAR


def _coarser(a: str, b: str) -> str:
    order = ["day", "week", "month"]
    return max(a, b, key=order.index)


class _Grids:
    """Memo of each response's final values on each grid (links compare many pairs)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, str], tuple[pd.DataFrame, float]] = {}

    def get(self, resp: Response, granularity: str) -> tuple[pd.DataFrame, float]:
        key = (id(resp), granularity)
        if key not in self._memo:
            self._memo[key] = _on_grid(resp, granularity)
        return self._memo[key]


def link(a: Response, b: Response, grids: _Grids | None = None) -> tuple[float, float] | None:
    """(log S_b - log S_a, weight) for the equation ``log c_a - log c_b``; None if unlinked."""
    shared = [
        t
        for t in a.terms
        if t in b.values.columns and a.raw_mean(t) >= MIN_LINK_RAW and b.raw_mean(t) >= MIN_LINK_RAW
    ]
    if not shared:
        return None
    grids = grids or _Grids()
    grid = _coarser(a.granularity, b.granularity)
    fa, var_a = grids.get(a, grid)
    fb, var_b = grids.get(b, grid)
    periods = fa.index.intersection(fb.index)
    if len(periods) == 0:
        return None
    va = fa.loc[periods, shared].to_numpy(dtype=float)
    vb = fb.loc[periods, shared].to_numpy(dtype=float)
    both = ~(np.isnan(va) | np.isnan(vb))
    sa, sb, n = float(va[both].sum()), float(vb[both].sum()), int(both.sum())
    if sa <= 0 or sb <= 0:
        return None
    rel_var = n * var_a / sa**2 + n * var_b / sb**2 + MODEL_VAR
    return float(np.log(sb) - np.log(sa)), 1.0 / rel_var


def _components(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        parent[find(i)] = find(j)
    return [find(i) for i in range(n)]


def solve_scales(responses: Sequence[Response]) -> tuple[np.ndarray, list[int], int]:
    """Log scales by weighted least squares, one free level per connected component.

    Returns (log c per response, component id per response, number of links). Each component's
    level is fixed at its first response (log c = 0); :func:`stitch` rescales afterwards.
    """
    n = len(responses)
    rows, rhs, weights, edges = [], [], [], []
    grids = _Grids()
    for i in range(n):
        for j in range(i + 1, n):
            found = link(responses[i], responses[j], grids)
            if found is None:
                continue
            row = np.zeros(n)
            row[i], row[j] = 1.0, -1.0
            rows.append(row)
            rhs.append(found[0])
            weights.append(found[1])
            edges.append((i, j))
    comp = _components(n, edges)
    for root in sorted(set(comp)):
        row = np.zeros(n)
        row[comp.index(root)] = 1.0
        rows.append(row)
        rhs.append(0.0)
        weights.append(FIX_WEIGHT)
    w = np.sqrt(np.asarray(weights))
    matrix = np.asarray(rows) * w[:, None]
    solution, *_ = np.linalg.lstsq(matrix, np.asarray(rhs) * w, rcond=None)
    return solution, comp, len(edges)


# -- combining responses into series --------------------------------------------------------------
def _long(resp: Response, scale: float) -> pd.DataFrame:
    frame = resp.values.copy()
    frame.index.name = "period"
    long = frame.reset_index().melt(id_vars="period", var_name="term", value_name="raw")
    long = long.dropna(subset=["raw"])
    partial = resp.partial.reindex(pd.DatetimeIndex(long["period"]), fill_value=False)
    raw = long["raw"].to_numpy(dtype=float)
    below_one = raw < 1.0  # Google shows these as "<1": anything in [0, 1)
    long["value"] = raw * scale
    long["lo"] = np.where(below_one, 0.0, (raw - 0.5) * scale)
    long["hi"] = np.where(below_one, scale, (raw + 0.5) * scale)
    long["w"] = 1.0 / scale**2
    long["is_partial"] = partial.to_numpy(dtype=bool)
    long["granularity"] = resp.granularity
    return long


def combine(responses: Sequence[Response], scales: Sequence[float]) -> pd.DataFrame:
    """Precision-weighted mean per term/period, with the rounding band and the partial flag."""
    parts = [_long(r, s) for r, s in zip(responses, scales, strict=True) if r.granularity in ("day", "week")]
    if not parts:
        return pd.DataFrame(columns=["term", "date", "granularity", "value", "lo", "hi", "is_partial"])
    long = pd.concat(parts, ignore_index=True)
    keys = ["term", "granularity", "period"]
    # Partial points count only where no final point exists for the same term and period.
    has_final = (~long["is_partial"]).groupby([long[k] for k in keys]).transform("any")
    long = long[~(long["is_partial"] & has_final)].copy()
    long["wv"] = long["w"] * long["value"]
    grouped = long.groupby(keys, sort=True)
    out = grouped.agg(
        wv=("wv", "sum"),
        w=("w", "sum"),
        lo=("lo", "max"),
        hi=("hi", "min"),
        lo_any=("lo", "min"),
        hi_any=("hi", "max"),
        is_partial=("is_partial", "all"),
    ).reset_index()
    out["value"] = out["wv"] / out["w"]
    # Disjoint intervals (Google's sampling, or a slightly off scale): fall back to their union.
    clash = out["lo"] > out["hi"]
    out.loc[clash, "lo"] = out.loc[clash, "lo_any"]
    out.loc[clash, "hi"] = out.loc[clash, "hi_any"]
    out["lo"] = np.minimum(out["lo"], out["value"])
    out["hi"] = np.maximum(out["hi"], out["value"])
    # A week is known only after its Saturday: label weekly rows by the week's last day.
    week = out["granularity"] == "week"
    out["date"] = out["period"] + pd.to_timedelta(np.where(week, 6, 0), unit="D")
    out["date"] = out["date"].dt.date
    return out[["term", "date", "granularity", "value", "lo", "hi", "is_partial"]]


def stitch(responses: Sequence[Response], reference: str | None) -> StitchResult:
    """Solve the scales, combine, and express everything as % of the reference anchor's mean.

    Responses not connected (through shared terms and periods) to one that holds the reference
    anchor cannot be put on its scale; each such group is scaled to its own largest term's
    mean = 100 and its rows say ``unanchored`` in ``method``.
    """
    responses = [r for r in responses if not r.values.empty]
    if not responses:
        return StitchResult(combine([], []), {}, set(), reference)
    logc, comp, n_links = solve_scales(responses)
    scales = np.exp(logc)
    ref_comps = {comp[i] for i, r in enumerate(responses) if reference in r.values.columns}
    # The component holding the most responses with the reference anchor defines the scale.
    main = max(
        ref_comps,
        key=lambda c: sum(
            1 for i, r in enumerate(responses) if comp[i] == c and reference in r.values.columns
        ),
        default=None,
    )
    frames: list[pd.DataFrame] = []
    anchored: set[str] = set()
    for root in sorted(set(comp)):
        members = [i for i in range(len(responses)) if comp[i] == root]
        subset = [responses[i] for i in members]
        series = combine(subset, scales[members])
        norm_term = reference if root == main else _largest_term(series)
        factor = 100.0 / _mean_level(series, norm_term)
        series[["value", "lo", "hi"]] *= factor
        scales[members] *= factor
        series["method"] = f"{METHOD}:{'anchored' if root == main else 'unanchored'}"
        if root == main:
            anchored.update(r.request_id for r in subset)
        frames.append(series)
    out = pd.concat(frames, ignore_index=True)
    return StitchResult(
        out,
        {r.request_id: float(s) for r, s in zip(responses, scales, strict=True)},
        anchored,
        reference,
        n_links,
    )


def _mean_level(series: pd.DataFrame, term: str | None) -> float:
    rows = series[(series["term"] == term) & ~series["is_partial"]]
    for gran in ("week", "day"):
        level = rows.loc[rows["granularity"] == gran, "value"].mean()
        if level and np.isfinite(level) and level > 0:
            return float(level)
    return 1.0


def _largest_term(series: pd.DataFrame) -> str | None:
    if series.empty:
        return None
    return str(series.groupby("term")["value"].mean().idxmax())


def supersede(meta: pd.DataFrame, min_new_share: float = 0.25) -> list[str]:
    """Request ids worth stitching, newest fetch first per set of terms and granularity.

    Per group of responses with the same terms and granularity, newest fetch first:

    * a response that reaches before or after every newer kept one is kept, whatever the
      overlap: the weekly window moves on a week at a time, and the weeks only an older fetch
      still holds would otherwise vanish from ``search_series`` (it is rebuilt whole);
    * a response inside the span already covered is kept only if at least ``min_new_share`` of
      its days are not covered (a refetch of the same window replaces its partial periods);
    * then a kept response (never the newest) whose days the other kept ones all cover is
      dropped, newest first, so a window fetched every week does not make the stitch grow by
      one response a week: the newest and the oldest fetch cover what the ones between held.

    ``meta`` has columns request_id, terms (tuple), granularity, start, end, fetched_on.
    """
    keep: list[str] = []
    meta = meta.assign(
        key=[(tuple(sorted(t)), g) for t, g in zip(meta["terms"], meta["granularity"], strict=True)]
    )
    for _, group in meta.groupby("key", sort=False):
        rows = group.sort_values(["fetched_on", "end", "start"], ascending=[False, False, True])
        kept: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []
        for row in rows.itertuples():
            start, end = pd.Timestamp(row.start), pd.Timestamp(row.end)
            if _worth_keeping(start, end, [(lo, hi) for _, lo, hi in kept], min_new_share):
                kept.append((row.request_id, start, end))
        keep.extend(rid for rid, _, _ in _drop_covered(kept))
    return keep


def _worth_keeping(
    start: pd.Timestamp,
    end: pd.Timestamp,
    kept: Sequence[tuple[pd.Timestamp, pd.Timestamp]],
    min_share: float,
) -> bool:
    if not kept:
        return True
    if start < min(lo for lo, _ in kept) or end > max(hi for _, hi in kept):
        return True  # extends the covered span: its edge days exist nowhere else
    span = (end - start).days + 1
    return _uncovered_days(start, end, kept) >= max(1.0, min_share * span)


def _drop_covered(
    kept: list[tuple[str, pd.Timestamp, pd.Timestamp]],
) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """Without the kept responses (after the newest) whose every day another kept one has."""
    out = list(kept)
    for entry in kept[1:]:
        rid, start, end = entry
        others = [(lo, hi) for other, lo, hi in out if other != rid]
        if _uncovered_days(start, end, others) == 0:
            out.remove(entry)
    return out


def _uncovered_days(
    start: pd.Timestamp, end: pd.Timestamp, intervals: Sequence[tuple[pd.Timestamp, pd.Timestamp]]
) -> int:
    """Days of [start, end] outside every interval."""
    covered, cursor = 0, start
    for lo, hi in sorted(intervals):
        lo, hi = max(lo, cursor), min(hi, end)
        if hi >= lo:
            covered += (hi - lo).days + 1
            cursor = hi + pd.Timedelta(days=1)
    return (end - start).days + 1 - covered
