"""``attention import trends-csv``: store a Google Trends website export as one raw response (the
file is parsed by :mod:`attention.imports.trends_export`) and re-stitch the common-scale series
(:mod:`attention.derive.search`), exactly as collected responses are."""

from __future__ import annotations

from pathlib import Path

from attention.config import Config
from attention.derive.search import stitch_store, write_series
from attention.imports.tabular import ImportSummary, decode_bytes
from attention.imports.text_files import read_text
from attention.imports.trends_export import (
    ImportedTimeline,
    TrendsImportError,
    _period_end,
    parse_multitimeline,
)
from attention.imports.trends_layouts import MAX_TERMS, parse_trends_file
from attention.store import Store
from collectors.core.records import CoverageSpan, day_span
from collectors.google_trends.stitch import StitchResult


def import_trends_csv(
    store: Store, config: Config, path: str | Path, term: str | None = None, geo: str | None = None
) -> tuple[ImportedTimeline, StitchResult]:
    """Store a website export as one raw response, then re-stitch ``search_series``."""
    file = Path(path)
    if not file.is_file():
        raise TrendsImportError(f"{file}: file not found")
    text = read_text(file)  # one line naming line and column for bytes that are not UTF-8
    timeline = parse_multitimeline(text, file.name, term=term, geo=geo)
    store.write([*timeline.points, *_coverage(timeline)])
    result = stitch_store(store, config)
    write_series(store, result)
    return timeline, result


def import_trends_file(
    store: Store,
    config: Config,
    path: str | Path,
    term: str | None = None,
    geo: str | None = None,
    week_label: str | None = None,
    payload_size: int = MAX_TERMS,
) -> tuple[list[ImportedTimeline], StitchResult, ImportSummary]:
    """Any Trends layout (:mod:`attention.imports.trends_layouts`): each payload stored as one raw
    response with its coverage (source ``trends``, one span per term), then ``search_series``
    re-stitched. Returns the payloads, the stitch result and the summary."""
    file = Path(path)
    try:
        text, _ = decode_bytes(file.read_bytes(), file)
    except OSError as exc:
        raise TrendsImportError(f"{file}: cannot be read ({exc.strerror})") from None
    timelines, notes = parse_trends_file(text, file.name, term, geo, week_label, payload_size)
    summary = ImportSummary(f"{file.name} (Google Trends)", notes=notes)
    for timeline in timelines:
        summary.read += len(timeline.points)
        new, changed, unchanged = store.compare_stored(list(timeline.points))
        summary.new, summary.changed, summary.unchanged = (
            summary.new + new,
            summary.changed + changed,
            summary.unchanged + unchanged,
        )
        store.write([*timeline.points, *_coverage(timeline)])
    result = stitch_store(store, config)
    write_series(store, result)
    return timelines, result, summary


def _coverage(timeline: ImportedTimeline) -> list[CoverageSpan]:
    spans = []
    for term in timeline.terms:
        periods = [p for p in timeline.points if p.term == term and not p.is_partial]
        if not periods:
            continue
        start, _ = day_span(periods[0].period_start, periods[0].period_start)
        _, end = day_span(
            periods[-1].period_start, _period_end(periods[-1].period_start, timeline.granularity)
        )
        spans.append(
            CoverageSpan("trends", "term", term, start, end, "import", periods[0].provenance, len(periods))
        )
    return spans
