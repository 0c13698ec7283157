"""`attention demo` end to end, as a user runs it: every source collected through its loopback
replica, the planted small-caps loop found, no loop for the Magnificent Seven, and the store,
exports, charts and report written. The command runs in its own process; the test process only
reads what it wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from attention.report.charts_analysis import CHARTS
from attention.report.export import SPECS, read_export
from attention.store import Store
from tests.e2e.conftest import run_demo

END = "2026-06-30"
DAYS = 900  # the default: at 700 days the coverage-aware panel has < 100 weekly rows (low power)


def _uncovered(spans: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple]:
    """The gaps in [start, end) that no span covers."""
    gaps, reached = [], start
    pairs = zip(pd.to_datetime(spans["span_start"]), pd.to_datetime(spans["span_end"]), strict=True)
    for begin, finish in sorted(pairs):
        if begin > reached and reached < end:
            gaps.append((reached, min(begin, end)))
        reached = max(reached, finish)
    return gaps + ([(reached, end)] if reached < end else [])


def _card(page: str, label: str) -> str:
    """The status class of a theme's verdict card in the report."""
    found = re.search(
        r'<div class="card ([a-z-]+)"><span class="badge">[A-Z-]+</span><p[^>]*>' + re.escape(label) + ":",
        page,
    )
    assert found, f"no verdict card for {label}"
    return found.group(1)


@pytest.mark.slow
def test_demo_finds_the_planted_loop_and_writes_everything(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = run_demo(out, DAYS, END)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "demo: backfill: google_trends" in done.stderr  # progress goes to stderr
    report = out / "report" / f"attention-report-{END}.html"
    assert f"open {report}" in done.stdout
    # the keyless series: page views per article and the Reddit denominators
    assert "wikipedia page views (" in done.stdout and "Russell 2000 Index" in done.stdout
    assert "reddit denominators (" in done.stdout and "comments per day: r/" in done.stdout

    page = report.read_text(encoding="utf-8")
    assert "SIMULATED DATA" in page
    assert _card(page, "Small caps") == "loop"
    assert _card(page, "Magnificent Seven") != "loop"
    assert page.count('<img src="data:image/png;base64,') == len(CHARTS)

    with Store(out / "attention.duckdb", read_only=True) as store:
        runs = store.query("SELECT source, status, count(*) AS n FROM runs GROUP BY ALL")
        assert set(runs["status"]) == {"ok"}, runs
        assert set(runs["source"]) == {"prices", "flows", "reddit", "news", "google_trends", "wikipedia"}
        assert (runs["n"] == 2).all()  # the backfill and the daily run
        assert store.integrity_problems() == []
        counts = {
            t: store.count(t)
            for t in (
                "prices",
                "flows",
                "items",
                "search_series",
                "feedback_tests",
                "context",
                "page_views",
                "subreddit_volume",
            )
        }
    assert all(counts.values()), counts

    for name, spec in SPECS.items():
        path = out / "exports" / f"{name}.csv"
        assert list(read_export(path).columns) == spec.names
    items = read_export(out / "exports" / "items.csv")
    assert len(items) == counts["items"] and items["author"].isna().all()
    # the history (simulated dump and news archive) and the live windows cover the whole span
    # for every source, so every panel row but the first (whose period began before the
    # world) has its Reddit and news counts
    spans = read_export(out / "exports" / "coverage.csv")
    first_day = pd.Timestamp(END, tz="UTC") - pd.Timedelta(days=DAYS - 1)
    for source in ("reddit", "news", "prices", "trends", "wikipedia"):
        assert _uncovered(spans[spans["source"] == source], first_day, pd.Timestamp(END, tz="UTC")) == [], (
            source
        )
    panel = read_export(out / "exports" / "panel_daily.csv")
    for theme, rows in panel.groupby("theme"):
        counts_seen = rows[["reddit_mentions", "news_mentions"]].iloc[1:]
        assert counts_seen.notna().all().all(), (theme, counts_seen.isna().sum())
    drawn = {p.name for p in (out / "report" / "charts").iterdir()}
    assert drawn == {f"{name}{size}.png" for name, _, _ in CHARTS for size in ("", ".phone")}
