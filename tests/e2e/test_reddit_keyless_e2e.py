"""Keyless Reddit end to end (issue 17): Arctic Shift search + denominators and the Atom feeds,
against the replicas over loopback. Scores settle on a later run; soft blocks, 403s and an
Arctic Shift outage fail the source with a clear reason and record no coverage for what failed."""

from __future__ import annotations

import datetime as dt

import pytest

from attention.config import Secrets
from attention.daily.collect import run_pipeline
from attention.store import Store

NO_CREDENTIALS = Secrets()
DAY = dt.date(2024, 4, 20)
# A run for a past day reads up to the end of that day (collectors.reddit.keyless.run_clock);
# the replicas' clocks stand there too, so "36 hours old" means the same on both sides.
NOON = dt.datetime(2024, 4, 21, tzinfo=dt.UTC)


@pytest.fixture
def keyless(world, sandbox_config):
    def make(**extra):
        extra.setdefault("sources.reddit.arctic_shift.lookback_days", 3)
        config, sandbox = sandbox_config(world, ["reddit"], **extra)
        for name in ("reddit", "arctic_shift"):
            sandbox.servers[name].replica.now = NOON
        return config, sandbox

    return make


def _query(path, sql):
    with Store(path) as store:
        return store.query(sql)


def test_auto_without_credentials_runs_arctic_shift_and_atom_feeds(keyless) -> None:
    config, sandbox = keyless()
    run = run_pipeline(config, run_date=DAY, sources=["reddit"], secrets=NO_CREDENTIALS)
    result = run.results[0]
    assert result.status == "ok", run.summary()
    assert result.mode.startswith("keyless (Arctic Shift + Atom feeds): no REDDIT_CLIENT_ID")
    items = _query(config.store.path, "SELECT * FROM items")
    arctic = items[items["flags"].apply(lambda f: "arctic_shift" in f)]
    atom = items[items["flags"].apply(lambda f: "feed_mode" in f)]
    assert len(arctic) > 0 and len(atom) > 0
    # The world's comments never name a theme: the comment searches ran and found none, and
    # their coverage says so (a real zero inside a span, not a missing value).
    assert sandbox.servers["arctic_shift"].request_count("/api/comments/search") > 0
    assert set(arctic["kind"]) == {"post"}
    # Young items (< 36 h at the replica's clock) carry no score yet, never Arctic Shift's 1.
    young = arctic[arctic["created_utc"] > NOON - dt.timedelta(hours=36)]
    assert len(young) > 0 and young["score"].isna().all()
    assert all("score_pending" in f for f in young["flags"])
    old = arctic[arctic["created_utc"] <= NOON - dt.timedelta(hours=36)]
    assert old[old["kind"] == "post"]["score"].notna().all()
    volume = _query(config.store.path, "SELECT * FROM subreddit_volume ORDER BY subreddit, day, metric")
    subs = {s.lower() for t in config.themes.values() for s in t.subreddits}
    assert set(volume["subreddit"]) == subs and set(volume["metric"]) == {"posts", "comments"}
    assert volume["day"].max().date() == DAY  # whole days only, up to the clock
    spans = _query(config.store.path, "SELECT * FROM coverage WHERE source = 'reddit'")
    assert {"query", "subreddit_volume", "subreddit"} <= set(spans["unit_kind"])
    comment_spans = spans[spans["unit"].str.contains(" comments: ")]
    assert len(comment_spans) > 0 and (comment_spans["items"] == 0).all()
    # Never the endpoints that no longer answer.
    server = sandbox.servers["reddit"]
    assert server.request_count(r"search\.rss") == 0 and server.request_count(r"\.json") == 0


def test_a_later_run_rereads_young_items_so_scores_settle(keyless) -> None:
    config, sandbox = keyless(**{"sources.reddit.arctic_shift.comments": False})
    run_pipeline(config, run_date=DAY, sources=["reddit"], secrets=NO_CREDENTIALS)
    pending = _query(
        config.store.path,
        "SELECT item_id FROM items WHERE list_contains(flags, 'score_pending') AND kind = 'post'",
    )
    assert len(pending) > 0
    later = NOON + dt.timedelta(days=2)  # midnight again, two days on
    for name in ("reddit", "arctic_shift"):
        sandbox.servers[name].replica.now = later
    day = later.date() - dt.timedelta(days=1)
    run = run_pipeline(config, run_date=day, sources=["reddit"], secrets=NO_CREDENTIALS)
    assert run.results[0].status == "ok", run.summary()
    rows = _query(config.store.path, "SELECT item_id, score, flags FROM items")
    settled = rows[rows["item_id"].isin(set(pending["item_id"]))]
    assert len(settled) == len(pending)
    assert settled["score"].notna().all()
    assert not any("score_pending" in f for f in settled["flags"])


@pytest.mark.parametrize("failure", ["outage", "soft_block"])
def test_an_arctic_shift_failure_fails_the_source_and_records_no_search_coverage(keyless, failure) -> None:
    config, sandbox = keyless()
    setattr(sandbox.servers["arctic_shift"].replica, failure, True)
    run = run_pipeline(config, run_date=DAY, sources=["reddit"], secrets=NO_CREDENTIALS)
    result = run.results[0]
    assert result.status == "failed"
    reason = "Timeout. Maybe slow down" if failure == "outage" else "empty body (a soft block"
    assert reason in result.error and "Arctic Shift requests failed" in result.error
    spans = _query(config.store.path, "SELECT unit_kind FROM coverage WHERE source = 'reddit'")
    assert set(spans["unit_kind"]) == {"subreddit"}  # only the Atom "new" listings that answered
    assert _query(config.store.path, "SELECT count(*) AS n FROM subreddit_volume")["n"][0] == 0


def test_soft_blocked_atom_feeds_fail_with_a_clear_reason_and_no_listing_coverage(keyless) -> None:
    config, sandbox = keyless()
    sandbox.servers["reddit"].replica.atom_blocked = True
    run = run_pipeline(config, run_date=DAY, sources=["reddit"], secrets=NO_CREDENTIALS)
    result = run.results[0]
    assert result.status == "failed"
    assert "answered HTTP 200 with an empty body (a soft block" in result.error
    spans = _query(config.store.path, "SELECT unit_kind FROM coverage WHERE source = 'reddit'")
    assert "subreddit" not in set(spans["unit_kind"]) and "query" in set(spans["unit_kind"])


def test_legacy_json_and_search_rss_are_refused_in_2026(keyless) -> None:
    import requests

    _, sandbox = keyless()
    url = sandbox.servers["reddit"].url
    assert requests.get(f"{url}/r/stocks/new.json", timeout=5).status_code == 403
    soft = requests.get(f"{url}/r/stocks/search.rss", params={"q": "nvda"}, timeout=5)
    assert soft.status_code == 200 and soft.content == b""


def test_atom_feeds_answering_403_fail_the_source_and_record_no_listing_coverage(keyless) -> None:
    from attention.sandbox.server import Fault

    config, sandbox = keyless()
    sandbox.servers["reddit"].faults.add(Fault("status", path=r"\.rss$", status=403))
    run = run_pipeline(config, run_date=DAY, sources=["reddit"], secrets=NO_CREDENTIALS)
    result = run.results[0]
    assert result.status == "failed" and "answered HTTP 403" in result.error
    spans = _query(config.store.path, "SELECT unit_kind FROM coverage WHERE source = 'reddit'")
    assert "subreddit" not in set(spans["unit_kind"])
