"""The report for people: no empty event-study rows exported; tables that stack on a phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from attention.config import load_config
from attention.report.export import SPECS, load_table
from attention.report.html_sections import table
from attention.store import Store

REPO = Path(__file__).resolve().parents[2]


def test_event_study_rows_without_a_measured_value_are_not_exported(tmp_path: Path) -> None:
    nan = np.nan
    rows = pd.DataFrame(
        {
            "theme": ["small_caps"] * 3,
            "signal": ["asvi"] * 3,
            "freq": ["W"] * 3,
            "horizon": [0, 1, 2],
            "mean_car": [0.01, nan, nan],
            "lower": [0.0, 0.002, nan],
            "upper": [0.02, nan, nan],
            "placebo_lower": [-0.01] * 3,
            "placebo_upper": [0.01] * 3,
            "n_events": [3] * 3,
            "n_obs": [3, 1, 0],
            "threshold": [2.0] * 3,
            "computed_at": [dt.datetime(2026, 2, 13, tzinfo=dt.UTC)] * 3,
        }
    )
    config = load_config(REPO / "config.yaml", environ={})
    with Store(tmp_path / "s.duckdb") as db:
        db.replace_analysis_results({"event_studies": rows}, ["small_caps"])
        exported = load_table(db, config, SPECS["event_studies"])
    assert list(exported["horizon"]) == [0, 1]  # horizon 2 had nothing measured


def test_every_cell_carries_its_column_name_for_the_stacked_phone_layout() -> None:
    html = table(["theme", "YTD <small>(%)</small>", "RSI"], [["Small caps", "+3.1%", "55"]])
    assert '<table class="stack">' in html
    assert '<td data-label="theme">Small caps</td>' in html
    assert '<td class=num data-label="YTD (%)">+3.1%</td>' in html


def test_ranking_section_escapes_user_text_and_drops_unsafe_links() -> None:
    from types import SimpleNamespace

    from attention.rankings.mentions import rank_mentions
    from attention.report.html_rankings import rankings

    items = pd.DataFrame(
        {
            "source": ["reddit", "reddit"],
            "item_id": ["t3_a", "t3_b"],
            "kind": ["post", "post"],
            "created_utc": [dt.datetime(2026, 2, 13, 10, tzinfo=dt.UTC)] * 2,
            "title": ["<script>alert(1)</script> small caps", "small caps"],
            "body": ["", ""],
            "url": ["javascript:alert(1)", "https://reddit.example/b"],
            "author": ["x", "y"],
            "container": ["stocks", "wallstreetbets"],
            "outlet": [None, None],
            "score": [5, 1],
            "num_comments": [0, 0],
            "themes": [["small_caps"], ["small_caps"]],
            "compound": [0.5, -0.1],
        }
    )
    config = load_config(REPO / "config.yaml", environ={})
    watched = {"day": 1.0, "day_before": 1.0, "week": 1.0, "week_before": 0.5}
    frame = rank_mentions(items, dt.datetime(2026, 2, 13, 12, tzinfo=dt.UTC), watched=watched)
    data = SimpleNamespace(
        rankings=frame, as_of=dt.date(2026, 2, 13), config=config, label=lambda k: config.themes[k].label
    )
    html = rankings(data)  # type: ignore[arg-type]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and 'href="https://reddit.example/b"' in html
    assert 'data-label="24 hours">2</td>' in html and "r/stocks 1" in html
    assert "Themes by mentions in the 24 hours to 2026-02-13 11:59 UTC" in html
    assert 'data-label="vs 24 hours before">new</td>' in html  # watched, nothing then
    assert 'data-label="vs 7 days before">n/a</td>' in html  # half watched: no change
    assert "the 7 days before 50%. A change against a window watched less than 95% is n/a" in html
    assert "Mean sentiment +0.20 (-1..1)" in html
