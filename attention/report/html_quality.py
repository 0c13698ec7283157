"""The report's data-quality section: runs that did not succeed, stale flows, partial search
periods, the input checks' stored flags known on the report's date, and each theme's panel and
analysis notes, a note shared by several themes said once."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from attention.report.data import ReportData
from attention.report.html_sections import _missing, esc, section


def _day(value: object) -> str:
    return "?" if _missing(value) else str(pd.Timestamp(value).date())


def _partial_lines(partial: pd.DataFrame) -> list[str]:
    """One line per (granularity, last period) listing the terms still partial there."""
    if partial.empty:
        return []
    lines = []
    for (granularity, day), rows in partial.groupby(["granularity", "date"], sort=True):
        terms = ", ".join(sorted(map(str, rows["term"])))
        lines.append(
            f"Google Trends ({'daily' if granularity == 'day' else 'weekly'}): the "
            f"period ending {_day(day)} was not over when fetched (partial; refreshed "
            f"on a later run) for {terms}"
        )
    return lines


def flag_lines(flags: pd.DataFrame, as_of: dt.date | None = None) -> list[str]:
    """The input checks' stored flags (step series, frozen feeds, missing sessions, ...) known on
    ``as_of`` (None: all): a flag that starts later is left out, one that runs past it says so."""
    lines = []
    for flag in flags.itertuples():
        first, last = flag.first_date, flag.last_date
        span = ""
        if not pd.isna(first):
            if as_of is not None and pd.Timestamp(first).date() > as_of:
                continue  # not known yet on the report's date
            until = "" if pd.isna(last) or last == first else f" to {_day(last)}"
            later = as_of is not None and not pd.isna(last) and pd.Timestamp(last).date() > as_of
            span = f" ({_day(first)}{until}{'; found on data after ' + str(as_of) if later else ''})"
        prefix = "error: " if flag.severity == "error" else ""
        lines.append(f"{prefix}{flag.subject}: {flag.detail}{span}")
    return lines


def said_once(notes: list[tuple[str, str]]) -> list[str]:
    """Each note once, after the themes it concerns ("Small caps, AI stocks: prices of SPY end
    ...": a shared benchmark's note is not repeated per theme), in order of first appearance."""
    themes: dict[str, list[str]] = {}
    for label, note in notes:
        themes.setdefault(note, [])
        themes[note] += [label] * (label not in themes[note])
    return [f"{', '.join(labels)}: {note}" for note, labels in themes.items()]


def data_quality(data: ReportData) -> str:
    lines = []
    for run in data.runs.itertuples():
        if run.status != "ok":  # failed, deferred, partial, running, interrupted, ...
            error = f": {run.error}" if not _missing(run.error) else ""
            lines.append(f"{run.source} {run.status} on {_day(run.run_date)}{error}")
    for flow in data.stale_flows.itertuples():
        lines.append(
            f"flows for {flow.ticker} are stale on {flow.days} session(s) of the last "
            f"4 weeks (shares outstanding stopped changing; last {_day(flow.last_date)}"
            "): unknown, not zero"
        )
    lines += _partial_lines(data.partial_search)
    lines += flag_lines(data.flags, data.as_of)
    per_theme = [(data.label(key), note) for key, panel in data.panels.items() for note in panel.notes]
    if data.analysis is not None:
        per_theme += [(t.label, n) for t in data.analysis.themes.values() for n in t.notes]
    lines += said_once(per_theme) + data.notes
    if not lines:
        return section("quality", "Data quality", "<p>No problems found.</p>")
    unique = list(dict.fromkeys(lines))
    body = "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in unique) + "</ul>"
    return section("quality", "Data quality", body)
