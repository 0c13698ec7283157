"""`attention import trends-csv`: the website's multiTimeline.csv export, parsed and stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from attention.commands import trends as trends_cmd
from attention.config import validate_config
from attention.imports.trends_csv import import_trends_csv
from attention.imports.trends_export import TrendsImportError, parse_multitimeline
from attention.store import Store

EXPORT = """Category: All categories

Week,small cap stocks: (United States),"stocks, bonds: (United States)",stock market: (United States)
2024-01-07,45,<1,100
2024-01-14,50,3,90
2024-01-21,55,2,95
"""


def test_export_with_preamble_and_below_one_values() -> None:
    got = parse_multitimeline(EXPORT, imported_on=dt.date(2024, 1, 24))
    assert got.granularity == "week" and got.geo == "US"
    assert got.terms == ("small cap stocks", "stocks, bonds", "stock market")
    values = {(p.term, p.period_start.isoformat()): p.value for p in got.points}
    assert values[("small cap stocks", "2024-01-14")] == 50
    assert values[("stocks, bonds", "2024-01-07")] == 0.5  # "<1": the middle of (0, 1)
    partial = {p.period_start for p in got.points if p.is_partial}
    assert partial == {dt.date(2024, 1, 21)}  # that week ends on the 27th, after the import
    assert all(p.request_id == got.request_id and p.request_id.startswith("import-") for p in got.points)
    assert '"kind": "import"' in got.points[0].provenance.to_json()


def test_daily_export_without_preamble_and_a_renamed_term() -> None:
    text = "Day,IWM: (Worldwide)\n2024-03-01,12\n2024-03-02,14\n"
    got = parse_multitimeline(text, term="IWM ETF", imported_on=dt.date(2025, 1, 1))
    assert got.granularity == "day" and got.geo == "" and got.terms == ("IWM ETF",)
    assert [p.value for p in got.points] == [12, 14]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Week,a: (United States)\n2024-01-07,12\n2024-01-14,abc\n", "line 3: value 'abc'"),
        ("Week,a: (United States)\n2024-01-07,12\n14/01/2024,5\n", "line 3: '14/01/2024' is not"),
        ("Week,a: (United States)\n2024-01-07,12,4\n", "line 2: 3 cells"),
        ("Week,a: (United States)\n2024-01-07,120\n", "outside 0-100"),
        ("date,a\n2024-01-07,1\n", "no header line"),
        ("Week,a: (Atlantis)\n2024-01-07,1\n", "unknown region 'Atlantis'"),
        ("Category: All categories\n\nWeek,a: (United States)\n", "no data rows"),
    ],
)
def test_bad_files_name_the_line_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(TrendsImportError, match=message):
        parse_multitimeline(text)


def test_term_option_needs_a_single_series() -> None:
    with pytest.raises(TrendsImportError, match="--term renames the one series"):
        parse_multitimeline(EXPORT, term="x")


@pytest.fixture
def config(default_config_path: Path, tmp_path: Path):
    raw = yaml.safe_load(default_config_path.read_text())
    raw["store"] = {"path": str(tmp_path / "a.duckdb")}
    return validate_config(raw)


def test_import_stores_raw_rows_and_stitches_through_the_anchor(config, tmp_path) -> None:
    path = tmp_path / "multiTimeline.csv"
    path.write_text(EXPORT)
    with Store(config.store.path) as store:
        timeline, result = import_trends_csv(store, config, path)
        assert timeline.request_id in result.anchored  # "stock market" is the reference
        again, _ = import_trends_csv(store, config, path)
        assert store.count("search_interest") == 9 and again.request_id == timeline.request_id
        series = store.query(
            "SELECT term, date, value, method FROM search_series "
            "WHERE granularity = 'week' ORDER BY term, date"
        )
        spans = store.coverage_spans(["trends"])
    # coverage: each term of the file from its first week's Sunday to its last week's Saturday
    assert set(spans["unit"]) == set(timeline.terms) and set(spans["origin"]) == {"import"}
    first = min(p.period_start for p in timeline.points)
    assert (spans["span_start"] == pd.Timestamp(first, tz="UTC")).all()
    assert ((spans["span_end"] - spans["span_start"]).dt.days == 21).all()  # three weeks
    small = series[series["term"] == "small cap stocks"]
    # stock market's mean (95) is 100 on the common scale: 45 -> 45 * 100 / 95
    assert small["value"].tolist() == pytest.approx([45 * 100 / 95, 50 * 100 / 95, 55 * 100 / 95])
    assert str(small["date"].iloc[0])[:10] == "2024-01-13"  # labelled by the week's Saturday
    assert set(series["method"]) == {"stitch-v1:anchored"}


def test_cli_import_and_clear_error(config, tmp_path, default_config_path) -> None:
    app, import_app = typer.Typer(), typer.Typer()
    app.add_typer(import_app, name="import")
    trends_cmd.register(app, import_app)
    good = tmp_path / "multiTimeline.csv"
    good.write_text("Category: All categories\n\nWeek,Sora: (United States)\n2024-01-07,13\n")
    store = str(config.store.path)
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "import",
            "trends-csv",
            str(good),
            "--term",
            "Sora video",
            "--config",
            str(default_config_path),
            "--store",
            store,
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "imported 1 values for Sora video" in ok.output
    assert "shares no anchor term" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Week,Sora: (United States)\n2024-01-07,lots\n")
    failed = runner.invoke(
        app, ["import", "trends-csv", str(bad), "--config", str(default_config_path), "--store", store]
    )
    assert failed.exit_code == 1
    assert "bad.csv line 2: value 'lots'" in failed.output
