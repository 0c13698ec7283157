"""`attention rank` on a real r/wallstreetbets sample (June-July 2024), imported through the CLI
as a user would: the windows end at the newest post (2024-07-02 19:12 UTC), not at midnight or
"now"; the file starts on June 22, so the 7 days before the last week were watched 44% and the
weekly change is n/a (it was +2,375% before coverage was read); the CSV carries no authors, so
authors are unknown, not 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.cli import app

pytestmark = pytest.mark.shared
REPO = Path(__file__).resolve().parents[2]
PRAW = "reddit_wsb_posts/wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv"
runner = CliRunner()


def test_rank_on_a_real_wsb_sample(shared_data: Path, tmp_path: Path) -> None:
    store = ["--config", str(REPO / "config.yaml"), "--store", str(tmp_path / "s.duckdb")]
    imported = runner.invoke(app, ["import", "reddit-csv", *store, str(shared_data / PRAW)])
    assert imported.exit_code == 0, imported.output
    as_json = runner.invoke(app, ["rank", *store, "--json"])
    assert as_json.exit_code == 0, as_json.output
    out = json.loads(as_json.output)
    assert out["window_end"] == "2024-07-02T19:12:15+00:00"
    assert out["watched"]["day"] == out["watched"]["week"] == 1.0
    assert round(out["watched"]["week_before"], 2) == 0.44
    themes = [r for r in out["rows"] if r["kind"] == "theme"]
    assert themes and all(r["change_week_pct"] is None for r in themes)
    assert all(r["authors_week"] is None for r in out["rows"])
    assert any(r["change_day_pct"] is not None for r in themes)  # the day before was watched

    shown = runner.invoke(app, ["rank", *store], terminal_width=80)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "Themes by mentions in the 24 hours to 2024-07-02 19:12 UTC"
    assert all(len(line) <= 80 for line in lines if not line.startswith("  https://"))
    text = " ".join(shown.output.split())
    assert "the 7 days before 44%" in text and "+2375%" not in text
