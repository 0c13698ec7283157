"""Exports: documented stable columns, typed round trips (CSV and Parquet), formula escaping,
authors only when opted in."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from attention.config import Config, load_config
from attention.errors import FatalError
from attention.panel.build import DAILY_COLUMNS
from attention.report.export import (
    EXPORTS,
    SPECS,
    escape_cell,
    export_all,
    export_store,
    load_table,
    read_export,
    render_column_docs,
    unescape_cell,
)
from attention.report.tables import ExportOptions
from attention.store import Store
from collectors.core.records import FlowRecord, PriceBar, Provenance, TextItem

REPO = Path(__file__).resolve().parents[2]
PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2024, 1, 5, tzinfo=dt.UTC))
NASTY = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'already quoted",
    'plain, with "quotes"\nand a newline',
    "ünïcødé 🚀 $IWM",
]
KIND_DTYPES = {
    "string": "string",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "date": "datetime64[us]",
    "timestamp": "datetime64[us, UTC]",
    "list": "object",
}


@pytest.fixture
def config() -> Config:
    return load_config(REPO / "config.yaml")


def _items() -> list[TextItem]:
    base = dt.datetime(2024, 1, 2, 15, 59, 1, 123456, tzinfo=dt.UTC)
    items = [
        TextItem(
            "reddit",
            f"t3_{i}",
            "post",
            base + dt.timedelta(hours=i),
            title,
            "-body",
            f"https://reddit.test/{i}",
            PROV,
            author=f"hash{i}",
            container="stocks",
            score=i - 3,
            num_comments=i,
            themes=("small_caps",) if i % 2 else (),
            compound=-0.5 + i / 10,
            neg=0.1,
            neu=0.8,
            pos=0.1,
            lexicon_version="v1",
            flags=("feed_mode",) if i == 1 else (),
        )
        for i, title in enumerate(NASTY)
    ]
    items.append(
        TextItem(
            "news",
            "n1",
            "headline",
            base,
            "Small caps rally",
            "",
            None,
            PROV,
            outlet="Wire",
            themes=("small_caps", "ai_stocks"),
            scoreable=False,
        )
    )
    return items


def _bars() -> list[PriceBar]:
    out = []
    for i, day in enumerate(pd.bdate_range("2024-01-02", periods=30)):
        for ticker, base in (("IWM", 190.1234), ("SPY", 470.0)):
            close = base * (1 + 0.001 * i) + 1e-9 * i  # digits a lossy float format would drop
            out.append(
                PriceBar(
                    ticker, day.date(), close, close + 1, close - 1, close, close, 1.5e6 + i, "yahoo", PROV
                )
            )
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "s.duckdb") as opened:
        opened.write(_items() + _bars())
        opened.write(
            [
                FlowRecord("IWM", dt.date(2024, 1, 3), 1.25e7, "shares_outstanding", False, PROV),
                FlowRecord("IWM", dt.date(2024, 1, 4), None, "shares_outstanding", True, PROV),
            ]
        )
        opened.upsert_frame(
            "search_series",
            pd.DataFrame(
                {
                    "term": ["IWM", "IWM", "stocks"],
                    "date": pd.to_datetime(["2024-01-06"] * 2 + ["2024-01-06"]).date,
                    "granularity": ["week", "day", "week"],
                    "value": [12.5, 3.25, 100.0],
                    "lo": [12.0, 3.0, 99.5],
                    "hi": [13.0, 3.5, 100.5],
                    "is_partial": [False, True, False],
                    "method": ["stitch-v1"] * 3,
                }
            ),
            ["term", "date", "granularity"],
        )
        opened.upsert_frame(
            "feedback_tests",
            pd.DataFrame(
                [
                    {
                        "theme": "small_caps",
                        "freq": "W",
                        "causing": "excess_return",
                        "caused": "attention_index",
                        "statistic": 40.1,
                        "pvalue": 4e-9,
                        "qvalue": 5.7e-8,
                        "lags": 1,
                        "nobs": 120,
                        "df_num": 1,
                        "df_denom": 117,
                        "effect_size": 0.246,
                        "cumulative_effect": 0.44,
                        "lead_lags": "[1]",
                        "transforms": "level/level",
                        "ic": "aic",
                        "null_hypothesis": "past values ...",
                        "significant": True,
                        "computed_at": dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC),
                    }
                ]
            ),
            ["theme", "freq", "causing", "caused"],
        )
        yield opened


def test_docs_list_every_export_with_exactly_its_columns() -> None:
    text = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
    documented: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^### `(\w+)`", line)
        if heading:
            current = documented.setdefault(heading.group(1), [])
        elif current is not None and (cell := re.match(r"^\| `(\w+)` \|", line)):
            current.append(cell.group(1))
    assert documented == {spec.name: spec.names for spec in EXPORTS}
    assert render_column_docs() in text, "docs/exports.md is out of date: paste render_column_docs()"


def test_panel_export_columns_are_panel_columns() -> None:
    assert SPECS["panel_daily"].names[:2] == ["theme", "date"]
    assert set(SPECS["panel_daily"].names[2:]) <= set(DAILY_COLUMNS) | {"attention_index_parts"}


def test_analysis_export_columns_exist_in_the_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as opened:
        for name in ("feedback_tests", "feedback_verdicts", "event_studies", "context", "impulse_responses"):
            columns = set(opened.query(f"SELECT * FROM {name} LIMIT 0").columns)
            assert set(SPECS[name].names) <= columns, name


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_equals_the_store_with_types(
    store: Store, config: Config, tmp_path: Path, fmt: str
) -> None:
    result = export_store(store, config, tmp_path / "out", fmt)
    assert set(result.files) == set(SPECS)
    for name, path in result.files.items():
        back = read_export(path)
        assert list(back.columns) == SPECS[name].names
        for column in SPECS[name].columns:
            assert str(back[column.name].dtype) == KIND_DTYPES[column.kind], (name, column.name)
        pd.testing.assert_frame_equal(back, load_table(store, config, SPECS[name]))
    items = read_export(result.files["items"]).set_index("item_id")
    for i, title in enumerate(NASTY):
        row = items.loc[f"t3_{i}"]
        assert row["title"] == title and row["body"] == "-body"
        assert row["created_utc"] == pd.Timestamp("2024-01-02 15:59:01.123456", tz="UTC") + pd.Timedelta(
            hours=i
        )
        assert row["score"] == i - 3 and row["compound"] == pytest.approx(-0.5 + i / 10, abs=0)
    assert items.loc["n1", "themes"] == ("small_caps", "ai_stocks")
    assert items.loc["n1", "scoreable"] is False or not items.loc["n1", "scoreable"]
    raw = store.query("SELECT ticker, date, close FROM prices ORDER BY ticker, date")
    prices = read_export(result.files["prices"])
    assert prices["close"].tolist() == raw["close"].tolist()  # bit-exact floats
    assert [d.date() for d in prices["date"]] == [pd.Timestamp(d).date() for d in raw["date"]]
    flows = read_export(result.files["flows"])
    assert flows["stale"].tolist() == [False, True] and pd.isna(flows["flow_usd"][1])
    search = read_export(result.files["search_interest"]).set_index(["term", "granularity"])
    assert search.loc[("IWM", "week"), "themes"] == ("small_caps",)
    assert search.loc[("stocks", "week"), "themes"] == ()  # an anchor belongs to no theme
    assert read_export(result.files["panel_daily"])["theme"].nunique() == len(config.themes)


def test_formula_cells_are_escaped_in_the_csv_file(store: Store, config: Config, tmp_path: Path) -> None:
    result = export_store(store, config, tmp_path / "out", "csv")
    with result.files["items"].open(newline="", encoding="utf-8") as handle:
        rows = {r["item_id"]: r for r in csv.DictReader(handle)}
    for i, title in enumerate(NASTY):
        cell = rows[f"t3_{i}"]["title"]
        if title[0] in "=+-@\t\r'":
            assert cell == "'" + title
        else:
            assert cell == title
        assert rows[f"t3_{i}"]["body"] == "'-body"
        assert not rows[f"t3_{i}"]["compound"].startswith("'")  # numbers are numbers
    assert rows["t3_0"]["compound"] == "-0.5"


@pytest.mark.parametrize("text", NASTY + ["", "a=b", "x-1", "'", "''=x"])
def test_escape_is_undone_exactly(text: str) -> None:
    escaped = escape_cell(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(escaped) == text


def test_authors_leave_the_store_only_when_opted_in(store: Store, config: Config, tmp_path: Path) -> None:
    plain = export_store(store, config, tmp_path / "a", "csv")
    assert read_export(plain.files["items"])["author"].isna().all()
    assert "hash1" not in plain.files["items"].read_text(encoding="utf-8")
    opted = export_store(store, config, tmp_path / "b", "csv", ExportOptions(include_authors=True))
    assert "hash1" in set(read_export(opted.files["items"])["author"].dropna())


def test_an_empty_store_gives_every_header(config: Config, tmp_path: Path) -> None:
    Store(tmp_path / "empty.duckdb").close()
    result = export_all(config, tmp_path / "out", "csv", store_path=tmp_path / "empty.duckdb")
    for name, path in result.files.items():
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == SPECS[name].names
        assert read_export(path).empty


def test_bad_requests_fail_clearly(store: Store, config: Config, tmp_path: Path) -> None:
    with pytest.raises(FatalError, match="csv or parquet"):
        export_store(store, config, tmp_path, "xlsx")
    with pytest.raises(FatalError, match="unknown export table"):
        export_store(store, config, tmp_path, "csv", tables=["nope"])
    (tmp_path / "items.csv").write_text("a,b\n1,2\n")
    with pytest.raises(FatalError, match="missing columns"):
        read_export(tmp_path / "items.csv")
    with pytest.raises(FatalError, match="unknown export table"):
        read_export(tmp_path / "whatever.csv")
