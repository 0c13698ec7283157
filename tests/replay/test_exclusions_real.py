"""The verdict names what it left out, on real data: the two real r/wallstreetbets periods
(January 2022, June-July 2024: the weeks between were never watched), the market_mood search
series (monthly values copied onto weeks: used only after each month ends) and real IWM/SPY
closes that end on 2022-11-18 (stale for an analysis run six weeks later)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import load_config, packaged_default_path
from attention.daily.outputs import analyze_store
from attention.imports.reddit_dump import import_dumps
from attention.imports.series_csv import read_series_csv
from attention.store import Store
from collectors.reddit.items import AuthorPolicy

from .test_coverage_wsb import FILES, _dump_lines

pytestmark = pytest.mark.shared
TERM = "stock market crash"


def _config(tmp_path: Path) -> Path:
    raw = yaml.safe_load(packaged_default_path().read_text())
    raw["store"]["path"] = str(tmp_path / "store.duckdb")
    small = raw["themes"]["small_caps"]
    small.update(search_terms=[TERM], subreddits=["wallstreetbets"])
    raw["themes"] = {"small_caps": small}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_real_gaps_and_steps_are_named_in_the_verdict(shared_data: Path, tmp_path: Path) -> None:
    path = _config(tmp_path)
    config = load_config(path)
    prices = shared_data / "prices_indices_yf_2000-2022"
    files = [str(prices / f"{t}.csv") for t in ("IWM", "SPY")]
    result = CliRunner().invoke(app, ["import", "prices", *files, "-c", str(path)])
    assert result.exit_code == 0, result.output
    dumps = []
    for name, layout in FILES.items():
        sub = tmp_path / name.split("_")[1]
        sub.mkdir()
        dumps.append(_dump_lines(shared_data / "reddit_wsb_posts", sub / "RS.ndjson", {name: layout}))
    search = read_series_csv(shared_data / "market_mood_2004_2026" / "google_trends.csv")
    with Store(config.store.path) as store:
        import_dumps(dumps, config, store, authors=AuthorPolicy("test-salt", False))
        store.upsert_frame(
            "search_series",
            pd.DataFrame(
                {
                    "term": TERM,
                    "date": pd.DatetimeIndex(search.index).date,
                    "granularity": "week",
                    "value": search.to_numpy(dtype=float),
                    "is_partial": False,
                }
            ),
            ["term", "date", "granularity"],
        )
        results = analyze_store(store, config, persist=True, asof=dt.date(2022, 12, 30))
        stored = store.query("SELECT * FROM feedback_verdicts")
        both = analyze_store(store, config, persist=False, asof=dt.date(2024, 7, 31)).themes["small_caps"]
    small = results.themes["small_caps"]
    excluded = "; ".join(small.excluded)
    # the monthly-filled series, used only after each month ends
    assert (
        f"search '{TERM}' (monthly values on weekly labels, each used only after its month ends)" in excluded
    )
    # Reddit: by the run date (2022-12-30) only the January 2022 file was watched. The sentence
    # says when it was watched and counts gaps inside that time only: the ~940 weeks of the panel
    # before it (search from 2004) are "before 2022-01-18 (not watched)", not 940 missing weeks
    reddit = [i for i in small.excluded if i.startswith("Reddit mentions ")]
    assert reddit == [
        "Reddit mentions before 2022-01-18 and after 2022-01-21 (not watched) and in 1 of the 1 weeks "
        "from 2022-01-18 to 2022-01-21 (1 watched in part): missing, not zero"
    ]
    # by 2024-07-31 both files: the weeks between them are counted (126 never watched), the
    # years before the first are not
    assert [i for i in both.excluded if i.startswith("Reddit mentions ")] == [
        "Reddit mentions before 2022-01-18 and after 2024-07-02 (not watched) and in 129 of the 129 weeks "
        "from 2022-01-18 to 2024-07-02 (126 not watched, 3 watched in part): missing, not zero"
    ]
    # prices end 2022-11-18, the analysis was run for 2022-12-30: stale, in words
    assert small.span is not None and small.span.data_as_of <= dt.date(2022, 11, 18) and small.span.stale
    assert ": stale, the data end " in small.verdict and "before 2022-12-30" in small.verdict
    assert small.verdict.endswith(f"Excluded or used late: {excluded}.")
    row = stored[stored["theme"] == "small_caps"].iloc[0]
    assert row["excluded"] == f"Excluded or used late: {excluded}." and bool(row["stale"])
