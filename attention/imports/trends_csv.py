"""``attention import trends-csv``: store a Google Trends website export as one raw response (the
file is parsed by :mod:`attention.imports.trends_export`) and re-stitch the common-scale series
(:mod:`attention.derive.search`), exactly as collected responses are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attention.config import Config
from attention.derive.search import stitch_store, write_series
from attention.imports.trends_export import ImportedTimeline, TrendsImportError, parse_multitimeline
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, day_span, utcnow
from collectors.google_trends.stitch import StitchResult

PERIOD_DAYS = {"day": 1, "week": 7, "month": 31}


def import_trends_csv(
    store: Store, config: Config, path: str | Path, term: str | None = None, geo: str | None = None
) -> tuple[ImportedTimeline, StitchResult]:
    """Store a website export as one raw response, then re-stitch ``search_series``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TrendsImportError(f"{file}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TrendsImportError(f"{file}: cannot be read as UTF-8 text ({exc})") from None
    timeline = parse_multitimeline(text, file.name, term=term, geo=geo)
    store.write([*timeline.points, *timeline_coverage(timeline, file)])
    result = stitch_store(store, config)
    write_series(store, result)
    return timeline, result


def timeline_coverage(timeline: ImportedTimeline, file: Path) -> list[CoverageSpan]:
    """One span per term: from the first period's start to the last period's end (a week row
    is labelled by its first day and covers seven; a month is taken as 31 days at most)."""
    if not timeline.points:
        return []
    first = min(p.period_start for p in timeline.points)
    last = max(p.period_start for p in timeline.points)
    length = PERIOD_DAYS.get(timeline.granularity, 1)
    start, end = day_span(first, last + dt.timedelta(days=length - 1))
    provenance = Provenance(
        file.resolve().as_uri(), "trends-csv", utcnow(), {"request_id": timeline.request_id}
    )
    return [CoverageSpan("trends", "term", term, start, end, "import", provenance) for term in timeline.terms]
