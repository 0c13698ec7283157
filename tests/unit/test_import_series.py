"""`attention import series`, its panel columns (ext_NAME), and per-theme benchmarks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from attention.config import load_config
from attention.errors import InputFileError
from attention.imports.external_series import import_series, parse_series_file
from attention.panel.build import PanelInputs, build_theme_panel
from attention.store import Store

SESSIONS = pd.bdate_range("2024-07-08", "2024-07-19")


def _prices(tickers: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"ticker": t, "date": d.date(), "close": c, "adj_close": c, "volume": 1000.0}
        for t, closes in tickers.items()
        for d, c in zip(SESSIONS, closes, strict=True)
    ]
    return pd.DataFrame(rows)


def test_series_import_is_checked_idempotent_and_covered(tmp_path: Path) -> None:
    path = tmp_path / "apewisdom.csv"
    path.write_text("date;mentions\n2024-07-08;1.500,5\n2024-07-09;12\n")
    with Store(tmp_path / "s.duckdb") as db:
        first = import_series(db, path, "nvda_mentions", "attention")
        second = import_series(db, path, "nvda_mentions", "attention")
        stored = db.query("SELECT value, kind, price_derived FROM external_series ORDER BY date")
        spans = db.coverage_spans(["series"])
    assert first.new == 2 and ": unchanged:" in second.line()
    assert stored.values.tolist() == [[1500.5, "attention", False], [12.0, "attention", False]]
    assert spans["unit"].tolist() == ["nvda_mentions"]


def test_series_bad_rows_kind_and_ambiguous_columns_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,value\n2024-07-08,1\n2024-07-09,lots\n")
    with pytest.raises(InputFileError, match="line 3, column 'value': 'lots' is not a number"):
        parse_series_file(path, "x", "attention")
    with pytest.raises(InputFileError, match="--kind 'mood'"):
        parse_series_file(path, "x", "mood")
    wide = tmp_path / "wide.csv"
    wide.write_text("date,a,b\n2024-07-08,1,2\n")
    with pytest.raises(InputFileError, match="2 value columns .*--column"):
        parse_series_file(wide, "x", "attention")
    points, _ = parse_series_file(wide, "x", "attention", column="b")
    assert points[0].value == 2.0


def test_fear_and_greed_is_labelled_price_derived_and_warned_in_the_panel(tmp_path: Path) -> None:
    path = tmp_path / "cnn.csv"
    path.write_text("Date,Fear Greed\n" + "".join(f"{d.date()},{50 + i}\n" for i, d in enumerate(SESSIONS)))
    points, summary = parse_series_file(path, "fear_greed", "attention")
    assert all(p.price_derived for p in points) and "price-derived" in summary.notes[0]
    config = load_config(None, overrides={"themes.small_caps.external_series": ["fear_greed"]})
    external = pd.DataFrame([{**p.row(), "date": p.date} for p in points])
    empty = PanelInputs.empty()
    prices = _prices({"IWM": [100.0 + i for i in range(10)], "SPY": [200.0] * 10})
    inputs = PanelInputs(prices, empty.flows, empty.mentions, empty.search, external=external)
    panel = build_theme_panel(inputs, config, "small_caps")
    # a value dated Monday 07-08 is used from Tuesday's session on (never at its own close)
    assert pd.isna(panel.daily.loc["2024-07-08", "ext_fear_greed"])
    assert panel.daily.loc["2024-07-09", "ext_fear_greed"] == 50
    assert panel.weekly.loc["2024-07-12", "ext_fear_greed"] == pytest.approx((50 + 51 + 52 + 53) / 4)
    assert panel.daily["attention_index"].notna().sum() > 0
    assert any("derived from prices" in note for note in panel.notes)
    other = build_theme_panel(inputs, config, "ai_stocks")
    assert "ext_fear_greed" not in other.daily


def test_a_theme_benchmark_overrides_the_global_one(tmp_path: Path) -> None:
    config = load_config(None, overrides={"store.path": str(tmp_path / "s")})
    themes = {k: v.model_dump() for k, v in config.themes.items()}
    themes["small_caps"]["benchmark"] = "^GSPC"
    themes["small_caps"]["proxy"] = {"etf": "^RUT"}
    themes["small_caps"]["context_indices"] = ["IWM"]
    config = load_config(None, overrides={"themes": themes, "store.path": str(tmp_path / "s")})
    assert {"^GSPC", "^RUT", "IWM", "SPY"} <= set(config.all_tickers())
    # ^GSPC moves (one close on 5 bars would be a frozen feed) and ends +10% on 07-19
    gspc = [100.0, 101.0] * 4 + [100.0, 110.0]
    closes = {"^RUT": [100.0 + i for i in range(10)], "^GSPC": gspc, "SPY": [1.0 + i for i in range(10)]}
    empty = PanelInputs.empty()
    inputs = PanelInputs(_prices(closes), empty.flows, empty.mentions, empty.search)
    panel = build_theme_panel(inputs, config, "small_caps")
    assert panel.daily.loc["2024-07-19", "benchmark_return"] == pytest.approx(0.1)
    assert config.benchmark_for("ai_stocks") == "SPY"


def test_a_long_mentions_file_gives_one_series_per_ticker(tmp_path: Path) -> None:
    path = tmp_path / "apewisdom.csv"
    path.write_text("date,ticker,mentions\n2024-07-08,NVDA,120\n2024-07-08,BRK.B,3\n2024-07-09,NVDA,150\n")
    with Store(tmp_path / "s.duckdb") as db:
        summary = import_series(db, path, "apewisdom", "attention")
        stored = db.query("SELECT name, count(*) AS n FROM external_series GROUP BY name ORDER BY name")
        spans = db.coverage_spans(["series"])
    assert stored.values.tolist() == [["apewisdom_brk_b", 1], ["apewisdom_nvda", 2]]
    assert spans["unit"].tolist() == ["apewisdom_brk_b", "apewisdom_nvda"] and summary.new == 3
