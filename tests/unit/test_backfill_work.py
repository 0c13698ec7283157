"""The worker side of the backfill, in-process: partition -> rows the store accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attention.backfill.client import commit_partition
from attention.backfill.partitions import plan_file
from attention.backfill.worker import BackfillJob, item_rows, run_partition
from attention.config import load_config
from attention.sandbox.dump_archive import generate_reddit_archive
from attention.store import Store
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy

REPO = Path(__file__).resolve().parents[2]
PROV = Provenance("file:x", "t", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def _item(n: int, flags: tuple[str, ...] = ()) -> TextItem:
    return TextItem(
        source="reddit",
        item_id=f"t1_{n}",
        kind="comment",
        created_utc=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        title="",
        body="NVDA",
        url=None,
        provenance=PROV,
        flags=flags,
        themes=("ai_stocks",),
    )


def test_a_rare_flag_far_down_a_large_batch_is_stored(tmp_path: Path) -> None:
    """DuckDB types an object column from a sample of rows: a lone non-empty list must not be
    cast to a list of NULLs."""
    items = [_item(n) for n in range(20_000)]
    items[17_777] = _item(17_777, ("removed",))
    with Store(tmp_path / "s.duckdb") as store, store.transaction():
        added = store.upsert_frame("items", item_rows(items), TextItem.KEY, TextItem.MERGE)
    assert added == 20_000
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        flagged = store.query("SELECT item_id FROM items WHERE len(flags) > 0")
    assert flagged["item_id"].tolist() == ["t1_17777"]


def test_duplicate_ids_in_a_partition_keep_the_last() -> None:
    first, last = _item(1), _item(1, ("deleted",))
    rows = item_rows([first, _item(2), last])
    assert rows["item_id"].tolist() == ["t1_1", "t1_2"]
    assert list(rows.loc[0, "flags"]) == ["deleted"]


def test_a_partition_yields_counts_days_and_only_themed_rows(tmp_path: Path) -> None:
    config = load_config(REPO / "config.yaml")
    archive = generate_reddit_archive(
        tmp_path / "a.zst",
        3000,
        fmt="frames",
        frame_lines=700,
        texts=["NVDA calls", "nice weather", "IWM puts"],
    )
    job = BackfillJob(
        "reddit", config, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), AuthorPolicy(salt="test-salt")
    )
    results = [run_partition(p, job) for p in plan_file(archive.path, 100_000)]
    assert len(results) > 1
    assert sum(r.lines for r in results) == archive.lines
    rows = [r.rows for r in results if not r.rows.empty]
    assert all(len(t) > 0 for frame in rows for t in frame["themes"])
    assert 0 < sum(r.kept for r in results) < sum(r.in_scope for r in results)
    assert all(r.days is not None and r.days[0] >= "2024-01-01" for r in results if r.kept)
    assert all(r.peak_rss > 0 for r in results)


def test_each_committed_partition_records_what_it_covered(tmp_path: Path) -> None:
    config = load_config(REPO / "config.yaml")
    archive = generate_reddit_archive(tmp_path / "a.zst", 2000, fmt="frames", frame_lines=500, texts=["NVDA"])
    job = BackfillJob(
        "reddit", config, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), AuthorPolicy(salt="test-salt")
    )
    results = [run_partition(p, job) for p in plan_file(archive.path, 50_000)]
    with Store(tmp_path / "s.duckdb") as store:
        for result in results:
            commit_partition(store, result)
        spans = store.coverage_spans(["reddit"])
    expected = {(kind, unit) for r in results for _, kind, unit, _, _ in r.spans}
    assert expected and set(zip(spans["unit_kind"], spans["unit"], strict=True)) == expected
    assert set(spans["origin"]) == {"backfill"}
    # every in-scope item lies inside a stored span of its subreddit
    for result in results:
        for source, _, unit, first, last in result.spans:
            mine = spans[spans["unit"] == unit]
            assert source == "reddit" and first >= mine["span_start"].min().timestamp()
            assert last < mine["span_end"].max().timestamp()
