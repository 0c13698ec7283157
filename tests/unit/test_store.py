from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from attention.errors import StoreLockedError
from attention.store import Store
from attention.store.schema import MIGRATIONS
from collectors.core.records import CursorUpdate, PriceBar, Provenance, TextItem, utcnow

PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2024, 1, 5, tzinfo=dt.UTC))


def bar(day: int, close: float = 10.0, ticker: str = "IWM") -> PriceBar:
    return PriceBar(ticker, dt.date(2024, 1, day), 1, 2, 0.5, close, close, 100, "yahoo", PROV)


def test_schema_is_versioned_and_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert {"items", "prices", "flows", "runs", "cursors", "search_interest"} <= set(store.tables())
    with Store(path) as store:  # reopening applies nothing twice
        assert store.migrate() == len(MIGRATIONS)


def test_upsert_is_idempotent_and_last_duplicate_in_batch_wins(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write([bar(2, 10.0), bar(2, 11.0), bar(3)]) == {"prices": 2}
        assert store.write([bar(2, 12.0), bar(3)]) == {"prices": 0}
        closes = store.query("SELECT date, close FROM prices ORDER BY date")["close"].tolist()
        assert closes == [12.0, 10.0]
        assert store.integrity_problems() == []


def test_feeds_of_a_story_are_unioned(tmp_path: Path) -> None:
    def item(feeds: tuple[str, ...]) -> TextItem:
        return TextItem("news", "n1", "headline", utcnow(), "Title", "", None, PROV, feeds=feeds)

    with Store(tmp_path / "s.duckdb") as store:
        store.write([item(("a",))])
        store.write([item(("b", "a"))])
        feeds = store.query("SELECT feeds FROM items")["feeds"][0]
        assert sorted(feeds) == ["a", "b"]


def test_cursor_moves_only_with_its_data(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write([bar(2), CursorUpdate("prices", "IWM", "2024-01-02")])
        bad = PriceBar("IWM", dt.date(2024, 1, 3), 1, 2, 0.5, None, None, 1, "yahoo", PROV)  # type: ignore[arg-type]
        with pytest.raises(duckdb.ConstraintException):  # NOT NULL close: the whole batch fails
            store.write([bad, CursorUpdate("prices", "IWM", "2024-01-03")])
        assert store.cursors("prices") == {"IWM": "2024-01-02"}
        assert store.count("prices") == 1


def test_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path):
        with pytest.raises(StoreLockedError, match="in use by pid"):
            Store(path)
    Store(path).close()  # released after close


def test_run_log_records_status(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.start_run("r1", "prices", dt.date(2024, 1, 5))
        store.finish_run("r1", "prices", "failed", records=3, requests=4, error="HTTP 500")
        row = store.last_runs().iloc[0]
        assert (row["status"], row["records"], row["error"]) == ("failed", 3, "HTTP 500")


def test_a_failing_migration_releases_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import attention.store.core as store_module

    broken = [*MIGRATIONS, ("9999_broken", "CREATE TABLE nope (")]
    monkeypatch.setattr(store_module, "MIGRATIONS", broken)
    with pytest.raises(duckdb.ParserException):
        Store(tmp_path / "s.duckdb")
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    Store(tmp_path / "s.duckdb").close()  # the lock was released: a second open works


def test_a_rare_non_empty_list_deep_in_a_batch_is_stored(tmp_path: Path) -> None:
    """DuckDB samples object columns to infer their type; one flagged item among 20,000."""
    items = [
        TextItem(
            "reddit",
            f"t1_{i}",
            "comment",
            utcnow(),
            "",
            "x",
            None,
            PROV,
            flags=("removed",) if i == 17_777 else (),
        )
        for i in range(20_000)
    ]
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write(items) == {"items": 20_000}
        flagged = store.query("SELECT item_id FROM items WHERE len(flags) > 0")["item_id"].tolist()
    assert flagged == ["t1_17777"]
