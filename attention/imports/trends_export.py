"""Google Trends website exports (``multiTimeline.csv``): the fallback when the API is blocked.

The file the website's "Interest over time" download button gives::

    Category: All categories
    <blank>
    Week,small cap stocks: (United States),IWM: (United States)
    2021-11-21,45,12
    2021-11-28,<1,13

The preamble lines before the header vary (and newer exports may have none); the header's first
cell is ``Day``, ``Week`` or ``Month``; a value may be ``<1`` (more than 0, less than 1: stored as
0.5, the middle of that range). Weeks are labelled by their Sunday, months by ``YYYY-MM``. All
columns of one file come from one request, so they share a scale: the file becomes one raw
response (``request_id`` from its content) in ``search_interest``, marked ``import``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from attention.imports.text_files import csv_rows
from collectors.core.records import FatalError, Provenance, SearchInterestPoint, utcnow

# The website compares at most 5 terms; a file with many more columns is not an export, and
# every extra column costs a stitched series (400 columns once took 10 s and 1.3 GB).
MAX_TERMS = 25
VERSION = "1.0"
GRANULARITIES = {"day": "day", "week": "week", "month": "month"}
REGIONS = {
    "United States": "US",
    "Worldwide": "",
    "United Kingdom": "GB",
    "Canada": "CA",
    "Germany": "DE",
    "France": "FR",
    "India": "IN",
    "Australia": "AU",
    "Japan": "JP",
}
_HEADER_CELL = re.compile(r"^(?P<term>.*?):\s*\((?P<region>[^()]*)\)\s*$")


class TrendsImportError(FatalError):
    """The file is not a Google Trends export we can read; the message names the line."""


@dataclass(frozen=True)
class ImportedTimeline:
    request_id: str
    granularity: str
    geo: str
    terms: tuple[str, ...]
    points: tuple[SearchInterestPoint, ...]

    def summary(self) -> str:
        dates = [p.period_start for p in self.points]
        span = f"{min(dates)} to {max(dates)}" if dates else "no rows"
        return (
            f"{len(self.points)} values for {', '.join(self.terms)} ({self.granularity}, "
            f"geo {self.geo or 'worldwide'}, {span})"
        )


def _find_header(rows: list[list[str]], name: str) -> int:
    for i, row in enumerate(rows):
        if len(row) >= 2 and row[0].strip().lower() in GRANULARITIES:
            return i
    raise TrendsImportError(
        f"{name}: no header line like 'Week,term: (United States)' found; export 'Interest "
        "over time' as CSV from trends.google.com and pass that file"
    )


def _terms(header: list[str], name: str, line: int, geo: str | None) -> tuple[list[str], str]:
    terms, regions = [], set()
    for cell in header[1:]:
        found = _HEADER_CELL.match(cell.strip())
        terms.append((found["term"] if found else cell).strip())
        if found:
            regions.add(found["region"].strip())
    if not all(terms):
        raise TrendsImportError(f"{name} line {line}: a column has no term name")
    if geo is not None:
        return terms, geo
    if len(regions) > 1:
        raise TrendsImportError(
            f"{name} line {line}: columns from several regions {sorted(regions)}; pass --geo CODE"
        )
    region = regions.pop() if regions else "Worldwide"
    if region not in REGIONS:
        raise TrendsImportError(
            f"{name} line {line}: unknown region {region!r}; pass --geo "
            "with its two-letter code (e.g. --geo GB)"
        )
    return terms, REGIONS[region]


def _period(cell: str, granularity: str, name: str, line: int) -> dt.date:
    text = cell.strip()
    try:
        if granularity == "month":
            return dt.date.fromisoformat(f"{text[:7]}-01")
        return dt.date.fromisoformat(text)
    except ValueError:
        want = "YYYY-MM" if granularity == "month" else "YYYY-MM-DD"
        raise TrendsImportError(f"{name} line {line}: {text!r} is not a date ({want})") from None


def _value(cell: str, term: str, name: str, line: int) -> float:
    text = cell.strip()
    if text == "<1":
        return 0.5
    try:
        value = float(text)
    except ValueError:
        raise TrendsImportError(
            f"{name} line {line}: value {text!r} for {term!r} is not a number or '<1'"
        ) from None
    if not 0 <= value <= 100:
        raise TrendsImportError(
            f"{name} line {line}: value {value:g} for {term!r} is outside "
            "0-100; is this a Google Trends export?"
        )
    return value


def _period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return start
    if granularity == "week":
        return start + dt.timedelta(days=6)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def parse_multitimeline(
    text: str,
    name: str = "multiTimeline.csv",
    term: str | None = None,
    geo: str | None = None,
    imported_on: dt.date | None = None,
) -> ImportedTimeline:
    """Parse an export into raw points. ``term`` renames the column of a single-series file."""
    rows = list(csv_rows(text.lstrip("\ufeff"), name, max_columns=MAX_TERMS + 1))
    start = _find_header(rows, name)
    header = rows[start]
    granularity = GRANULARITIES[header[0].strip().lower()]
    terms, geo_code = _terms(header, name, start + 1, geo)
    if term is not None:
        if len(terms) != 1:
            raise TrendsImportError(
                f"{name}: --term renames the one series of a file, but this "
                f"file has {len(terms)} ({', '.join(terms)}); leave it out"
            )
        terms = [term]
    digest = hashlib.sha256(f"{text}|{terms}|{geo_code}".encode()).hexdigest()
    rid = "import-" + digest[:20]
    today = imported_on or utcnow().date()
    prov = Provenance(
        f"import:{name}",
        VERSION,
        utcnow(),
        {"kind": "import", "file": name, "sha256": digest, "header": header},
    )
    points = []
    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TrendsImportError(f"{name} line {offset}: {len(row)} cells, the header has {len(header)}")
        period = _period(row[0], granularity, name, offset)
        try:
            partial = _period_end(period, granularity) >= today  # the period had not ended yet
        except OverflowError:  # a week or month running past 9999-12-31
            raise TrendsImportError(
                f"{name} line {offset}: the {granularity} starting "
                f"{period.isoformat()} ends after the last date Python "
                "can represent; is the date column right?"
            ) from None
        for t, cell in zip(terms, row[1:], strict=True):
            points.append(
                SearchInterestPoint(
                    rid, t, period, granularity, _value(cell, t, name, offset), partial, geo_code, prov
                )
            )
    if not points:
        raise TrendsImportError(f"{name}: the header (line {start + 1}) has no data rows after it")
    return ImportedTimeline(rid, granularity, geo_code, tuple(terms), tuple(points))
