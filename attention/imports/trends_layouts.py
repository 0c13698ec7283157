"""Google Trends files in every layout users hold, as raw responses (one per payload).

* Google's website export of today (``Week,term: (United States)``) goes through
  :func:`attention.imports.trends_export.parse_multitimeline` unchanged.
* The same export in other languages (``Semana``, ``Woche``, ``Semaine``, ``Settimana``, ``Dia``,
  ``Tag``, ``Mes``, ``Monat``, ...), older vintages whose weeks are ranges (``2004-01-04 -
  2004-01-10``) and whose region is a preamble line (``Worldwide; 2004 - present``), and copies
  re-saved by a spreadsheet with ``;`` and decimal commas.
* A plain ``date,value`` or ``date,term1,term2,...`` CSV. Its granularity comes from the gaps
  between dates; its region is not in the file, so ``--geo`` is required (``--geo ""`` for
  worldwide); a weekly file whose dates are not all Sundays (Google's week-start label) needs
  ``--week-label start|end``.
* A file with more than five term columns holds several payloads (Google compares at most five
  terms a request): the columns are split into groups of ``payload_size`` in file order, each of
  which must peak at 100 as one request does, and each group becomes its own response, rescaled
  through a shared anchor term by the stitcher or, without one, stored unstitched with the
  reason said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

from attention.imports.tabular import parse_day
from attention.imports.text_files import csv_rows
from attention.imports.trends_export import (
    REGIONS,
    ImportedTimeline,
    TrendsImportError,
    _period_end,
    parse_multitimeline,
)
from collectors.core.records import Provenance, SearchInterestPoint, utcnow

VERSION = "trends-layouts-1"
MAX_TERMS = 5
# The first header cell of Google's export, by language.
GRANULARITY_WORDS = {
    "day": ("day", "dia", "día", "tag", "jour", "giorno", "dag", "dzień", "日"),
    "week": ("week", "semana", "woche", "semaine", "settimana", "week", "tydzień", "週"),
    "month": ("month", "mes", "mês", "monat", "mois", "mese", "maand", "miesiąc", "月"),
}
PLAIN_DATE = ("date", "datum", "fecha", "data", "time", "period", "periode")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+-\s+(\d{4}-\d{2}-\d{2})$")
_REGION_LINE = re.compile(r"^(?P<region>[^;]+);\s*\d{4}")
_HEADER_CELL = re.compile(r"^(?P<term>.*?):\s*\((?P<region>[^()]*)\)\s*$")


def parse_trends_file(
    text: str,
    name: str,
    term: str | None = None,
    geo: str | None = None,
    week_label: str | None = None,
    payload_size: int = MAX_TERMS,
    imported_on: dt.date | None = None,
) -> tuple[list[ImportedTimeline], list[str]]:
    """The file's payloads as timelines, and notes on what was read how."""
    text = text.lstrip("\ufeff")
    rows = _rows(text, name)
    start = _header_index(rows, name)
    header = [c.strip() for c in rows[start]]
    if _current_english_export(text, rows, start, header, payload_size):
        return [parse_multitimeline(text, name, term=term, geo=geo, imported_on=imported_on)], []
    return _general(text, rows, start, header, name, term, geo, week_label, payload_size, imported_on)


def _current_english_export(
    text: str, rows: list[list[str]], start: int, header: list[str], payload_size: int
) -> bool:
    """Today's English export, read by parse_multitimeline (so its request ids stay as they were)."""
    return (
        header[0].lower() in ("day", "week", "month")
        and all(_HEADER_CELL.match(cell) for cell in header[1:])
        and not _RANGE.match(_first_cell(rows, start))
        and ";" not in text.splitlines()[0]
        and len(header) - 1 <= payload_size
    )


def _rows(text: str, name: str) -> list[list[str]]:
    words = {w for group in GRANULARITY_WORDS.values() for w in group} | set(PLAIN_DATE)
    header = next(
        (line for line in text.splitlines() if re.split("[,;]", line)[0].strip().lower() in words), ""
    )
    delimiter = ";" if ";" in header else ","
    # csv_rows: one line for a field over the csv limit or a row of hundreds of columns
    return [row for row in csv_rows(text, name, delimiter=delimiter) if any(c.strip() for c in row)]


def _header_index(rows: list[list[str]], name: str) -> int:
    words = {w for group in GRANULARITY_WORDS.values() for w in group} | set(PLAIN_DATE)
    for index, row in enumerate(rows):
        if len(row) >= 2 and row[0].strip().lower() in words:
            return index
    raise TrendsImportError(
        f"{name}: no header line found: expected a first column named Week/Day/Month (any language) "
        f"or date, then one column per term"
    )


def _first_cell(rows: list[list[str]], start: int) -> str:
    return rows[start + 1][0].strip() if len(rows) > start + 1 else ""


def _general(
    text: str,
    rows: list[list[str]],
    start: int,
    header: list[str],
    name: str,
    term: str | None,
    geo: str | None,
    week_label: str | None,
    payload_size: int,
    imported_on: dt.date | None,
) -> tuple[list[ImportedTimeline], list[str]]:
    notes: list[str] = []
    terms, regions = _terms(header)
    if term is not None:
        if len(terms) != 1:
            raise TrendsImportError(
                f"{name}: --term renames the one series of a file, but this file has {len(terms)}"
            )
        terms = [term]
    geo_code = _geo(rows[:start], regions, geo, name)
    dates, labelled_range = _dates(rows[start + 1 :], name, start + 2)
    granularity = _granularity(header[0], dates)
    if granularity == "week" and not labelled_range:
        dates = _week_starts(dates, week_label, name, notes)
    decimal_comma = ";" in text.splitlines()[start] if len(text.splitlines()) > start else False
    values = [
        [
            _value(row[i + 1] if i + 1 < len(row) else "", t, name, start + 2 + n, decimal_comma)
            for i, t in enumerate(terms)
        ]
        for n, row in enumerate(rows[start + 1 :])
    ]
    groups = _groups(terms, values, payload_size, name)
    if len(groups) > 1:
        notes.append(f"{len(groups)} payloads of up to {payload_size} terms, each on its own 0-100 scale")
    today = imported_on or utcnow().date()
    out = []
    for group in groups:
        group_terms = [terms[i] for i in group]
        digest = hashlib.sha256(f"{text}|{group_terms}|{geo_code}".encode()).hexdigest()
        rid = "import-" + digest[:20]
        prov = Provenance(
            f"import:{name}", VERSION, utcnow(), {"kind": "import", "file": name, "sha256": digest}
        )
        points = tuple(
            SearchInterestPoint(
                rid,
                terms[i],
                day,
                granularity,
                row[i],
                _period_end(day, granularity) >= today,
                geo_code,
                prov,
            )
            for day, row in zip(dates, values, strict=True)
            for i in group
        )
        out.append(ImportedTimeline(rid, granularity, geo_code, tuple(group_terms), points))
    return out, notes


def _terms(header: list[str]) -> tuple[list[str], set[str]]:
    terms, regions = [], set()
    for cell in header[1:]:
        found = _HEADER_CELL.match(cell)
        terms.append((found["term"] if found else cell).strip())
        if found:
            regions.add(found["region"].strip())
    return terms, regions


def _geo(preamble: list[list[str]], regions: set[str], geo: str | None, name: str) -> str:
    if geo is not None:
        return geo
    for row in preamble:  # older exports: "Worldwide; 2004 - present"
        found = _REGION_LINE.match(",".join(row).strip())
        if found:
            regions.add(found["region"].strip())
    if len(regions) == 1 and next(iter(regions)) in REGIONS:
        return REGIONS[next(iter(regions))]
    said = f"says {sorted(regions)}" if regions else "does not say its region"
    raise TrendsImportError(
        f"{name}: the file {said}; pass --geo CODE (e.g. --geo US, or --geo '' for worldwide)"
    )


def _dates(rows: list[list[str]], name: str, first_line: int) -> tuple[list[dt.date], bool]:
    dates, ranges = [], 0
    for offset, row in enumerate(rows):
        cell = row[0].strip()
        found = _RANGE.match(cell)
        try:
            dates.append(
                dt.date.fromisoformat(found[1])
                if found
                else parse_day(cell if len(cell) != 7 else cell + "-01")
            )
        except ValueError:
            raise TrendsImportError(f"{name} line {first_line + offset}: {cell!r} is not a date") from None
        ranges += bool(found)
    if not dates:
        raise TrendsImportError(f"{name}: the header has no data rows after it")
    if len(set(dates)) != len(dates):
        raise TrendsImportError(f"{name}: a date appears twice; one row per period")
    if dates != sorted(dates):
        raise TrendsImportError(f"{name}: the dates are not in order; is this one export?")
    return dates, ranges == len(dates)


def _granularity(first_cell: str, dates: Sequence[dt.date]) -> str:
    word = first_cell.strip().lower()
    for granularity, words in GRANULARITY_WORDS.items():
        if word in words:
            return granularity
    gaps = sorted((b - a).days for a, b in zip(dates, dates[1:], strict=False)) or [1]
    gap = gaps[len(gaps) // 2]
    return "day" if gap == 1 else "week" if gap == 7 else "month"


def _week_starts(dates: list[dt.date], week_label: str | None, name: str, notes: list[str]) -> list[dt.date]:
    if week_label is None and all(d.weekday() == 6 for d in dates):
        notes.append("weeks labelled by their Sunday, read as the week's start (Google's convention)")
        return dates
    if week_label not in ("start", "end"):
        raise TrendsImportError(
            f"{name}: weekly dates that are not all Sundays; say whether each date is the week's first "
            "or last day with --week-label start|end"
        )
    notes.append(f"weeks labelled by their {week_label} (--week-label)")
    return dates if week_label == "start" else [d - dt.timedelta(days=6) for d in dates]


def _value(cell: str, term: str, name: str, line: int, decimal_comma: bool) -> float:
    text = cell.strip()
    if text == "<1":
        return 0.5
    try:
        value = float(text.replace(",", ".") if decimal_comma else text)
    except ValueError:
        raise TrendsImportError(
            f"{name} line {line}: value {text!r} for {term!r} is not a number or '<1'"
        ) from None
    if not 0 <= value <= 100:
        raise TrendsImportError(f"{name} line {line}: value {value:g} for {term!r} is outside 0-100")
    return value


def _groups(terms: list[str], values: list[list[float]], size: int, name: str) -> list[list[int]]:
    if len(terms) <= size:
        return [list(range(len(terms)))]
    groups = [list(range(i, min(i + size, len(terms)))) for i in range(0, len(terms), size)]
    for group in groups:
        peak = max(row[i] for row in values for i in group)
        if peak != 100:
            raise TrendsImportError(
                f"{name}: {len(terms)} terms cannot come from one request (at most {MAX_TERMS}), and the "
                f"columns {[terms[i] for i in group]} peak at {peak:g}, not 100, so they are not one "
                "payload; pass --payload-size N with the number of terms per request"
            )
    return groups
