"""Alerts on constructed series with known answers, and `attention alerts` exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.rankings.alerts import find_alerts
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, TextItem, day_span

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 2, 13)
runner = CliRunner()


def _days(n: int, last: dt.date = AS_OF) -> pd.DatetimeIndex:
    return pd.date_range(end=pd.Timestamp(last), periods=n, freq="D")


def test_a_move_of_k_sd_against_the_trailing_window_is_found_with_its_z() -> None:
    baseline = np.array([10.0, 12.0] * 30)  # mean 11, sample sd 1.0084
    spike = pd.Series([*baseline, 20.0], index=_days(61))
    calm = pd.Series([*baseline, 12.0], index=_days(61))
    found = find_alerts(
        {("theme", "small_caps", "attention"): spike, ("theme", "ai", "attention"): calm}, AS_OF, k=3
    )
    assert len(found) == 1
    alert = found[0]
    sd = float(np.std(baseline, ddof=1))
    assert (alert.subject, alert.date, alert.value, alert.mean) == ("small_caps", AS_OF, 20.0, 11.0)
    assert alert.z == pytest.approx(round((20 - 11) / sd, 2))
    assert alert.direction == "up" and alert.baseline_days == 60


def test_the_window_excludes_the_day_judged_and_older_days() -> None:
    # 100 quiet days at 0/1, then 60 days at 100/102, then 104: judged against the last 60 only
    values = [0.0, 1.0] * 50 + [100.0, 102.0] * 30 + [104.0]
    series = pd.Series(values, index=_days(len(values)))
    found = find_alerts({("ticker", "IWM", "mentions"): series}, AS_OF, k=2, window=60)
    assert [round(a.z, 2) for a in found] == [round((104 - 101) / np.std([100.0, 102.0] * 30, ddof=1), 2)]


def test_no_baseline_flat_series_and_stale_series_are_not_judged() -> None:
    short = pd.Series([1.0] * 10 + [50.0], index=_days(11))
    flat = pd.Series([3.0] * 60 + [9.0], index=_days(61))
    stale = pd.Series([10.0, 12.0] * 30 + [40.0], index=_days(61, AS_OF - dt.timedelta(days=10)))
    gaps = pd.Series([10.0, np.nan, 12.0] * 20 + [40.0], index=_days(61))  # NaN is unknown, not 0
    series = {
        ("t", "short", "m"): short,
        ("t", "flat", "m"): flat,
        ("t", "stale", "m"): stale,
        ("t", "gaps", "m"): gaps,
    }
    found = find_alerts(series, AS_OF, k=3, window=60)
    assert [a.subject for a in found] == ["gaps"]
    assert found[0].baseline_days == 40


PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2026, 2, 14, tzinfo=dt.UTC))


def _store_with_a_mention_spike(path: Path) -> None:
    rows = []
    for day in range(40):  # one or two NVDA posts a day, then 12 on the last day
        when = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC) + dt.timedelta(days=day)
        for n in range(12 if day == 39 else 1 + day % 2):
            rows.append(
                TextItem(
                    source="reddit",
                    item_id=f"t3_{day}_{n}",
                    kind="post",
                    created_utc=when,
                    title="$NVDA earnings",
                    body="",
                    url=None,
                    provenance=PROV,
                    container="stocks",
                    themes=("ai_stocks",),
                )
            )
    # what was watched: the whole span, so days without a post are real zeros (DESIGN.md 4.14)
    start, end = day_span(dt.date(2026, 1, 1), dt.date(2026, 2, 14))
    watched = CoverageSpan("reddit", "file", "fixture.ndjson", start, end, "import", PROV, len(rows))
    with Store(path) as db:
        db.write([*rows, watched])


def test_alerts_command_exit_codes_and_json(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store_with_a_mention_spike(path)
    args = ["alerts", "--config", str(REPO / "config.yaml"), "--store", str(path), "--window", "30"]
    moved = runner.invoke(app, [*args, "--date", "2026-02-13", "--json"])
    assert moved.exit_code == 5, moved.output
    out = json.loads(moved.output)
    moves = {(a["kind"], a["subject"], a["metric"], a["date"]) for a in out["alerts"]}
    # the ticker's mentions, and its theme's attention (built from the same items), moved
    assert moves == {
        ("ticker", "NVDA", "mentions", "2026-02-13"),
        ("theme", "ai_stocks", "attention", "2026-02-13"),
    }
    quiet = runner.invoke(app, [*args, "--date", "2026-02-12"])
    assert quiet.exit_code == 0, quiet.output
    assert "nothing moved 3 sd or more on 2026-02-12" in quiet.output
