"""News end to end: run_pipeline against the news replica over loopback HTTP."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from attention.daily.collect import run_pipeline
from attention.store import Store
from collectors.news.parse import normalise_title
from collectors.news.rss import plan_feeds
from tests.e2e.conftest import WORLD_END

WINDOW = dt.timedelta(hours=48)


def _items(path) -> list[dict]:
    with Store(path) as store:
        return store.query(
            "SELECT item_id, created_utc, title, body, url, outlet, feeds, flags "
            "FROM items WHERE source = 'news'"
        ).to_dict("records")


def _with_feeds(config, feeds: list[str]):  # noqa: ANN202 - a Config with other extra feeds
    news = config.sources.news.model_copy(update={"feeds": feeds})
    return config.model_copy(update={"sources": config.sources.model_copy(update={"news": news})})


def _counts(path) -> dict[str, int]:
    with Store(path) as store:
        return {t: store.count(t) for t in ("items", "cursors", "news_volume")}


def _spans(path) -> pd.DataFrame:
    with Store(path, read_only=True) as store:
        return store.coverage_spans(["news"])


def test_two_runs_second_is_all_304_and_stores_nothing_new(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["news"])
    replica = sandbox.servers["news"].replica
    first = run_pipeline(config, run_date=WORLD_END, sources=["news"])
    assert first.exit_code == 0, first.summary()
    [result] = first.results
    assert result.status == "ok" and result.mode == "feeds"
    n_feeds = len(plan_feeds(config))
    assert result.requests == n_feeds and replica.conditional_requests == 0
    items = _items(config.store.path)
    headlines = replica.headlines()
    # Every headline of the world's last week is stored, once per story, with all its feeds.
    stored = {}
    for row in items:
        stored.setdefault(normalise_title(row["title"]), []).append(row)
    for h in headlines:
        rows = stored[normalise_title(h.title)]
        assert any(abs(r["created_utc"] - h.created_utc) <= WINDOW for r in rows), h.title
    dated = [r for r in items if "undated" not in r["flags"]]
    assert len(dated) <= len(headlines)
    assert [r["title"] for r in items if "undated" in r["flags"]] == [
        "About Example Wire: how we cover markets"
    ]
    # Google News redirect links were resolved to the publisher, tracking parameters dropped.
    assert not [r for r in items if "utm_" in (r["url"] or "") or ".tsrc" in (r["url"] or "")]
    assert all("news.google.com" not in (r["url"] or "") for r in items)
    assert max(len(r["feeds"]) for r in items) >= 3  # Google queries + Yahoo tickers + Atom
    counts = _counts(config.store.path)
    assert counts["cursors"] == n_feeds  # one validator cursor per feed
    spans = _spans(config.store.path)
    # every feed with items recorded what it watched: its oldest entry up to the fetch
    assert 0 < len(spans) <= n_feeds and set(spans["origin"]) == {"collect"}
    assert set(spans["unit_kind"]) == {"query", "feed"}
    theme_units = spans.loc[spans["unit_kind"] == "query", "unit"]
    assert all(u.split(":")[0] in config.themes for u in theme_units)

    second = run_pipeline(config, run_date=WORLD_END, sources=["news"])
    assert second.exit_code == 0, second.summary()
    assert replica.conditional_requests == n_feeds and replica.not_modified == n_feeds
    assert second.results[0].records == 0
    assert _counts(config.store.path) == counts
    assert len(_spans(config.store.path)) == len(spans)  # 304: nothing new claimed
    assert any(f"{n_feeds} unchanged (304)" in note for note in second.results[0].notes)


def test_one_malformed_feed_among_good_ones(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["news"])
    url = sandbox.servers["news"].url
    config = _with_feeds(
        config, [*config.sources.news.feeds, f"{url}/feeds/broken.rss", f"{url}/feeds/garbage.rss"]
    )
    report = run_pipeline(config, run_date=WORLD_END, sources=["news"])
    assert report.exit_code == 0, report.summary()
    [result] = report.results
    assert result.status == "ok"
    assert any("broken.rss: malformed feed" in n and "kept 5 recovered" in n for n in result.notes)
    assert any("garbage.rss: unparseable" in n for n in result.notes)
    items = _items(config.store.path)
    recovered = [r for r in items if "recovered" in r["flags"]]
    assert len(recovered) == 5 and all(r["title"].startswith("Q&A: ") for r in recovered)
    assert len(items) > len(recovered) + 10  # the good feeds were stored as usual
    units = set(_spans(config.store.path)["unit"])  # a broken or garbage feed claims nothing
    assert not any("broken.rss" in u or "garbage.rss" in u for u in units) and units


def test_all_feeds_down_fails_only_the_news_source(world, sandbox_config) -> None:
    from attention.sandbox.server import Fault

    config, sandbox = sandbox_config(world, ["news"])
    sandbox.servers["news"].faults.add(Fault("status", status=503))
    report = run_pipeline(config, run_date=WORLD_END, sources=["news"])
    assert report.exit_code == 3
    [result] = report.results
    assert result.status == "failed" and "all" in result.error and "503" in result.error
    assert _counts(config.store.path)["items"] == 0
    assert _spans(config.store.path).empty


def test_gdelt_volume_follows_the_worlds_attention(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["news"], **{"sources.news.gdelt.enabled": True})
    report = run_pipeline(config, run_date=WORLD_END, sources=["news"])
    assert report.exit_code == 0, report.summary()
    assert report.results[0].mode == "feeds + gdelt"
    with Store(config.store.path) as store:
        volume = store.query("SELECT theme, date, value, is_partial FROM news_volume ORDER BY theme, date")
    assert set(volume["theme"]) == set(config.themes)
    small = volume[volume["theme"] == "small_caps"].set_index("date")["value"]
    small.index = pd.to_datetime(small.index)
    attention = world.theme_state("small_caps")["attention"]
    days = pd.date_range(world.start, world.end, freq="D")
    truth = (0.05 * attention / attention.mean()).reindex(days).ffill().bfill()
    assert len(small) == 31  # the first run asks for the last 30 days and the run date
    assert small.round(4).tolist() == truth.reindex(small.index).round(4).tolist()
    assert volume.groupby("theme")["is_partial"].sum().tolist() == [1, 1, 1]
