"""Normalised news volume per theme from GDELT's DOC 2.0 API (``mode=timelinevol``).

``timelinevol`` is the share (in percent) of all articles GDELT monitored in a period that
match the query, so news attention becomes a share of all coverage rather than a raw count that
grows with the number of outlets. Facts that shape this module:

* GDELT asks for at most one request per 5 s: the HTTP client is built with that
  ``min_interval`` (pacing lives in the HTTP layer, never here).
* Keywords shorter than 3 characters are rejected ("AI"), as are OR'd terms outside
  parentheses; errors come back as HTTP 200 with a text/html body, not JSON.
* The timeline's resolution depends on the span asked for (sub-daily for short spans), so points
  are averaged per UTC day; spans of two weeks or more come back daily.
* The API covers roughly the last three months.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from attention.errors import AttentionError, BudgetExhaustedError, RateLimitedError
from collectors.core.http import HttpClient, HttpStatusError
from collectors.core.records import CursorUpdate, Provenance, Record, SourceNote, utcnow
from collectors.news.parse import SOURCE

MIN_TERM_CHARS = 3
FIRST_LOOKBACK_DAYS = 30
MIN_SPAN_DAYS = 14  # ask for at least two weeks so GDELT answers with daily points
MAX_LOOKBACK_DAYS = 90
# GDELT measures the gap between arrivals; ours is measured between sends, and network jitter
# can make two sends exactly min_interval apart arrive closer. Wait a little longer than asked.
PACING_MARGIN = 0.1  # fraction of min_interval
DOC_PATH = "/api/v2/doc/doc"


@dataclass(frozen=True)
class NewsVolume(Record):
    """Share (%) of all GDELT-monitored coverage matching a theme's query on one UTC day."""

    TABLE: ClassVar[str] = "news_volume"
    KEY: ClassVar[tuple[str, ...]] = ("theme", "date")

    theme: str
    date: dt.date
    value: float
    query: str
    is_partial: bool  # the run date itself: the day is not over yet
    provenance: Provenance


class GdeltQueryError(AttentionError):
    """No usable GDELT query could be built from a theme's terms."""


def build_query(terms: list[str]) -> str:
    """A GDELT query from a theme's news queries: phrases quoted, terms OR'd in parentheses,
    terms shorter than 3 characters dropped (GDELT rejects them)."""
    parts: list[str] = []
    for term in terms:
        clean = " ".join(term.replace('"', " ").split())
        if len(clean) < MIN_TERM_CHARS:
            continue
        part = f'"{clean}"' if " " in clean else clean
        if part not in parts:
            parts.append(part)
    if not parts:
        raise GdeltQueryError(
            f"no term of {terms} is {MIN_TERM_CHARS}+ characters long; GDELT rejects shorter "
            "keywords: add a longer phrase to the theme's news_queries"
        )
    return parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})"


@dataclass(frozen=True)
class Timeline:
    """Daily values read from a payload, and the points that could not be read."""

    days: dict[dt.date, float]
    bad_points: int = 0
    first_problem: str | None = None


def read_timeline(payload: Any) -> Timeline:
    """Daily values from a timelinevol JSON payload (sub-daily points averaged per UTC day).

    One unreadable point (no date, a date in another format, a value that is not a finite
    non-negative number) is skipped and counted, never allowed to sink the whole theme.
    Raises ValueError only when the payload's shape is not a timeline at all.
    """
    series = payload.get("timeline") if isinstance(payload, dict) else None
    if not series:
        return Timeline({})
    if not isinstance(series, list) or not isinstance(series[0], dict):
        raise ValueError("GDELT answered JSON without a timeline series")
    points: dict[dt.date, list[float]] = defaultdict(list)
    bad, first = 0, None
    for point in series[0].get("data") or []:
        try:
            stamp = dt.datetime.strptime(str(point["date"]), "%Y%m%dT%H%M%SZ")
            value = float(point["value"])
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"value {point['value']!r} is not a share")
        except (KeyError, TypeError, ValueError) as exc:
            bad += 1
            first = first or f"{type(exc).__name__}: {exc} in {str(point)[:80]}"
            continue
        points[stamp.date()].append(value)
    days = {day: sum(vals) / len(vals) for day, vals in sorted(points.items())}
    return Timeline(days, bad, first)


def parse_timeline(payload: Any) -> dict[dt.date, float]:
    """The daily values of :func:`read_timeline` (unreadable points left out)."""
    return read_timeline(payload).days


def request_window(run_date: dt.date, cursor: str | None) -> tuple[dt.date, dt.date]:
    """Days to ask for: from the last complete day stored (re-fetched: it may have been
    revised) or the first lookback, through the run date; at least MIN_SPAN_DAYS long."""
    if cursor:
        start = dt.date.fromisoformat(cursor)
    else:
        start = run_date - dt.timedelta(days=FIRST_LOOKBACK_DAYS)
    start = min(start, run_date - dt.timedelta(days=MIN_SPAN_DAYS - 1))
    start = max(start, run_date - dt.timedelta(days=MAX_LOOKBACK_DAYS))
    return start, run_date


def collect_volume(
    client: HttpClient,
    base_url: str,
    themes: dict[str, list[str]],
    run_date: dt.date,
    cursors: dict[str, str],
    version: str,
) -> Iterator[NewsVolume | CursorUpdate | SourceNote]:
    """Per theme: one paced timelinevol request, its daily rows, then the theme's cursor."""
    url = base_url.rstrip("/") + DOC_PATH
    for theme, terms in themes.items():
        try:
            query = build_query(terms)
        except GdeltQueryError as exc:
            yield SourceNote("warning", f"gdelt: theme {theme}: {exc}")
            continue
        key = f"gdelt:{theme}"
        start, end = request_window(run_date, cursors.get(key))
        params = {
            "query": query,
            "mode": "timelinevol",
            "format": "json",
            "startdatetime": start.strftime("%Y%m%d000000"),
            "enddatetime": end.strftime("%Y%m%d235959"),
        }
        try:
            response = client.get(url, params=params)
            payload = _json_payload(response.text, response.headers.get("Content-Type", ""))
            timeline = read_timeline(payload)
        except BudgetExhaustedError:
            raise
        except RateLimitedError as exc:  # GDELT asks us to slow down: stop asking this run
            rest = list(themes)[list(themes).index(theme) + 1 :]
            yield SourceNote(
                "warning",
                f"gdelt: theme {theme}: {exc}; skipped for this run: {', '.join(rest) or 'nothing else'}",
            )
            return
        except (AttentionError, ValueError) as exc:
            yield SourceNote("warning", f"gdelt: theme {theme}: {exc}")
            continue
        if timeline.bad_points:
            yield SourceNote(
                "warning",
                f"gdelt: theme {theme}: {timeline.bad_points} "
                f"unreadable timeline point(s) skipped (first: "
                f"{timeline.first_problem})",
                timeline.bad_points,
            )
        fetched = utcnow()
        days = {d: v for d, v in timeline.days.items() if start <= d <= end}
        prov = Provenance(url, version, fetched, params)
        for day, value in days.items():
            yield NewsVolume(theme, day, value, query, day >= run_date, prov)
        last_complete = min(max(days), run_date - dt.timedelta(days=1)) if days else None
        if last_complete is not None and last_complete.isoformat() != cursors.get(key):
            yield CursorUpdate(SOURCE, key, last_complete.isoformat())


def _json_payload(text: str, content_type: str) -> dict[str, Any]:
    """GDELT reports query errors as a 200 text/html page: make that an error with its text."""
    stripped = text.strip()
    if "html" in content_type.lower() or not stripped.startswith("{"):
        message = " ".join(stripped.split())[:200] or "empty response"
        raise HttpStatusError(f"GDELT refused the query: {message}", 200)
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ValueError(f"GDELT answered malformed JSON ({exc.msg})") from None
