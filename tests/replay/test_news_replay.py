"""Real recorded news through the real collector path (HTTP layer -> feedparser -> items ->
de-duplication -> store): the Guardian and Reddit feeds as published, 2,656 BBC Business RSS
rows and 5,733 GDELT TSLA headlines rendered back into RSS documents."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from attention.store import Store
from collectors.core.records import TextItem
from collectors.news.parse import canonical_url, normalise_title
from collectors.news.rss import NewsCollector
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

WINDOW = dt.timedelta(hours=48)
EMPTY = {google_url("small cap stocks"): ok(rss([])), yahoo_url("IWM"): ok(rss([]))}


def collect(feeds: dict[str, bytes], store: Store | None = None) -> tuple[list, list]:
    config = news_config(feeds=list(feeds), budget=200)
    web = FeedWeb({**EMPTY, **{url: ok(body) for url, body in feeds.items()}})
    ctx, _ = make_ctx(config, web, lookups=store)
    return run(NewsCollector(), ctx)


def final_items(records: list) -> dict[str, TextItem]:
    """What the store keeps: the last record per id. Checks on the way that the collector
    yielded a known id again only to add a feed or fill an empty field (never a plain repeat)."""
    seen: dict[str, TextItem] = {}
    for record in records:
        if not isinstance(record, TextItem):
            continue
        before = seen.get(record.item_id)
        if before is not None:
            grew = set(record.feeds) > set(before.feeds)
            filled = any(not getattr(before, f) and getattr(record, f) for f in ("body", "url", "outlet"))
            assert grew or filled, (before, record)
        seen[record.item_id] = record
    return seen


def assert_title_clusters(
    items: dict[str, TextItem], rows: list[tuple[str, dt.datetime, str | None]]
) -> None:
    """Kept stories with one normalised title are > window apart, and every input row is kept
    under its own id or has a kept story with its title within the window (nothing lost,
    nothing doubled)."""
    by_title: dict[str, list[dt.datetime]] = defaultdict(list)
    for item in items.values():
        by_title[normalise_title(item.title, item.outlet)].append(item.created_utc)
    for times in by_title.values():
        times.sort()
        assert all(b - a > WINDOW for a, b in zip(times, times[1:], strict=False)), times
    for title, when, row_id in rows:
        if row_id in items:
            continue
        times = by_title[normalise_title(title)]
        assert any(abs(t - when) <= WINDOW for t in times), (title, when)


def test_real_feeds_parse_with_utc_times_and_clean_text(shared_data: Path) -> None:
    folder = shared_data / "rss_feed_samples_real"
    names = ["guardian.rss", "reddit.rss", "reddit-atom.rss", "reddit-home.rss"]
    feeds = {f"https://feeds.test/{n}": (folder / n).read_bytes() for n in names}
    records, notes = collect(feeds)
    assert not [n for n in notes if n.level == "warning"], notes
    items = [r for r in records if isinstance(r, TextItem)]
    per_feed = defaultdict(list)
    for item in items:
        per_feed[item.feeds[0].rsplit("/", 1)[1]].append(item)
    assert {k: len(v) for k, v in per_feed.items()} == {
        "guardian.rss": 55,
        "reddit.rss": 24,
        "reddit-atom.rss": 24,
        "reddit-home.rss": 24,
    }
    # Times: compare with the pubDate text read by the standard library, not by feedparser.
    root = ET.parse(folder / "guardian.rss").getroot()
    expected = {
        canonical_url(i.findtext("link")): email.utils.parsedate_to_datetime(
            i.findtext("pubDate")
        ).astimezone(dt.UTC)
        for i in root.iter("item")
    }
    got = {i.url: i.created_utc for i in per_feed["guardian.rss"]}
    assert got == expected
    for item in items:
        assert item.created_utc.tzinfo is not None and item.created_utc.utcoffset() == dt.timedelta(0)
        assert not re.search(r"</?[a-zA-Z][^>]*>", item.body), item.body
        assert not re.search(r"&(amp|lt|gt|nbsp|#\d+);", item.body + item.title)
    assert per_feed["guardian.rss"][0].outlet == "The Guardian"
    home = per_feed["reddit-home.rss"]  # Atom ids like "/t3_42tizy", resolved on the feed URL
    assert len({i.item_id for i in home}) == 24 and all("/t3_" in i.item_id for i in home)


def _bbc_rows(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "bbc_business_rss_items_2022-2024" / "bbc_business_rss_items.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _bbc_feed(rows: list[dict[str, str]]) -> bytes:
    return rss(
        [
            {
                "title": r["title"],
                "link": r["link"],
                "guid": r["guid"],
                "pubDate": r["pubDate"],
                "description": r["description"],
            }
            for r in rows
        ],
        title="BBC News - Business",
    )


def test_bbc_rows_dedupe_within_a_run_and_against_the_store(shared_data: Path, tmp_path: Path) -> None:
    rows = _bbc_rows(shared_data)
    assert len(rows) == 2656
    by_year = defaultdict(list)
    for row in rows:
        by_year[email.utils.parsedate_to_datetime(row["pubDate"]).year].append(row)
    feeds = {f"https://feeds.test/bbc-{y}.rss": _bbc_feed(r) for y, r in sorted(by_year.items())}
    records, notes = collect(feeds)
    items = final_items(records)
    when = {r["guid"]: email.utils.parsedate_to_datetime(r["pubDate"]) for r in rows}
    assert_title_clusters(items, [(r["title"], when[r["guid"]], canonical_url(r["guid"])) for r in rows])
    ids = {canonical_url(r["guid"]) for r in rows}
    # One story per canonical guid (2,656 rows -> 1,858): re-sent guids, with new dates or
    # reworded descriptions, and "#6"/"#7" fragment variants of one page are merged.
    assert set(items) == ids and len(ids) == 1858
    assert not any("at_medium" in (i.url or "") for i in items.values())
    first = items["https://www.bbc.co.uk/news/business-60623941"]
    assert first.created_utc == dt.datetime(2022, 3, 7, 0, 14, 42, tzinfo=dt.UTC)
    assert first.outlet == "BBC News - Business"
    smart = [i for i in items.values() if "smart meter'" in i.title and "obsessed" in i.title]
    assert len(smart) == 1  # three rows: one guid, two descriptions, two dates
    autumn = [i for i in items.values() if i.title.startswith("Autumn Statement 2023: When")]
    assert len(autumn) == 1
    # Stored once; a later run over all rows in one feed finds every story in the store.
    with Store(tmp_path / "bbc.duckdb") as store:
        store.write(records)
        assert store.count("items") == len(items)
        again, notes = collect({"https://feeds.test/bbc-all.rss": _bbc_feed(rows)}, store)
        assert "0 new stories" in notes[-1].message
        store.write(again)
        assert store.count("items") == len(items)
        feeds_per_item = store.query("SELECT len(feeds) AS n FROM items")["n"]
        assert feeds_per_item.min() >= 2  # every story now also lists the all-rows feed


def test_gdelt_headlines_times_are_utc_and_titles_dedupe(shared_data: Path) -> None:
    path = shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA_news.csv"
    frame = pd.read_csv(path)
    assert len(frame) == 5733
    # GDELT stamps articles with its "seendate", in UTC, written here without a zone.
    frame["when"] = pd.to_datetime(frame["dt"]).dt.tz_localize("UTC")
    frame["month"] = frame["when"].dt.strftime("%Y-%m")
    feeds = {}
    for month, group in frame.groupby("month"):
        feeds[f"https://gdelt.test/tsla-{month}.rss"] = rss(
            [
                {"title": t, "pubDate": email.utils.format_datetime(w.to_pydatetime(), usegmt=True)}
                for t, w in zip(group["title"], group["when"], strict=True)
            ]
        )
    records, notes = collect(feeds)
    items = final_items(records)
    rows = [(t, w.to_pydatetime(), None) for t, w in zip(frame["title"], frame["when"], strict=True)]
    assert_title_clusters(items, rows)
    distinct_titles = frame["title"].map(normalise_title).nunique()
    print(f"gdelt rows {len(frame)} -> {len(items)} stories ({distinct_titles} distinct titles)")
    assert distinct_titles < len(items) < len(frame)
    lucid = [i for i in items.values() if i.title.startswith("Lucid Group Stock Looks More")]
    assert [i.created_utc for i in lucid] == [dt.datetime(2022, 6, 27, 2, 15, tzinfo=dt.UTC)]
    assert all(i.item_id.startswith("sha1:") for i in items.values())  # no guid, no link


@pytest.mark.parametrize("name", ["guardian.rss", "reddit-home.rss"])
def test_second_fetch_of_the_same_document_adds_nothing(shared_data: Path, tmp_path: Path, name: str) -> None:
    body = (shared_data / "rss_feed_samples_real" / name).read_bytes()
    with Store(tmp_path / "s.duckdb") as store:
        first, _ = collect({f"https://feeds.test/{name}": body}, store)
        store.write(first)
        count = store.count("items")
        second, _ = collect({f"https://feeds.test/{name}": body}, store)
        assert not [r for r in second if isinstance(r, TextItem)]
        assert count == 55 if name == "guardian.rss" else count == 24
