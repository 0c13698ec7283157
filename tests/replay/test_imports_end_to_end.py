"""Bring your own data, end to end: real prices, Trends and Reddit CSVs (and a constructed
shares-outstanding history: ../shared/data holds none) imported into an empty store through
the CLI, then `analyze`, `context` and `report` produce results with no network (the unit-test
guard makes any connection fail)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import packaged_default_path

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    raw = yaml.safe_load(packaged_default_path().read_text())
    raw["store"]["path"] = str(tmp_path / "store.duckdb")
    raw["outputs"] = {"export_dir": str(tmp_path / "exports"), "report_dir": str(tmp_path / "reports")}
    themes = raw["themes"]
    # terms of the file's second payload: they vary in 2022, where the prices overlap the Trends
    themes["ai_stocks"]["search_terms"] = ["Midjourney", "Stable Diffusion", "DALL·E"]
    themes["ai_stocks"]["proxy"] = {"etf": "QQQ"}
    index = copy.deepcopy(themes.pop("magnificent_seven"))
    index.update(label="Russell 2000 index", proxy={"etf": "^RUT"}, benchmark="^GSPC")
    themes["small_caps_index"] = index  # ^RUT vs ^GSPC beside IWM vs SPY in one store
    themes["small_caps"]["context_indices"] = ["^RUT", "QQQ"]
    raw["sources"]["google_trends"]["geo"] = ""  # the file is worldwide
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _shares(tmp_path: Path) -> Path:
    days = pd.bdate_range("2021-06-01", "2022-11-18")
    steps = np.random.default_rng(7).normal(0, 1e6, len(days)).round(-3)
    path = tmp_path / "iwm_shares.csv"
    pd.DataFrame({"date": days.date, "shares_outstanding": 100e6 + np.cumsum(steps)}).to_csv(
        path, index=False
    )
    return path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_imported_data_alone_gives_analysis_context_and_report(shared_data: Path, tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    prices = shared_data / "prices_indices_yf_2000-2022"
    files = [str(prices / f"{t}.csv") for t in ("IWM", "SPY", "QQQ", "^RUT", "^GSPC")]
    out = run("import", "prices", *files, "-c", config)
    assert out.count(": imported: ") == 5
    assert ": unchanged: " in run("import", "prices", files[0], "-c", config)
    assert "new rows" in run("import", "shares", str(_shares(tmp_path)), "--ticker", "IWM", "-c", config)
    trends = shared_data / "ai_tool_search_trends_2022-2025" / "gen_ai_trends.csv"
    assert "1,840 stored" in run("import", "trends-csv", str(trends), "--geo", "", "-c", config)
    wsb = sorted(str(p) for p in (shared_data / "reddit_wsb_posts").glob("*.csv"))
    assert ": imported: " in run("import", "reddit-csv", *wsb, "--subreddit", "wallstreetbets", "-c", config)

    analysis = run("analyze", "-c", config)
    for label in ("Small caps", "AI stocks", "Russell 2000 index"):
        assert f"{label}:" in analysis
    assert "no data for abnormal_volume, excess_return" not in analysis
    context = run("context", "-c", config)
    assert "as of 2022-11-18" in context and "3-month return vs other index" in context
    assert "other index: ^RUT" in context and "3-month return vs QQQ" in context
    report = run("report", "-c", config)
    page = Path(report.strip().splitlines()[-1]).read_text()
    assert "the analysis could not run" not in page and "Russell 2000 index: benchmark ^GSPC" in page
