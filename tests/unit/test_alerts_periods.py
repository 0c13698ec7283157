"""`attention alerts` counts a ticker's mentions in periods of 24 hours ending at the newest
item (like `attention rank`), not at midnight, and a period not watched in full is missing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from attention.cli import app
from attention.rankings.load import mention_periods
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, TextItem

REPO = Path(__file__).resolve().parents[2]
PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2026, 2, 14, tzinfo=dt.UTC))
FIRST = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=144)  # ten posts a day, every 2 h 24 min
runner = CliRunner()


def _post(n: int, when: dt.datetime) -> TextItem:
    return TextItem(
        source="reddit",
        item_id=f"t3_{n}",
        kind="post",
        created_utc=when,
        title="$NVDA earnings",
        body="",
        url=None,
        provenance=PROV,
        container="stocks",
        themes=("ai_stocks",),
    )


def _steady_store(path: Path, last: dt.datetime, watched_from: dt.datetime = FIRST, extra: int = 0) -> None:
    """Ten NVDA posts a day (eleven on odd days, the extra at 23:00) from Jan 5 up to ``last``,
    plus ``extra`` posts a minute apart ending at ``last``; watched from ``watched_from`` to
    just after ``last``, as a run that stopped at ``last`` records it."""
    times = []
    day = FIRST
    while day < last:
        times += [day + i * STEP for i in range(10)]
        if (day - FIRST).days % 2:
            times.append(day + dt.timedelta(hours=23))
        day += dt.timedelta(days=1)
    times = [t for t in times if t <= last] + [last - dt.timedelta(minutes=m) for m in range(extra)]
    posts = [_post(n, t) for n, t in enumerate(times)]
    end = last + dt.timedelta(seconds=1)
    watched = CoverageSpan("reddit", "subreddit", "stocks", watched_from, end, "run", PROV, len(posts))
    with Store(path) as db:
        db.write([*posts, watched])


def _alerts(path: Path, *extra: str) -> tuple[int, dict]:
    args = ["alerts", "--config", str(REPO / "config.yaml"), "--store", str(path), "--json"]
    result = runner.invoke(app, [*args, "--date", "2026-02-13", "--window", "30", *extra])
    return result.exit_code, json.loads(result.output)


def test_a_morning_run_judges_the_last_24_hours_not_a_fall_since_midnight(tmp_path: Path) -> None:
    # the newest post is at 04:48 on Feb 13: since midnight there are 3 posts against a steady
    # 10-11 a day (a fall of about -15 sd if the day were cut at midnight); the 24 hours to
    # 04:48 hold the usual 10-11, so nothing moved
    last = dt.datetime(2026, 2, 13, 4, 48, tzinfo=dt.UTC)
    _steady_store(tmp_path / "s.duckdb", last)
    code, out = _alerts(tmp_path / "s.duckdb")
    assert code == 0, out
    assert out["alerts"] == [] and out["mentions_to"] == "2026-02-13T04:48:01+00:00"
    assert out["judged"] >= 1  # NVDA's mentions were judged, and were ordinary


def test_a_spike_in_the_last_24_hours_is_found_with_its_count(tmp_path: Path) -> None:
    last = dt.datetime(2026, 2, 13, 4, 48, tzinfo=dt.UTC)
    _steady_store(tmp_path / "s.duckdb", last, extra=30)
    code, out = _alerts(tmp_path / "s.duckdb")
    assert code == 5, out
    nvda = [a for a in out["alerts"] if a["subject"] == "NVDA" and a["metric"] == "mentions"]
    assert len(nvda) == 1
    # Feb 12 after 04:48 holds 7 posts (from 07:12 on; Feb 12 is an even day: no 23:00 one),
    # Feb 13 up to 04:48 holds 3, plus the 30 extra (the one at 04:48 itself among them)
    assert nvda[0]["value"] == 7 + 3 + 30 and nvda[0]["date"] == "2026-02-13"
    assert 10.0 <= nvda[0]["mean"] <= 11.0 and nvda[0]["baseline_days"] == 30


def test_periods_not_watched_in_full_are_missing_so_a_short_record_cannot_alert(tmp_path: Path) -> None:
    # posts for 40 days, but the sources were watched only for the last 10: those 10 periods
    # are no baseline of 20, and the 30 days before are unknown, not quiet days
    last = dt.datetime(2026, 2, 13, 4, 48, tzinfo=dt.UTC)
    _steady_store(tmp_path / "s.duckdb", last, watched_from=last - dt.timedelta(days=10), extra=30)
    code, out = _alerts(tmp_path / "s.duckdb")
    assert not [a for a in out["alerts"] if a["metric"] == "mentions"], out
    with Store(tmp_path / "s.duckdb", read_only=True) as db:
        periods = mention_periods(db, last + dt.timedelta(seconds=1), 40)
    assert int(periods["watched"].sum()) == 10  # the last 10 periods, watched in full
    assert list(periods["watched"].tail(10)) == [True] * 10
    assert periods["label"].iloc[-1] == dt.date(2026, 2, 13)
    assert periods.index[-1] == (
        pd.Timestamp("2026-02-12 04:48:01", tz="UTC"),
        pd.Timestamp("2026-02-13 04:48:01", tz="UTC"),
    )
