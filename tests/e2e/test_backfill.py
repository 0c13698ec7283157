"""The Dask backfill on a real LocalCluster (2 worker processes, loopback only): the stored result
equals the single-process import, an interrupted run resumes without duplicates, a failing
partition is retried, and a partition that keeps failing is redone by the next run."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pandas as pd
import pytest

from attention.backfill.client import CURSOR_SOURCE, BackfillResult, backfill
from attention.backfill.cluster import dask_client
from attention.config import Config, load_config
from attention.derive.aggregate import theme_daily, utc_day
from attention.imports.reddit_dump import default_annotator, import_dumps
from attention.sandbox.dump_archive import generate_reddit_archive, text_pool
from attention.sandbox.reddit_dumps import DumpSpec, write_dump
from attention.store import Store

REPO = Path(__file__).resolve().parents[2]
PARTITION = 96 * 1024  # small partitions: many of them, so ordering and resuming matter
# Workers unpickle the test's annotators: ship this module's code by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module", autouse=True)
def _one_author_salt() -> Iterator[None]:
    """Every store here is compared with another: they share a salt, as a user's stores do when
    ATTENTION_AUTHOR_SALT is set (each store would otherwise get its own private salt)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATTENTION_AUTHOR_SALT", "backfill-test-salt")
        yield


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2, memory_limit="1GiB", dashboard=False) as dask:
        yield dask


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A multi-frame archive of real WSB texts, a single-frame dump with old Pushshift quirks and
    malformed lines, and a plain dump that repeats the second file's ids with other texts (the
    later file must win, as in the single-process import)."""
    folder = tmp_path_factory.mktemp("archives")
    texts, _ = text_pool()
    frames = generate_reddit_archive(
        folder / "RC_frames.zst", 6000, fmt="frames", frame_lines=500, texts=texts, seed=1
    ).path
    spec = DumpSpec(lines=5000, wanted_share=0.6, themed_share=0.5, bad_share=0.01, seed=2, first_id=10**6)
    single = write_dump(folder / "RS_single.zst", spec, texts[:300]).path
    repeat = write_dump(
        folder / "RC_repeat.ndjson",
        DumpSpec(lines=3000, wanted_share=0.6, themed_share=0.5, seed=3, first_id=10**6),
        texts[300:600],
    ).path
    return [frames, single, repeat]


@pytest.fixture(scope="module")
def reference(archives: list[Path], config: Config, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The single-process import of the same files."""
    with Store(tmp_path_factory.mktemp("ref") / "ref.duckdb") as store:
        result = import_dumps(archives, config, store)
        assert result.kept > 500 and result.bad_lines > 0
        return _items(store)


def _items(store: Store) -> pd.DataFrame:
    """Stored items without the fetch time (the only thing that differs between two runs)."""
    frame = store.query("SELECT * EXCLUDE (retrieved_at) FROM items ORDER BY source, item_id")
    frame["provenance"] = [
        json.dumps({k: v for k, v in json.loads(p).items() if k != "retrieved_at"}, sort_keys=True)
        for p in frame["provenance"]
    ]
    for column in ("feeds", "flags", "themes"):
        frame[column] = frame[column].map(list)
    return frame


def _assert_same(store: Store, reference: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_items(store), reference)
    assert store.integrity_problems() == []
    expected = theme_daily(reference, utc_day, by_source=True)
    stored = store.query("SELECT * EXCLUDE (computed_at) FROM theme_daily ORDER BY theme, day, source")
    stored["day"] = pd.to_datetime(stored["day"]).dt.date
    assert len(stored) == len(expected) > 10
    pd.testing.assert_frame_equal(stored[expected.columns], expected, check_dtype=False)


def _partition_cursors(store: Store) -> list[str]:
    return [k for k in store.cursors(CURSOR_SOURCE) if "#" in k and not k.endswith("#done")]


def test_two_workers_store_exactly_the_single_process_result(
    client: Any, archives: list[Path], config: Config, reference: pd.DataFrame, tmp_path: Path
) -> None:
    with Store(tmp_path / "b.duckdb") as store:
        result = backfill(archives, config, store, client=client, partition_bytes=PARTITION)
        assert result.ok and result.workers == 2
        assert result.partitions > 10 and result.new_rows == len(reference)
        assert result.bad_lines > 0
        assert len(_partition_cursors(store)) == result.partitions
        _assert_same(store, reference)
        again = backfill(archives, config, store, client=client, partition_bytes=PARTITION)
        assert again.partitions == 0 and again.skipped_files == len(archives)
        _assert_same(store, reference)


class _Interrupt:
    """A progress callback that stops the client (like Ctrl-C) after ``after`` commits."""

    def __init__(self, after: int) -> None:
        self.after = after

    def __call__(self, result: BackfillResult, part: Any) -> None:
        if result.partitions >= self.after:
            raise KeyboardInterrupt


def test_an_interrupted_backfill_resumes_without_redoing_or_duplicating(
    client: Any, archives: list[Path], config: Config, reference: pd.DataFrame, tmp_path: Path
) -> None:
    with Store(tmp_path / "b.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            backfill(
                archives, config, store, client=client, partition_bytes=PARTITION, progress=_Interrupt(4)
            )
        assert len(_partition_cursors(store)) == 4
        assert 0 < store.count("items") < len(reference)
        resumed = backfill(archives, config, store, client=client, partition_bytes=PARTITION)
        assert resumed.ok and resumed.skipped == 4 and resumed.partitions > 4
        assert len(_partition_cursors(store)) == resumed.partitions + 4
        _assert_same(store, reference)


class _FailFirst:
    """The real annotator, except that its first ``times`` calls anywhere in the cluster fail
    (a marker file per failure counts them across worker processes)."""

    def __init__(self, config: Config, marker_dir: Path, times: int) -> None:
        self.config, self.marker_dir, self.times = config, marker_dir, times

    def __call__(self, items: list) -> list:
        for n in range(self.times):
            marker = self.marker_dir / f"failed-{n}"
            try:
                marker.touch(exist_ok=False)
            except FileExistsError:
                continue
            raise RuntimeError(f"injected failure {n}")
        return default_annotator(self.config)(items)


def test_a_failing_partition_is_retried(
    client: Any, archives: list[Path], config: Config, reference: pd.DataFrame, tmp_path: Path
) -> None:
    annotate = _FailFirst(config, tmp_path, times=2)
    with Store(tmp_path / "b.duckdb") as store:
        result = backfill(
            archives, config, store, client=client, partition_bytes=PARTITION, retries=2, annotate=annotate
        )
        assert sorted(p.name for p in tmp_path.glob("failed-*")) == ["failed-0", "failed-1"]
        assert result.ok and not result.failed
        _assert_same(store, reference)


def test_a_partition_that_keeps_failing_is_redone_by_the_next_run(
    client: Any, archives: list[Path], config: Config, reference: pd.DataFrame, tmp_path: Path
) -> None:
    with Store(tmp_path / "b.duckdb") as store:
        broken = backfill(
            archives,
            config,
            store,
            client=client,
            partition_bytes=PARTITION,
            retries=0,
            annotate=_FailFirst(config, tmp_path, times=1),
        )
        assert not broken.ok and len(broken.failed) == 1
        assert "injected failure 0" in broken.errors[0]
        # Nothing after the failed partition is committed (plan order), nothing is lost.
        assert broken.failed[0] not in store.cursors(CURSOR_SOURCE)
        assert len(_partition_cursors(store)) == broken.partitions
        fixed = backfill(archives, config, store, client=client, partition_bytes=PARTITION)
        assert fixed.ok and fixed.skipped == broken.partitions
        _assert_same(store, reference)


class _SlowOn:
    """The real annotator, slowed down for batches holding ``word`` (a straggler partition)."""

    def __init__(self, config: Config, word: str, seconds: float) -> None:
        self.config, self.word, self.seconds = config, word, seconds

    def __call__(self, items: list) -> list:
        import time

        if any(self.word in item.text for item in items):
            time.sleep(self.seconds)
        return default_annotator(self.config)(items)


def test_a_later_file_wins_even_when_it_finishes_first(client: Any, config: Config, tmp_path: Path) -> None:
    """The same ids in two files: the later file's version is stored, as by the single-process
    import, although the earlier file's partition finishes last."""
    older, newer = tmp_path / "older.ndjson", tmp_path / "newer.ndjson"
    for path, text in ((older, "straggler NVDA calls are great"), (newer, "NVDA puts are awful")):
        generate_reddit_archive(path, 300, fmt="plain", texts=[text], seed=5)
    with Store(tmp_path / "ref.duckdb") as store:
        import_dumps([older, newer], config, store)
        reference = _items(store)
    texts = reference["title"] + " " + reference["body"]
    assert len(reference) > 100 and texts.str.contains("awful").all()
    with Store(tmp_path / "b.duckdb") as store:
        result = backfill(
            [older, newer], config, store, client=client, annotate=_SlowOn(config, "straggler", 3.0)
        )
        assert result.ok and result.partitions == 2
        pd.testing.assert_frame_equal(_items(store), reference)


def test_news_archives_csv_and_ndjson_store_the_matching_headlines(
    client: Any, config: Config, shared_data: Path, tmp_path: Path
) -> None:
    """The recorded BBC RSS rows, as CSV and as NDJSON: the headlines that match a theme are
    stored once each, scored, with the same ids and themes as an in-process mapping gives."""
    import csv
    import datetime as dt

    from attention.imports.news_archive import news_item

    source = shared_data / "bbc_business_rss_items_2022-2024" / "bbc_business_rss_items.csv"
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ndjson = tmp_path / "bbc.ndjson"
    ndjson.write_text("".join(json.dumps(row) + "\n" for row in rows))
    now = dt.datetime.now(dt.UTC)
    annotate = default_annotator(config)
    expected = {i.item_id: i.themes for i in annotate([news_item(r, str(source), now) for r in rows])}
    assert 5 < len(expected) < len(rows)
    for path in (source, ndjson):
        with Store(tmp_path / f"{path.suffix}.duckdb") as store:
            result = backfill([path], config, store, client=client, source="news", partition_bytes=64 * 1024)
            assert result.ok and result.lines == len(rows) and result.bad_lines == 0
            stored = store.query("SELECT item_id, themes, compound FROM items")
            assert dict(zip(stored["item_id"], stored["themes"].map(tuple), strict=True)) == expected
            assert stored["compound"].notna().all()
            again = backfill([path], config, store, client=client, source="news")
            assert again.partitions == 0 and store.count("items") == len(expected)
