"""Google Trends end to end: collector + stitch derivation against the Trends replica over
loopback HTTP, through ``run_pipeline``; 429 storms, budgets, resume, partial periods."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from attention.config import validate_config
from attention.daily.collect import run_pipeline
from attention.sandbox.server import Fault, FaultPlan
from attention.sandbox.world import World
from attention.store import Store
from collectors.core.records import CursorUpdate

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)  # two years: 3 daily windows
MULTILINE = "/widgetdata/multiline"


@pytest.fixture
def long_world(raw_config) -> World:
    return World(validate_config(raw_config), START, END, seed=11)


@pytest.fixture
def trends(long_world, sandbox_config):
    def make(**extra):
        config, sandbox = sandbox_config(
            long_world, ["trends"], **{"analysis.history_start": START.isoformat(), **extra}
        )
        return config, sandbox.servers["trends"]

    return make


class StormAfter(FaultPlan):
    """Lets ``n`` API requests through, then answers every one with a 429 served as
    text/javascript (the form that reaches pytrends' JSON parser as JSONDecodeError)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def take(self, path: str) -> Fault | None:
        if not path.startswith("/trends/api/"):
            return None
        if self.left > 0:
            self.left -= 1
            return None
        self.injected += 1
        return Fault("status", status=429, headers={"Content-Type": "text/javascript"})


def snapshot(path) -> dict[str, object]:
    with Store(path) as store:
        return {
            "counts": {t: store.count(t) for t in ("trends_requests", "search_interest", "search_series")},
            "problems": store.integrity_problems(),
            "cursors": store.cursors("google_trends"),
        }


def daily(path, term: str) -> pd.DataFrame:
    with Store(path) as store:
        rows = store.query(
            "SELECT date, value, lo, hi, is_partial FROM search_series "
            "WHERE term = ? AND granularity = 'day' ORDER BY date",
            [term],
        )
    return rows.set_index(pd.to_datetime(rows["date"]))


def test_full_run_matches_the_truth_and_a_rerun_sends_nothing(trends, long_world) -> None:
    config, server = trends()
    report = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert report.exit_code == 0, report.summary()
    assert "ok" in report.derivations["attention.derive.search:derive_search_series"]
    first = snapshot(config.store.path)
    payloads = first["counts"]["trends_requests"]
    assert payloads == server.request_count(MULTILINE) == 1 + 3 + 3 * 3
    means = {}
    for term in [t for theme in config.themes.values() for t in theme.search_terms]:
        rows = daily(config.store.path, term)
        assert len(rows) == (END - START).days + 1, term
        assert rows["is_partial"].tolist()[-1] and not rows["is_partial"].iloc[:-1].any()
        assert ((rows["lo"] <= rows["value"]) & (rows["value"] <= rows["hi"])).all()
        final = rows[~rows["is_partial"]]["value"]
        truth = long_world.search_truth(term).reindex(final.index)
        assert np.corrcoef(final, truth)[0, 1] >= 0.98, term
        means[term] = final.mean() / truth.mean()
    ratios = np.array(list(means.values())) / np.median(list(means.values()))
    assert np.all(np.abs(ratios - 1) < 0.05), means  # one common scale across all terms
    with Store(config.store.path) as store:
        weeks = store.query("SELECT DISTINCT date FROM search_series WHERE granularity='week'")
    assert {pd.Timestamp(d).day_of_week for d in weeks["date"]} == {5}  # Saturdays

    before = server.request_count()
    again = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert again.exit_code == 0 and server.request_count() == before  # zero requests
    assert again.results[0].mode == "store (no requests)"
    second = snapshot(config.store.path)
    assert second["counts"] == first["counts"] and second["problems"] == []


def test_429_storm_stops_the_run_and_the_next_run_resumes(trends) -> None:
    config, server = trends()
    server.faults = storm = StormAfter(11)  # 5 payloads and the 6th's explore, then 429s
    blocked = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert blocked.exit_code == 3
    result = blocked.results[0]
    assert result.status == "failed" and "429" in result.error
    assert storm.injected == 1  # stopped at the first 429: no retries, no further payloads
    state = snapshot(config.store.path)
    assert state["counts"]["trends_requests"] == 5  # what was fetched is kept
    with Store(config.store.path, read_only=True) as store:
        spans = store.coverage_spans(["trends"])
    # the five answered payloads recorded their terms' spans; the 429 claimed nothing
    assert 0 < len(spans) and set(spans["origin"]) == {"collect"}
    assert set(spans["unit"]) <= {t for theme in config.themes.values() for t in theme.search_terms} | set(
        config.sources.google_trends.anchor_terms
    )
    progress = json.loads(state["cursors"]["progress"])
    assert progress["state"] == "blocked" and progress["reason"] == "rate_limited"
    assert progress["payloads_done"] == 5 and progress["blocked_at"]["timeframe"]
    assert "last_rate_limited" in state["cursors"]

    server.faults = FaultPlan()  # the storm is over, but a manual rerun is not told so
    sent = server.request_count()
    rerun = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert rerun.exit_code == 0 and rerun.results[0].status == "deferred"
    assert "cooldown_hours: 6" in rerun.results[0].error and server.request_count() == sent
    assert rerun.results[0].mode == "cooling down (no requests)"
    with Store(config.store.path) as store:  # six hours and a minute later
        aged = dt.datetime.now(dt.UTC) - dt.timedelta(hours=6, minutes=1)
        store.write([CursorUpdate("google_trends", "last_rate_limited", aged.isoformat())])

    fetched_before = server.request_count(MULTILINE)
    resumed = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert resumed.exit_code == 0, resumed.summary()
    done = snapshot(config.store.path)
    total = done["counts"]["trends_requests"]
    assert total == 13 and done["problems"] == []
    assert server.request_count(MULTILINE) - fetched_before == total - 5  # nothing re-fetched
    assert json.loads(done["cursors"]["progress"])["state"] == "complete"


def test_budget_defers_the_rest_to_the_next_run(trends) -> None:
    config, server = trends(**{"sources.google_trends.budget": 9})
    first = run_pipeline(config, run_date=END, sources=["google_trends"])
    assert first.exit_code == 0 and first.results[0].status == "deferred"
    assert server.request_count() == 9  # cookie + 4 whole payloads, never half of one
    progress = json.loads(snapshot(config.store.path)["cursors"]["progress"])
    assert progress["reason"] == "budget" and progress["fetched"] == 4
    runs = 1
    while snapshot(config.store.path)["counts"]["trends_requests"] < 13:
        report = run_pipeline(config, run_date=END, sources=["google_trends"])
        assert report.results[0].requests <= 9
        runs += 1
        assert runs < 6
    assert snapshot(config.store.path)["problems"] == []


def test_the_partial_last_day_is_replaced_when_final(trends, raw_config) -> None:
    config, server = trends()
    assert run_pipeline(config, run_date=END, sources=["google_trends"]).exit_code == 0
    assert bool(daily(config.store.path, "IWM").loc[str(END), "is_partial"])
    # A day later the world has one more day; yesterday is final now.
    server.replica.world = World(validate_config(raw_config), START, END + dt.timedelta(days=1), seed=11)
    server.replica._truth.clear()
    before = server.request_count(MULTILINE)
    report = run_pipeline(config, run_date=END + dt.timedelta(days=1), sources=["google_trends"])
    assert report.exit_code == 0
    assert server.request_count(MULTILINE) - before == 3  # only each group's latest window
    rows = daily(config.store.path, "IWM")
    assert not bool(rows.loc[str(END), "is_partial"])
    assert bool(rows.loc[str(END + dt.timedelta(days=1)), "is_partial"])
    assert snapshot(config.store.path)["problems"] == []
