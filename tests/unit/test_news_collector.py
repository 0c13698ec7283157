"""NewsCollector without a network: feed planning, conditional GETs and cursors, malformed and
failing feeds, de-duplication across feeds and against the store."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from attention.errors import BudgetExhaustedError, FatalError, RetriableError
from attention.store import Store
from collectors.core.records import CursorUpdate, Provenance, TextItem
from collectors.news.rss import NewsCollector, plan_feeds
from tests.unit.test_news_support import (
    FeedWeb,
    google_url,
    make_ctx,
    news_config,
    ok,
    rss,
    run,
    yahoo_url,
)

STORY = {
    "title": "Small caps rally as yields fall",
    "guid": "https://pub.test/story-1",
    "link": "https://pub.test/story-1?utm_source=rss",
    "pubDate": "Wed, 03 Jan 2024 14:00:00 GMT",
    "description": "<p>Russell 2000 up.</p>",
}
OTHER = {
    "title": "Russell 2000 hits a 3-month high",
    "guid": "https://pub.test/story-2",
    "pubDate": "Thu, 04 Jan 2024 09:00:00 GMT",
}


def test_plan_covers_google_news_yahoo_and_listed_feeds() -> None:
    config = news_config(feeds=["https://feeds.test/a.rss"])
    feeds = plan_feeds(config)
    assert [f.url for f in feeds] == [
        google_url("small cap stocks"),
        yahoo_url("IWM"),
        "https://feeds.test/a.rss",
    ]
    assert [f.label for f in feeds] == [
        "google_news:small cap stocks",
        "yahoo:IWM",
        "https://feeds.test/a.rss",
    ]


def test_items_then_cursor_and_conditional_get_on_the_next_run() -> None:
    config = news_config()
    etag, modified = '"v1"', "Wed, 03 Jan 2024 14:00:00 GMT"

    def google(headers: dict[str, str]):  # noqa: ANN202
        if headers.get("If-None-Match") == etag:
            return 304, b"", {"ETag": etag}
        return ok(rss([STORY]), ETag=etag, **{"Last-Modified": modified})

    web = FeedWeb({google_url("small cap stocks"): google, yahoo_url("IWM"): ok(rss([OTHER]))})
    ctx, clients = make_ctx(config, web)
    records, notes = run(NewsCollector(), ctx)
    kinds = [type(r).__name__ for r in records]
    # each feed's coverage after its items, and the cursor after both (DESIGN.md 4.5, 4.14)
    assert kinds == ["TextItem", "CoverageSpan", "CursorUpdate", "TextItem", "CoverageSpan"]
    assert records[1].unit == "small_caps:google_news:small cap stocks"
    cursor = records[2]
    assert cursor == CursorUpdate(
        "news",
        google_url("small cap stocks"),
        json.dumps({"etag": etag, "last_modified": modified}, sort_keys=True),
    )
    assert ctx.mode == "feeds" and "2 fetched" in notes[-1].message
    # Second run with the stored cursor: a conditional request, a 304, nothing yielded for it.
    web.calls.clear()
    ctx, _ = make_ctx(config, web, cursors={cursor.key: cursor.value})
    records, notes = run(NewsCollector(), ctx)
    sent = dict(web.calls)[google_url("small cap stocks")]
    assert sent == {"If-None-Match": etag, "If-Modified-Since": modified}
    assert [r.feeds for r in records if isinstance(r, TextItem)] == [("yahoo:IWM",)]
    assert "1 unchanged (304)" in notes[-1].message


def test_same_story_in_two_feeds_is_one_item_listing_both() -> None:
    config = news_config()
    google_story = {
        **STORY,
        "title": STORY["title"] + " - Reuters",
        "guid": None,
        "guid_nolink": "CBMiAbc",
        "source": "Reuters",
    }
    web = FeedWeb(
        {
            google_url("small cap stocks"): ok(rss([google_story])),
            yahoo_url("IWM"): ok(rss([{**STORY, "guid": "https://y.test/x"}])),
        }
    )
    records, _ = run(NewsCollector(), make_ctx(config, web)[0])
    first, merged = [r for r in records if isinstance(r, TextItem)]
    assert merged.item_id == first.item_id == "google_news:CBMiAbc"
    assert merged.feeds == ("google_news:small cap stocks", "yahoo:IWM")
    assert first.body == "Russell 2000 up." and first.outlet == "Reuters"


def test_title_dedupe_respects_the_window() -> None:
    config = news_config(dedupe_window_hours=24)
    later = {**STORY, "guid": "https://pub.test/story-9", "pubDate": "Sat, 06 Jan 2024 14:00:00 GMT"}
    web = FeedWeb({google_url("small cap stocks"): ok(rss([STORY])), yahoo_url("IWM"): ok(rss([later]))})
    records, _ = run(NewsCollector(), make_ctx(config, web)[0])
    assert len({r.item_id for r in records if isinstance(r, TextItem)}) == 2  # 3 days apart


def test_known_stories_are_looked_up_in_the_store(tmp_path) -> None:
    stored = TextItem(
        source="news",
        item_id="https://old.test/s",
        kind="headline",
        created_utc=dt.datetime(2024, 1, 3, 11, tzinfo=dt.UTC),
        title="Small caps rally as yields fall!",
        body="Stored body",
        url=None,
        provenance=Provenance("https://old.test/feed", "1.0", dt.datetime(2024, 1, 3, 12, tzinfo=dt.UTC)),
        outlet="Old",
        feeds=("https://old.test/feed",),
    )
    with Store(tmp_path / "s.duckdb") as store:
        store.write([stored])
        config = news_config()
        web = FeedWeb({google_url("small cap stocks"): ok(rss([STORY])), yahoo_url("IWM"): ok(rss([STORY]))})
        records, notes = run(NewsCollector(), make_ctx(config, web, lookups=store)[0])
        items = [r for r in records if isinstance(r, TextItem)]
        # one merge (the Google feed joins the stored story), then the Yahoo sighting of the
        # same guid adds its feed too
        assert [i.item_id for i in items] == ["https://old.test/s"] * 2
        assert items[-1].feeds == ("https://old.test/feed", "google_news:small cap stocks", "yahoo:IWM")
        assert items[-1].body == "Stored body" and items[-1].created_utc == stored.created_utc
        assert "0 new stories" in notes[-1].message
        store.write(records)
        assert store.count("items") == 1
        row = store.query("SELECT feeds FROM items")["feeds"][0]
        assert sorted(row) == sorted(items[-1].feeds)  # the store's union keeps no order


def test_malformed_feed_keeps_recovered_entries_and_garbage_fails_alone() -> None:
    config = news_config(feeds=["https://feeds.test/broken.rss", "https://feeds.test/page"])
    broken = rss([STORY]).replace(b"<title>Small", b"<title>Q&A: Small", 1)
    web = FeedWeb(
        {
            google_url("small cap stocks"): ok(rss([OTHER])),
            yahoo_url("IWM"): (503, b"", {}),
            "https://feeds.test/broken.rss": ok(broken),
            "https://feeds.test/page": (
                200,
                b"<html><body>Sign in</body></html>",
                {"Content-Type": "text/html"},
            ),
        }
    )
    records, notes = run(NewsCollector(), make_ctx(config, web)[0])
    items = {r.title: r for r in records if isinstance(r, TextItem)}
    assert items["Q&A: Small caps rally as yields fall"].flags == ("recovered",)
    assert "Russell 2000 hits a 3-month high" in items
    warnings = [n.message for n in notes if n.level == "warning"]
    assert any("broken.rss: malformed feed" in w and "kept 1 recovered" in w for w in warnings)
    assert any("feeds.test/page: unparseable" in w for w in warnings)
    assert any("yahoo:IWM" in w and "503" in w for w in warnings)


def test_every_feed_failing_fails_the_source() -> None:
    config = news_config()
    web = FeedWeb({google_url("small cap stocks"): (500, b"", {}), yahoo_url("IWM"): (502, b"", {})})
    with pytest.raises(RetriableError, match="all 2 feeds failed"):
        run(NewsCollector(), make_ctx(config, web)[0])
    web = FeedWeb({google_url("small cap stocks"): ok(b"<html>no</html>"), yahoo_url("IWM"): (404, b"", {})})
    with pytest.raises(FatalError, match="all 2 feeds failed"):
        run(NewsCollector(), make_ctx(config, web)[0])


def test_rate_limit_skips_the_rest_of_that_host() -> None:
    config = news_config(feeds=[f"{'https://news.test'}/rss/other", "https://feeds.test/a.rss"])
    web = FeedWeb(
        {
            google_url("small cap stocks"): (429, b"", {"Retry-After": "3600"}),
            yahoo_url("IWM"): ok(rss([OTHER])),
            "https://feeds.test/a.rss": ok(rss([])),
        }
    )
    records, notes = run(NewsCollector(), make_ctx(config, web)[0])
    assert [u for u, _ in web.calls].count("https://news.test/rss/other") == 0
    assert any("skipped, news.test rate-limited us" in n.message for n in notes)
    assert len([r for r in records if isinstance(r, TextItem)]) == 1


def test_spent_budget_keeps_what_was_collected_and_defers_the_rest() -> None:
    config = news_config(budget=1)
    web = FeedWeb(
        {google_url("small cap stocks"): ok(rss([STORY]), ETag='"a"'), yahoo_url("IWM"): ok(rss([OTHER]))}
    )
    out = []
    with pytest.raises(BudgetExhaustedError):
        for record in NewsCollector().collect(make_ctx(config, web)[0]):
            out.append(record)
    assert [type(r).__name__ for r in out] == ["TextItem", "CoverageSpan", "CursorUpdate", "SourceNote"]
    assert len(web.calls) == 1


def test_a_failing_host_is_left_alone_after_two_feeds() -> None:
    config = news_config(
        feeds=["https://news.test/rss/a", "https://news.test/rss/b", "https://feeds.test/ok.rss"]
    )
    web = FeedWeb(
        {
            google_url("small cap stocks"): (500, b"", {}),
            yahoo_url("IWM"): ok(rss([])),
            "https://news.test/rss/a": (503, b"", {}),
            "https://feeds.test/ok.rss": ok(rss([OTHER])),
        }
    )
    records, notes = run(NewsCollector(), make_ctx(config, web)[0])
    called = [u for u, _ in web.calls]
    assert "https://news.test/rss/b" not in called  # two failures in a row on news.test
    assert any("news.test/rss/b: skipped, news.test keeps failing" in n.message for n in notes)
    assert [r.title for r in records if isinstance(r, TextItem)] == [OTHER["title"]]
