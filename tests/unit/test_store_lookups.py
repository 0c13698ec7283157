"""The store's named reads behind the collectors' StoredLookups protocol, and the whitelists
that keep table names out of callers' hands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from attention.errors import StoreError
from attention.store import Store
from collectors.core.lookups import StoredLookups, StoredTrendsResponse
from collectors.core.records import Provenance, TextItem, TrendsResponse

WHEN = dt.datetime(2024, 1, 5, 12, tzinfo=dt.UTC)
PROV = Provenance("https://example.test/x", "1.0", WHEN)


def post(item_id: str, hours_ago: float, num_comments: int | None, kind: str = "post") -> TextItem:
    created = WHEN - dt.timedelta(hours=hours_ago)
    return TextItem("reddit", item_id, kind, created, "t", "b", None, PROV, num_comments=num_comments)


def test_the_store_is_a_stored_lookups(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        lookups: StoredLookups = store  # what the pipeline hands to collectors
        assert lookups.recent_post_ids("reddit", WHEN) == []


def test_collectors_get_a_read_only_view_of_the_store(tmp_path: Path) -> None:
    from attention.store.lookups import ReadOnlyLookups

    with Store(tmp_path / "s.duckdb") as store:
        store.write([post("t3_new", 1, None)])
        view: StoredLookups = ReadOnlyLookups(store)
        assert view.recent_post_ids("reddit", WHEN - dt.timedelta(hours=24)) == ["t3_new"]
        for name in ("write", "query", "con", "upsert_frame", "transaction"):
            assert not hasattr(view, name), name
        with pytest.raises(AttributeError):
            view.store = store  # type: ignore[attr-defined]  # no new attributes either


def test_recent_post_ids_are_young_posts_that_may_have_comments(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write(
            [
                post("t3_new", 1, None),  # comment count unknown: kept
                post("t3_mid", 5, 3),
                post("t3_quiet", 2, 0),  # no comments: nothing to refresh
                post("t3_old", 100, 7),  # too old
                post("t1_c", 1, None, kind="comment"),
            ]
        )
        since = WHEN - dt.timedelta(hours=24)
        assert store.recent_post_ids("reddit", since) == ["t3_new", "t3_mid"]
        assert store.recent_post_ids("news", since) == []


def test_trends_responses_come_back_typed_newest_first(tmp_path: Path) -> None:
    def response(rid: str, day: int, granularity: str | None) -> TrendsResponse:
        params = {"granularity": granularity} if granularity else {}
        prov = Provenance("https://trends.test", "1.0", WHEN, params)
        return TrendsResponse(rid, ("a", "b"), "b", "today 3-m", "US", dt.date(2024, 1, day), "{}", prov)

    with Store(tmp_path / "s.duckdb") as store:
        store.write([response("r1", 3, "day"), response("r2", 4, None)])
        got = store.trends_responses("today 3-m", "US")
        assert got == [
            StoredTrendsResponse("r2", ("a", "b"), dt.date(2024, 1, 4), "{}", None),
            StoredTrendsResponse("r1", ("a", "b"), dt.date(2024, 1, 3), "{}", "day"),
        ]
        assert store.trends_responses("today 3-m", "GB") == []


def test_stored_items_by_id_or_time(tmp_path: Path) -> None:
    def headline(item_id: str, day: int) -> TextItem:
        created = dt.datetime(2024, 1, day, tzinfo=dt.UTC)
        return TextItem("news", item_id, "headline", created, "t", "", None, PROV, feeds=("f",))

    with Store(tmp_path / "s.duckdb") as store:
        store.write([headline("a", 1), headline("b", 10), headline("c", 20)])
        lo, hi = dt.datetime(2024, 1, 9, tzinfo=dt.UTC), dt.datetime(2024, 1, 11, tzinfo=dt.UTC)
        rows = store.stored_items("news", ["a"], lo, hi)
        assert sorted(r["item_id"] for r in rows) == ["a", "b"]
        assert json.loads(rows[0]["provenance"])["url"] == PROV.url
        assert [r["item_id"] for r in store.stored_items("news", [], lo, hi)] == ["b"]


def test_table_names_come_only_from_the_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.count("items") == 0
        with pytest.raises(StoreError, match="no table"):
            store.count("items; DROP TABLE runs")
        with pytest.raises(StoreError, match="not an analysis result table"):
            store.export_result_table("items", ["item_id"], ["item_id"])
        with pytest.raises(StoreError, match="order by"):
            store.export_result_table("context", ["theme"], ["theme; --"])
        assert "runs" in store.tables()
