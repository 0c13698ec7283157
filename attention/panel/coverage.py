"""Coverage arithmetic for panels: how much of each panel period a source actually watched.

Pure functions over the spans stored in the ``coverage`` table (see
:meth:`attention.store.coverage.CoverageMixin.coverage_spans`). A period's fraction is the share
of its duration inside the union of the spans given (overlapping spans count once). A count is a
real zero only where the fraction is 1; where it is 0 the period was not observed and the value
is missing; in between the panel says how much was seen (DESIGN.md 4.14).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def union_spans(spans: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The union of ``span_start``/``span_end`` rows as sorted, disjoint half-open intervals."""
    if spans.empty:
        return []
    ordered = spans.sort_values("span_start")
    merged: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for start, end in zip(ordered["span_start"], ordered["span_end"], strict=True):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_fraction(spans: pd.DataFrame, starts: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """For each period ``[starts[i], ends[i])`` the fraction (0..1) inside the union of ``spans``.

    ``starts``/``ends`` are tz-aware UTC and of equal length; a period of zero length is NaN.
    """
    if len(starts) != len(ends):
        raise ValueError("starts and ends must have the same length")
    start_ns = _ns(starts)
    end_ns = _ns(ends)
    covered = np.zeros(len(start_ns), dtype=float)
    for span_start, span_end in union_spans(spans):
        lo = np.maximum(start_ns, _ns(pd.DatetimeIndex([span_start]))[0])
        hi = np.minimum(end_ns, _ns(pd.DatetimeIndex([span_end]))[0])
        covered += np.clip(hi - lo, 0, None)
    length = (end_ns - start_ns).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(length > 0, covered / length, np.nan)
    return np.clip(fraction, 0.0, 1.0)


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    """Nanoseconds since the epoch (UTC) of a tz-aware index."""
    if index.tz is None:
        raise ValueError("coverage periods must be tz-aware (UTC)")
    # as_unit: pandas 3 may hold seconds or microseconds, and asi8 counts in the stored unit
    return index.tz_convert("UTC").as_unit("ns").asi8


def watched_summary(spans: pd.DataFrame) -> pd.DataFrame:
    """Per source and unit: first and last instant watched, the days inside the spans (their
    union) and the days between first and last (a gap between two imports is the difference),
    the number of spans and who recorded them (``origins``, e.g. "collect, import")."""
    rows = []
    for (source, kind, unit), group in spans.groupby(["source", "unit_kind", "unit"], sort=True):
        merged = union_spans(group)
        first, last = merged[0][0], merged[-1][1]
        rows.append(
            {
                "source": source,
                "unit_kind": kind,
                "unit": unit,
                "first": first,
                "last": last,
                "days": sum((b - a).total_seconds() for a, b in merged) / 86400,
                "between": (last - first).total_seconds() / 86400,
                "spans": len(group),
                "origins": ", ".join(sorted(set(group["origin"]))),
            }
        )
    return pd.DataFrame(rows)
