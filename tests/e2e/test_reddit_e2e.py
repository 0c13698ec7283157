"""Reddit end to end against the replica over loopback: feeds mode, API mode (praw), incremental
runs without duplicates, refused credentials, rate limits."""

from __future__ import annotations

import base64
import datetime as dt

import pandas as pd
import pytest
import requests

from attention.config import Secrets
from attention.daily.collect import run_pipeline
from attention.sandbox.server import Fault
from attention.store import Store
from tests.e2e.conftest import WORLD_END

NO_CREDENTIALS = Secrets()


def _api_secrets(replica, secret: str | None = None) -> Secrets:
    return Secrets(
        reddit_client_id=replica.client_id,
        reddit_client_secret=secret or replica.client_secret,
        reddit_user_agent="attention e2e tests",
    )


def _items(path):
    with Store(path) as store:
        assert store.integrity_problems() == []
        return store.query("SELECT * FROM items ORDER BY item_id")


@pytest.fixture
def reddit(world, sandbox_config):

    def make(**extra):
        # These tests count the API's own records; Arctic Shift's daily totals (read in every
        # mode) are tested in test_reddit_keyless_e2e.py.
        extra.setdefault("sources.reddit.arctic_shift.denominators", False)
        config, sandbox = sandbox_config(world, ["reddit"], **extra)
        server = sandbox.servers["reddit"]
        # The legacy feeds mode was built for 2025's Reddit, when search.rss still answered.
        server.replica.era_2026 = False
        # prawcore paces itself from x-ratelimit-* with real sleeps; a roomy window keeps the
        # tests fast (the pacing logic itself is prawcore's, not ours).
        server.replica.api_limit = 100_000
        return config, server

    return make


def test_feeds_mode_then_incremental_runs_add_no_duplicates(reddit, world) -> None:
    config, server = reddit(**{"sources.reddit.mode": "feeds"})
    replica = server.replica
    replica.now = dt.datetime(2024, 4, 20, tzinfo=dt.UTC)
    first = run_pipeline(config, run_date=dt.date(2024, 4, 20), sources=["reddit"], secrets=NO_CREDENTIALS)
    result = first.results[0]
    assert result.status == "ok", first.summary()
    assert result.mode.startswith("feeds: sources.reddit.mode is 'feeds'")
    items = _items(config.store.path)
    truth = {f"t3_{t.item_id}": t for t in replica.texts() if t.kind == "post"}
    assert len(items) == result.records > 0 and set(items["item_id"]) <= set(truth)
    assert (items["kind"] == "post").all() and items["score"].isna().all()
    assert all("feed_mode" in f for f in items["flags"])
    assert not set(items["author"]) & {t.author for t in truth.values()}  # hashed
    themed = items[items["themes"].apply(len) > 0]
    assert len(themed) > 0 and themed["compound"].notna().all()
    row = items.iloc[0]
    assert row["title"] == truth[row["item_id"]].title
    assert row["num_comments"] == len(replica._comments_of(row["item_id"][3:]))
    assert server.request_count(r"\.rss$") == result.requests
    with Store(config.store.path, read_only=True) as store:
        spans = store.coverage_spans(["reddit"])
    # every feed that answered recorded what it watched: its listing or search, up to the run
    assert set(spans["unit_kind"]) == {"subreddit", "query"} and set(spans["origin"]) == {"collect"}
    assert (spans["span_end"] <= pd.Timestamp(dt.datetime.now(dt.UTC))).all()
    assert spans["span_start"].min() <= items["created_utc"].min()

    again = run_pipeline(config, run_date=dt.date(2024, 4, 20), sources=["reddit"], secrets=NO_CREDENTIALS)
    assert again.results[0].records == 0 and len(_items(config.store.path)) == len(items)

    replica.now = dt.datetime.combine(WORLD_END, dt.time(23, 59), dt.UTC)
    later = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=NO_CREDENTIALS)
    after = _items(config.store.path)
    assert later.results[0].records == len(after) - len(items) > 0
    assert after["created_utc"].max() > items["created_utc"].max()


def test_api_mode_collects_posts_and_comments_incrementally(reddit, world) -> None:
    config, server = reddit(**{"sources.reddit.posts_per_query": 15, "sources.reddit.budget": 400})
    replica = server.replica
    replica.removed_every = 4
    secrets = _api_secrets(replica)
    first = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=secrets)
    result = first.results[0]
    assert result.status == "ok", first.summary()
    assert result.mode == "api: credentials from REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET"
    items = _items(config.store.path)
    posts, comments = items[items["kind"] == "post"], items[items["kind"] == "comment"]
    assert 0 < len(posts) <= 15 * len(config.themes)
    assert posts["score"].notna().all() and posts["num_comments"].notna().all()
    # every comment of every collected post, including those behind "more" stubs
    expected = {f"t1_{c.item_id}" for p in posts["item_id"] for c in replica._comments_of(p[3:])}
    assert set(comments["item_id"]) == expected
    assert server.request_count(r"/api/morechildren") > 0
    assert set(comments["parent_id"]) <= set(posts["item_id"])
    removed = comments[comments["flags"].apply(lambda f: "removed" in f)]
    assert len(removed) > 0 and not removed["scoreable"].any()
    assert removed["compound"].isna().all() and removed["author"].isna().all()
    assert server.request_count("/api/v1/access_token") == 1

    again = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=secrets)
    assert again.results[0].status == "ok" and again.results[0].records == 0
    assert len(_items(config.store.path)) == len(items)


def test_refused_credentials_fail_reddit_only(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["reddit", "yahoo"])
    replica = sandbox.servers["reddit"].replica
    report = run_pipeline(
        config,
        run_date=WORLD_END,
        sources=["reddit", "prices"],
        secrets=_api_secrets(replica, secret="wrong-secret"),
    )
    status = {r.source: r for r in report.results}
    assert report.exit_code == 3
    assert status["reddit"].status == "failed"
    assert "REDDIT_CLIENT_ID" in status["reddit"].error and "401" in status["reddit"].error
    assert "wrong-secret" not in status["reddit"].error
    assert status["prices"].status == "ok" and status["prices"].records > 0
    with Store(config.store.path, read_only=True) as store:
        assert store.coverage_spans(["reddit"]).empty  # refused: nothing was watched


def test_retry_after_is_honoured_and_a_hard_limit_keeps_what_was_stored(reddit, slept) -> None:
    config, server = reddit(**{"sources.reddit.mode": "feeds"})
    server.faults.add(Fault("status", path=r"search\.rss", status=429, retry_after="7", times=1))
    ok = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=NO_CREDENTIALS)
    assert ok.results[0].status == "ok" and 7.0 in slept
    assert any(4.0 < s <= 6.0 for s in slept)  # feeds pacing: about 10 requests per minute

    config, server = reddit(**{"store.path": str(config.store.path) + ".2", "sources.reddit.mode": "feeds"})
    server.replica.feed_limit = 3
    limited = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=NO_CREDENTIALS)
    assert limited.results[0].status == "failed" and "429" in limited.results[0].error
    with Store(config.store.path) as store:
        assert store.count("items") > 0 and 0 < len(store.cursors("reddit")) <= 3


def test_replica_oauth_pagination_and_rate_limit_headers(reddit) -> None:
    config, server = reddit()
    replica, url = server.replica, server.url
    basic = base64.b64encode(f"{replica.client_id}:nope".encode()).decode()
    refused = requests.post(
        f"{url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert refused.status_code == 401
    assert requests.get(f"{url}/r/stocks/new").status_code == 401
    basic = base64.b64encode(f"{replica.client_id}:{replica.client_secret}".encode()).decode()
    token = requests.post(
        f"{url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    auth = {"Authorization": f"bearer {token.json()['access_token']}"}
    pages, after = [], None
    while True:
        page = requests.get(
            f"{url}/r/stocks+investing/new", headers=auth, params={"limit": 100, "after": after}
        ).json()["data"]
        pages.append([c["data"]["name"] for c in page["children"]])
        after = page["after"]
        if after is None:
            break
    names = [n for p in pages for n in p]
    visible = replica._visible("post", "stocks+investing")
    assert len(pages) > 1 and names == [f"t3_{t.item_id}" for t in visible][:1000]
    back = requests.get(
        f"{url}/r/stocks+investing/new", headers=auth, params={"limit": 100, "before": pages[1][0]}
    ).json()["data"]
    assert [c["data"]["name"] for c in back["children"]] == pages[0]
    replica.api_limit = 2
    limited = requests.get(f"{url}/r/stocks/new", headers=auth)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert float(limited.headers["x-ratelimit-remaining"]) == 0


# -- the cursor never moves past posts that were not read (collectors/reddit/cursor.py) ----------
FIRST_RUN = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)


def _config_on(sandbox, raw_config, store_path, **extra):
    """Another config against the same running replicas and store (e.g. a different budget)."""
    from attention.config import validate_config
    from attention.sandbox.services import apply_overrides

    overrides = {
        **sandbox.config_overrides(),
        "store.path": str(store_path),
        "sources.reddit.comment_depth": 0,
        "sources.reddit.arctic_shift.denominators": False,
        **extra,
    }
    return validate_config(apply_overrides(raw_config, overrides))


def _api_truth(replica, config, marks: dict[str, str] | None, newest: int | None = None) -> set[str]:
    """Every post each API search lists, created at or after its query's first-run mark (or,
    without marks, the ``newest`` posts of each search)."""
    from attention.sandbox.reddit import _matching
    from collectors.reddit.query import theme_searches

    wanted = set()
    for search in theme_searches(config, per_subreddit=False):
        listed = _matching(replica._visible("post", "+".join(search.subreddits)), search.query)
        if marks is None:
            wanted |= {f"t3_{t.item_id}" for t in listed[:newest]}
            continue
        mark = float(marks[search.cursor_key("api")])
        wanted |= {f"t3_{t.item_id}" for t in listed if t.created_utc.timestamp() >= mark}
    return wanted


def test_api_mode_pages_back_to_the_cursor_and_resumes_a_budget_gap(
    world, sandbox_config, raw_config, tmp_path
) -> None:
    config, sandbox = sandbox_config(
        world,
        ["reddit"],
        **{
            "sources.reddit.posts_per_query": 10,
            "sources.reddit.comment_depth": 0,
            "sources.reddit.arctic_shift.denominators": False,  # only the API's requests count here
        },
    )
    replica = sandbox.servers["reddit"].replica
    replica.api_limit = 100_000
    secrets = _api_secrets(replica)
    replica.now = FIRST_RUN
    first = run_pipeline(config, run_date=FIRST_RUN.date(), sources=["reddit"], secrets=secrets)
    # the ten newest posts of each theme's search; a post two themes' searches list (a $NVDA
    # post, in the AI and the Magnificent Seven queries) is one record
    newest = _api_truth(replica, config, None, newest=10)
    assert len(config.themes) * 9 <= len(newest) <= len(config.themes) * 10
    assert first.results[0].status == "ok" and first.results[0].records == len(newest)
    with Store(config.store.path) as store:
        marks = store.cursors("reddit")

    # Three months later every query has a few hundred new posts (> one page of 100). A budget
    # of 3 requests (token + 2 pages) stops inside the first query's walk.
    replica.now = dt.datetime.combine(WORLD_END, dt.time(23, 59), dt.UTC)
    tight = _config_on(
        sandbox,
        raw_config,
        config.store.path,
        **{"sources.reddit.posts_per_query": 10, "sources.reddit.budget": 3},
    )
    stopped = run_pipeline(tight, run_date=WORLD_END, sources=["reddit"], secrets=secrets)
    assert stopped.results[0].status == "deferred", stopped.summary()
    assert any("read on a later run" in n for n in stopped.results[0].notes)
    with Store(config.store.path) as store:
        gaps = {k: v for k, v in store.cursors("reddit").items() if k.endswith(":gaps")}
    assert len(gaps) == 1 and "after" in next(iter(gaps.values()))

    full = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=secrets)
    assert full.results[0].status == "ok", full.summary()
    items = _items(config.store.path)
    truth = _api_truth(replica, config, marks)
    assert len(truth) > 300 and truth <= set(items["item_id"])
    with Store(config.store.path) as store:
        cursors = store.cursors("reddit")
    assert all(v == "[]" for k, v in cursors.items() if k.endswith(":gaps"))
    again = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=secrets)
    assert again.results[0].records == 0 and len(_items(config.store.path)) == len(items)


def test_feeds_mode_pages_back_to_the_cursor(world, sandbox_config, raw_config) -> None:
    config, sandbox = sandbox_config(world, ["reddit"], **{"sources.reddit.mode": "feeds"})
    replica = sandbox.servers["reddit"].replica
    replica.era_2026 = False  # search.rss as it answered in 2025
    replica.now = FIRST_RUN
    run_pipeline(config, run_date=FIRST_RUN.date(), sources=["reddit"], secrets=NO_CREDENTIALS)
    with Store(config.store.path) as store:
        marks = store.cursors("reddit")
    replica.now = dt.datetime.combine(WORLD_END, dt.time(23, 59), dt.UTC)
    # the whole catch-up takes 23 requests here: 17 stop inside a subreddit's "new" listing
    tight = _config_on(
        sandbox,
        raw_config,
        config.store.path,
        **{"sources.reddit.mode": "feeds", "sources.reddit.budget": 17},
    )
    stopped = run_pipeline(tight, run_date=WORLD_END, sources=["reddit"], secrets=NO_CREDENTIALS)
    assert stopped.results[0].status == "deferred", stopped.summary()
    with Store(config.store.path) as store:
        assert [k for k, v in store.cursors("reddit").items() if k.endswith(":gaps") and v != "[]"]
    later = run_pipeline(config, run_date=WORLD_END, sources=["reddit"], secrets=NO_CREDENTIALS)
    assert later.results[0].status == "ok", later.summary()
    stored = set(_items(config.store.path)["item_id"])
    # each subreddit's "new" listing holds all its posts: all since its mark must be stored
    truth = set()
    for key, value in marks.items():
        if key.startswith("feeds:new:"):
            sub = key.removeprefix("feeds:new:")
            truth |= {
                f"t3_{t.item_id}"
                for t in replica._visible("post", sub)
                if t.created_utc.timestamp() >= float(value)
            }
    assert len(truth) > 100 * 2 and truth <= stored
    with Store(config.store.path) as store:
        assert all(v == "[]" for k, v in store.cursors("reddit").items() if k.endswith(":gaps"))
    subs = sum(1 for key in marks if key.startswith("feeds:new:"))
    # one page per subreddit on the first run; more than one on the second (paged back)
    assert sandbox.servers["reddit"].request_count(r"new\.rss") > 2 * subs


def test_a_soft_blocked_search_feed_records_no_coverage(reddit, world) -> None:
    """search.rss answering 200 with an empty body (the datacenter soft block) is a failure of
    that feed: its query is not watched, so the panel shows it missing, never as no mentions."""
    from attention.sandbox.server import Fault

    config, server = reddit(**{"sources.reddit.mode": "feeds"})  # the mode that reads search.rss
    server.replica.now = dt.datetime(2024, 4, 20, tzinfo=dt.UTC)
    server.faults.add(Fault("empty", path=r"/search\.rss", status=200))
    report = run_pipeline(config, run_date=dt.date(2024, 4, 20), sources=["reddit"], secrets=NO_CREDENTIALS)
    assert report.results[0].status == "ok", report.summary()
    assert any("skipped" in note for note in report.results[0].notes)
    with Store(config.store.path, read_only=True) as store:
        spans = store.coverage_spans(["reddit"])
    assert len(spans) and set(spans["unit_kind"]) == {"subreddit"}  # the listings only
