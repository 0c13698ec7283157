"""Google Trends files in other layouts: languages, old vintages, spreadsheets, plain CSVs,
several payloads in one file, and the ways such files go wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from attention.config import load_config
from attention.imports.trends_csv import import_trends_file
from attention.imports.trends_export import TrendsImportError
from attention.imports.trends_layouts import parse_trends_file
from attention.store import Store

TODAY = dt.date(2026, 1, 1)


def parse(text: str, **options: object) -> tuple[list, list[str]]:
    return parse_trends_file(text, "f.csv", imported_on=TODAY, **options)  # type: ignore[arg-type]


def test_german_export_with_region_in_the_header() -> None:
    text = "Kategorie: Alle Kategorien\n\nWoche,Nvidia: (Worldwide)\n2024-01-07,40\n2024-01-14,<1\n"
    (timeline,), _ = parse(text)
    assert (timeline.granularity, timeline.geo) == ("week", "")
    assert [p.value for p in timeline.points] == [40.0, 0.5]


def test_old_vintage_week_ranges_and_preamble_region() -> None:
    text = (
        "Web Search interest: stocks\nWorldwide; 2004 - present\n\nInterest over time\n"
        "Week,stocks\n2004-01-04 - 2004-01-10,45\n2004-01-11 - 2004-01-17,47\n"
    )
    (timeline,), notes = parse(text)
    assert timeline.geo == "" and [p.period_start for p in timeline.points] == [
        dt.date(2004, 1, 4),
        dt.date(2004, 1, 11),
    ]
    assert notes == []


def test_spreadsheet_copy_with_semicolons_and_decimal_commas() -> None:
    text = "Semana;IA: (Estados Unidos)\n2024-01-07;12,5\n2024-01-14;100\n"
    with pytest.raises(TrendsImportError, match="says \\['Estados Unidos'\\]; pass --geo"):
        parse(text)
    (timeline,), _ = parse(text, geo="US")
    assert [p.value for p in timeline.points] == [12.5, 100.0]


def test_plain_file_needs_geo_and_a_week_convention_unless_sundays() -> None:
    sundays = "date,value\n2024-01-07,10\n2024-01-14,20\n2024-01-21,30\n"
    with pytest.raises(TrendsImportError, match="does not say its region"):
        parse(sundays)
    (timeline,), notes = parse(sundays, geo="US")
    assert timeline.terms == ("value",) and "Sunday" in notes[0]
    fridays = "date,crash\n2024-01-05,10\n2024-01-12,20\n2024-01-19,30\n"
    with pytest.raises(TrendsImportError, match="--week-label start\\|end"):
        parse(fridays, geo="")
    (timeline,), _ = parse(fridays, geo="", week_label="end", term="stock market crash")
    assert timeline.points[0].period_start == dt.date(2023, 12, 30) and timeline.terms == (
        "stock market crash",
    )


def test_daily_plain_file_granularity_from_the_gaps() -> None:
    (timeline,), _ = parse("date,a,b\n2024-01-01,1,100\n2024-01-02,2,90\n", geo="US")
    assert timeline.granularity == "day" and len(timeline.points) == 4


def test_several_payloads_split_when_each_peaks_at_100() -> None:
    header = "date," + ",".join(f"t{i}" for i in range(7))
    rows = ["2024-01-07," + ",".join(["100"] + ["1"] * 4 + ["100", "3"]), "2024-01-14," + ",".join(["2"] * 7)]
    timelines, notes = parse("\n".join([header, *rows]) + "\n", geo="US")
    assert [t.terms for t in timelines] == [("t0", "t1", "t2", "t3", "t4"), ("t5", "t6")]
    assert len({t.request_id for t in timelines}) == 2 and "2 payloads" in notes[-1]
    bad = [rows[0].replace(",100,3", ",50,3"), rows[1]]
    with pytest.raises(TrendsImportError, match="peak at 50, not 100, .*--payload-size"):
        parse("\n".join([header, *bad]) + "\n", geo="US")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header line"),
        ("date,value\n", "no data rows"),
        ("date,value\n2024-01-07,10\n2024-01-07,11\n", "a date appears twice"),
        ("date,value\n2024-01-14,10\n2024-01-07,11\n", "not in order"),
        ("date,value\n2024-01-07,140\n", "outside 0-100"),
        ("date,value\n2024-01-07,lots\n", "line 2: value 'lots'"),
        ("date,value\nsoon,1\n", "line 2: 'soon' is not a date"),
    ],
)
def test_hostile_files_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(TrendsImportError, match=message):
        parse(text, geo="US")


def test_import_is_idempotent_and_records_coverage(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes("date,small cap stocks\n2024-01-07,10\n2024-01-14,20\n".encode("utf-16"))
    config = load_config(None, overrides={"store.path": str(tmp_path / "s.duckdb")})
    with Store(config.store.path) as db:
        _, _, first = import_trends_file(db, config, path, geo="US")
        _, _, second = import_trends_file(db, config, path, geo="US")
        spans = db.coverage_spans(["trends"])
    assert first.new == 2 and ": unchanged:" in second.line()
    assert spans["unit"].tolist() == ["small cap stocks"]
    assert spans["span_end"].iloc[0] == dt.datetime(2024, 1, 21, tzinfo=dt.UTC)
