"""``attention import trends-csv``: store a Google Trends website export as one raw response (the
file is parsed by :mod:`attention.imports.trends_export`) and re-stitch the common-scale series
(:mod:`attention.derive.search`), exactly as collected responses are."""

from __future__ import annotations

from pathlib import Path

from attention.config import Config
from attention.derive.search import stitch_store, write_series
from attention.imports.text_files import read_text
from attention.imports.trends_export import ImportedTimeline, TrendsImportError, parse_multitimeline
from attention.store import Store
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
    store.write(timeline.points)
    result = stitch_store(store, config)
    write_series(store, result)
    return timeline, result
