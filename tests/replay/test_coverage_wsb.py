"""Two real r/wallstreetbets periods (January 2022, June-July 2024) imported as dump files: the
years between them were never watched, so the panel must show them as missing, not as zero.

Before coverage, the panel counted 0 between a source's first and last item: 126 weeks of
invented "0 mentions" between the two files. The CSV rows are written as Pushshift-style dump
lines in a temporary folder (the real rows, nothing added) and go through the real dump import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.config import load_config
from attention.imports.reddit_dump import import_dumps
from attention.panel.build import build_panels
from attention.store import Store
from collectors.reddit.items import AuthorPolicy

pytestmark = pytest.mark.shared
FILES = {
    "wsb_kaggle_fmt_2022-01-18_to_2022-01-21.csv": "kaggle",
    "wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv": "praw",
}


def _created(row: dict[str, str], layout: str) -> int:
    if layout == "kaggle":  # epoch seconds as a float string
        return int(float(row["created"]))
    stamp = dt.datetime.fromisoformat(row["created"]).replace(tzinfo=dt.UTC)
    return int(stamp.timestamp())


def _dump_lines(folder: Path, out: Path, files: dict[str, str]) -> Path:
    csv.field_size_limit(1 << 26)
    lines = []
    for name, layout in files.items():
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                data = {
                    "id": row["id"],
                    "subreddit": "wallstreetbets",
                    "created_utc": _created(row, layout),
                    "title": row["title"],
                    "selftext": row["body"],
                    "author": "someone",
                    "score": int(float(row["score"] or 0)),
                }
                lines.append(json.dumps(data))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_years_between_the_two_files_are_missing_not_zero(shared_data: Path, tmp_path: Path) -> None:
    # each period in its own file: the import records two spans, so the years between are unwatched
    config = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    folder = shared_data / "reddit_wsb_posts"
    path = tmp_path / "two.duckdb"
    dumps = []
    for name in FILES:
        sub = tmp_path / name.split("_")[1]
        sub.mkdir()
        dumps.append(_dump_lines(folder, sub / "RS.ndjson", {name: FILES[name]}))
    with Store(path) as store:
        result = import_dumps(dumps, config, store, authors=AuthorPolicy("test-salt", False))
        spans = store.coverage_spans(["reddit"])
    assert result.kept > 100, result.summary()
    # one span per file, from its first to its last item, per subreddit, marked as an import
    assert list(spans["unit"]) == ["wallstreetbets"] * 2 and set(spans["origin"]) == {"import"}
    assert spans["span_start"].min() < pd.Timestamp("2022-01-19", tz="UTC")
    assert spans["span_end"].max() > pd.Timestamp("2024-07-02", tz="UTC")
    panels = build_panels(path, config)
    seen = 0.0
    for panel in panels.values():
        gap = panel.weekly.loc["2022-01-28":"2024-06-14"]
        assert len(gap) >= 120
        assert gap["reddit_mentions"].isna().all(), f"{panel.theme}: an unwatched week holds a number"
        assert gap["attention_index"].isna().all() or panel.weekly["search"].notna().any()
        watched = panel.daily.loc[["2022-01-19", "2022-01-20", "2024-06-26", "2024-07-01"]]
        assert watched["reddit_mentions"].notna().all() and (watched["reddit_coverage"] == 1.0).all()
        seen += np.nansum(watched["reddit_mentions"])
        assert (panel.daily.loc["2023-01-03":"2023-12-29", "reddit_coverage"] == 0).all()
        assert any("not (fully) covered" in note for note in panel.notes)
    assert seen > 0
