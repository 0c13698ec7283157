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
