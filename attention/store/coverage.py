"""Coverage: what each collector run, import and backfill actually watched (DESIGN.md 4.14).

Writes go through :meth:`StoreCore.write` with :class:`~collectors.core.records.CoverageSpan`
records, in the same transaction as the data they describe; this group only reads. A unit's
period outside every stored span was not observed, so readers treat it as missing, never zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from attention.store.core import StoreCore

SPAN_COLUMNS = ["source", "unit_kind", "unit", "span_start", "span_end", "origin", "items"]


class CoverageMixin(StoreCore):
    """Reads of the ``coverage`` table."""

    def coverage_spans(self, sources: Sequence[str] | None = None) -> pd.DataFrame:
        """Every stored span (of ``sources`` only, when given), ordered by source, unit, start:
        ``source, unit_kind, unit, span_start, span_end, origin, items`` (times in UTC)."""
        if sources is not None and not sources:
            return pd.DataFrame(columns=SPAN_COLUMNS)
        frame = self._frame(
            "SELECT source, unit_kind, unit, span_start, span_end, origin, items FROM coverage "
            "WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], source) "
            "ORDER BY source, unit_kind, unit, span_start",
            [None if sources is None else list(sources)] * 2,
        )
        for column in ("span_start", "span_end"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    def coverage_summary(self) -> pd.DataFrame:
        """Per source and unit: first covered instant, end of the last span, spans, origins:
        ``source, unit_kind, unit, first, last, spans, origins`` (for status and the report)."""
        return self._frame(
            "SELECT source, unit_kind, unit, min(span_start) AS first, max(span_end) AS last, "
            "count(*) AS spans, list_sort(list_distinct(list(origin))) AS origins "
            "FROM coverage GROUP BY source, unit_kind, unit ORDER BY source, unit_kind, unit"
        )
