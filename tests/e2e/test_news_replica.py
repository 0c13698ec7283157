"""The news collector against the news replica over loopback, driven directly (collect, then
write to a store, as the pipeline does without its scoring step): conditional GET variants, slow
and failing responses, the Atom variant, GDELT's query rules and pacing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

import collectors.core.http as http
from attention.sandbox.news import NewsReplica, gdelt_query_problem
from attention.sandbox.server import Fault
from attention.store import Store
from collectors.core.http import HttpClient
from collectors.core.records import CollectContext, Record, SourceNote, TextItem
from collectors.news.gdelt import NewsVolume, build_query
from collectors.news.rss import NewsCollector
from tests.e2e.conftest import WORLD_END


def collect(config: Any, store: Store) -> tuple[list[Record], list[str], list[HttpClient]]:
    clients: list[HttpClient] = []

    def factory(name: str, **overrides: Any) -> HttpClient:
        settings = config.sources.news
        client = HttpClient(name, **({"budget": settings.budget, "timeout": settings.timeout} | overrides))
        clients.append(client)
        return client

    ctx = CollectContext(
        run_date=WORLD_END,
        config=config,
        secrets=None,
        cursors=store.cursors("news"),
        lookups=store,
        http_factory=factory,
    )
    records: list[Record] = []
    notes: list[str] = []
    for out in NewsCollector().collect(ctx):
        (notes.append(out.message) if isinstance(out, SourceNote) else records.append(out))
    store.write(records)
    return records, notes, clients


def test_last_modified_alone_also_gives_304s(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["news"])
    replica: NewsReplica = sandbox.servers["news"].replica
    replica.send_etag = False  # a server that only sends Last-Modified
    with Store(config.store.path) as store:
        collect(config, store)
        before = store.count("items")
        cursors = store.cursors("news")
        assert cursors and all('"last_modified"' in v and "etag" not in v for v in cursors.values())
        records, notes, _ = collect(config, store)
        assert replica.not_modified == len(cursors) and records == []
        assert store.count("items") == before


def test_atom_variant_times_and_the_undated_entry(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(
        world,
        ["news"],
        **{
            "sources.news.google_news_url": "http://127.0.0.1:9",
            "sources.news.yahoo_rss_url": "http://127.0.0.1:9",
        },
    )
    replica: NewsReplica = sandbox.servers["news"].replica
    with Store(config.store.path) as store:
        records, notes, _ = collect(config, store)
        items = [r for r in records if isinstance(r, TextItem)]
    wire = {h.title: h for h in replica.headlines() if h.container == "Example Wire"}
    dated = [i for i in items if "undated" not in i.flags]
    assert {i.title: i.created_utc for i in dated} == {t: h.created_utc for t, h in wire.items()}
    assert all(i.outlet == "Example Wire" and i.url.startswith("https://www.example-wire") for i in items)
    [undated] = [i for i in items if "undated" in i.flags]
    assert abs(undated.created_utc - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    # Google and Yahoo (an unused port) failed; the source still stands on its Atom feed.
    assert sum("failed" in n or "skipped" in n for n in notes) >= 2


def test_slow_feed_is_waited_for_and_a_hung_one_fails_alone(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["news"], **{"sources.news.timeout": 1.0})
    server = sandbox.servers["news"]
    server.faults.add(
        Fault("latency", path=r"^/rss/search$", seconds=0.3, times=2),
        Fault("timeout", path=r"\.atom$", seconds=1.5),
    )
    with Store(config.store.path) as store:
        records, notes, clients = collect(config, store)
    assert any("example-wire.atom" in n and "Timeout" in n for n in notes)
    feeds = {f for r in records if isinstance(r, TextItem) for f in r.feeds}
    assert "google_news:small cap stocks" in feeds and "yahoo:IWM" in feeds
    assert not any(f.endswith(".atom") for f in feeds)
    assert server.request_count(r"\.atom$") == 4  # first try + 3 retries, then given up


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("AI", "keyword that was too short"),
        ('"small cap stocks" OR "Russell 2000"', "must be surrounded by ()"),
        ('("small cap stocks" OR "Russell 2000")', None),
        ('("AI stocks" OR Nvidia)', None),
    ],
)
def test_replica_applies_gdelts_query_rules(query: str, problem: str | None) -> None:
    found = gdelt_query_problem(query)
    assert (found is None) if problem is None else (problem in found)


def test_queries_we_build_are_ones_gdelt_accepts(world) -> None:
    for theme in world.config.themes.values():
        assert gdelt_query_problem(build_query(theme.news_queries)) is None
        assert gdelt_query_problem(build_query(theme.search_terms)) is None


def test_gdelt_pacing_is_real_and_keeps_the_replica_happy(world, sandbox_config, monkeypatch) -> None:
    interval = 0.4
    config, sandbox = sandbox_config(
        world, ["news"], **{"sources.news.gdelt.enabled": True, "sources.news.gdelt.min_interval": interval}
    )
    replica: NewsReplica = sandbox.servers["news"].replica
    replica.gdelt_min_interval = interval
    monkeypatch.setattr(http, "sleep", time.sleep)  # really wait, as in production
    with Store(config.store.path) as store:
        records, notes, clients = collect(config, store)
        assert not [n for n in notes if n.startswith("gdelt")], notes
        assert store.count("news_volume") == 31 * len(config.themes)
    assert len([r for r in records if isinstance(r, NewsVolume)]) == 31 * len(config.themes)
    assert clients[-1].min_interval == pytest.approx(interval * 1.1)


def test_unpaced_gdelt_requests_are_refused(world, sandbox_config, slept) -> None:
    config, sandbox = sandbox_config(world, ["news"], **{"sources.news.gdelt.enabled": True})
    replica: NewsReplica = sandbox.servers["news"].replica
    replica.gdelt_min_interval = 60.0  # the client's (patched-out) 5 s waits are not enough
    with Store(config.store.path) as store:
        _, notes, _ = collect(config, store)
        assert store.count("news_volume") == 31  # only the first theme got through
    [refused] = [n for n in notes if n.startswith("gdelt")]
    assert "429" in refused and "skipped for this run: magnificent_seven" in refused
    assert sandbox.servers["news"].request_count("/api/v2/doc") == 3  # 1 + (1 + 1 retry)
    assert any(5.0 < s <= 5.5 for s in slept)  # the client did ask to wait its 5 s (+10%)
