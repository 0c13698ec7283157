"""Data lost under partial writes and unfit values (issue 21, the six data-loss items).

Each test reproduces a failure found by trying what the suite did not: the demo deleting a
store it did not make, a Trends response cached apart from its points, one unfit value
stopping an import for good, decimal commas read silently wrong, an empty author-salt file
after a full disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import resource
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from attention import demo
from attention.backfill.client import commit_partition, plan
from attention.backfill.worker import BackfillJob, run_partition
from attention.config import Config, ConfigError, Secrets, load_config
from attention.daily.collect import run_pipeline
from attention.errors import AttentionError, InputFileError, StoreError
from attention.imports.flows_csv import read_flows_csv
from attention.imports.reddit_dump import import_dumps
from attention.sandbox.services import Sandbox
from attention.store import Store
from collectors.core.records import TextItem
from collectors.reddit.items import AuthorPolicy
from tests.reliability.conftest import RUN_DATE, Recorder, make_config, secrets_for

REPO = Path(__file__).resolve().parents[2]
CATEGORY = "data loss under partial writes"
THEMED = "AI stocks: Nvidia earnings beat"


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml")


def _keep_all(items: list[TextItem]) -> list[TextItem]:
    return [dataclasses.replace(item, themes=("ai_stocks",)) for item in items]


# -- 1. the demo and stores it did not make --------------------------------------------------------
@pytest.fixture
def no_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's folder handling only: collecting the simulated world is not needed here."""
    monkeypatch.setattr(demo, "_collect", lambda result, say, lap, history: None)


def _a_real_store(path: Path) -> int:
    with Store(path) as store:
        store.write([_headline(n) for n in range(25)])
        return store.count("items")


def test_demo_never_deletes_a_store_it_did_not_make(
    tmp_path: Path, no_collection: None, recorder: Recorder
) -> None:
    """`attention demo --out DIR` once deleted DIR/attention.duckdb whenever it existed: pointed
    at a real store it wiped 10,881 items and refilled them with simulated data (exit 0)."""
    rows = _a_real_store(tmp_path / "attention.duckdb")
    with pytest.raises(AttentionError, match="not made by `attention demo`"):
        demo.run_demo(tmp_path, days=demo.MIN_DAYS)
    with Store(tmp_path / "attention.duckdb", read_only=True) as store:
        assert store.count("items") == rows == 25
    recorder.record(CATEGORY, "`attention demo --out` a folder holding a real store")


def test_demo_never_deletes_a_store_in_use(tmp_path: Path, no_collection: None, recorder: Recorder) -> None:
    """Run while an import was writing a demo folder's store, the demo unlinked the file and
    the import's 73,369 rows vanished. A store in use is refused, even in a demo's folder."""
    out = tmp_path / "demo"
    demo.run_demo(out, days=demo.MIN_DAYS)  # a demo folder, with its marker
    with Store(out / "attention.duckdb") as busy:
        busy.write([_headline(n) for n in range(10)])
        with pytest.raises(StoreError, match="in use"):
            demo.run_demo(out, days=demo.MIN_DAYS)
        assert (out / "attention.duckdb").exists()
        assert busy.count("items") == 10
    demo.run_demo(out, days=demo.MIN_DAYS)  # once free, a demo may replace its own store
    assert not (out / "attention.duckdb").exists()
    recorder.record(CATEGORY, "`attention demo` over its own store while another process writes it")


# -- 2. a Trends response and its points -----------------------------------------------------------
def _trends_config(raw: dict[str, Any], sandbox: Sandbox, path: Path) -> Config:
    # No fault is injected here: a patient client keeps a loaded machine from adding timeouts.
    return make_config(raw, sandbox, path, **{"sources.google_trends.timeout": 30})


class Killed(BaseException):
    """Stands for SIGKILL between two write transactions (nothing after it runs)."""


def test_trends_cache_never_outlives_lost_points(
    raw_small: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: Recorder,
) -> None:
    """A kill between two write batches of one Google Trends response lost its tail for good:
    the request row (the cache, with the raw body) committed with the first batch, and the next
    run took the payload from the store and never wrote the missing points."""
    clean_path, cut_path = tmp_path / "clean.duckdb", tmp_path / "cut.duckdb"
    clean_run = run_pipeline(
        _trends_config(raw_small, sandbox, clean_path), RUN_DATE, ["google_trends"], secrets_for("feeds")
    )
    assert clean_run.exit_code == 0, clean_run.summary()
    with Store(clean_path, read_only=True) as clean:
        expected = clean.count("search_interest")
    assert expected > 40

    import attention.daily.collect as collect

    monkeypatch.setattr(collect, "BATCH_SIZE", 7)  # a response's points span many batches
    real_write, writes = Store.write, []

    def write_then_die(self: Store, records: Any) -> dict[str, int]:
        writes.append(1)
        if len(writes) == 2:
            raise Killed
        return real_write(self, records)

    monkeypatch.setattr(Store, "write", write_then_die)
    with pytest.raises(Killed):
        run_pipeline(
            _trends_config(raw_small, sandbox, cut_path), RUN_DATE, ["google_trends"], secrets_for("feeds")
        )
    monkeypatch.undo()
    run_pipeline(
        _trends_config(raw_small, sandbox, cut_path), RUN_DATE, ["google_trends"], secrets_for("feeds")
    )
    with Store(cut_path, read_only=True) as store:
        got = store.count("search_interest")
        assert store.integrity_problems() == []
    recorder.record(
        CATEGORY,
        "kill between two write batches of one Google Trends response, then a rerun",
        lost_rows=max(expected - got, 0),
        detail=f"{got} of {expected} points after the rerun",
    )
    assert got == expected


# -- 3. one unfit value ----------------------------------------------------------------------------
def _dump_line(n: int, **extra: Any) -> str:
    line = {
        "id": f"p{n}",
        "title": f"{THEMED} #{n}",
        "selftext": "",
        "subreddit": "stocks",
        "created_utc": 1_700_000_000 + n,
        "score": 3,
        "author": f"user{n}",
    }
    return json.dumps({**line, **extra})


def test_dump_import_skips_a_score_that_does_not_fit(
    config: Config, tmp_path: Path, recorder: Recorder
) -> None:
    """One dump line with a score of 1e30 stopped `import reddit-dump` with a traceback, and
    every rerun stopped at the same batch: the rest of the file was never imported."""
    dump = tmp_path / "RS.ndjson"
    lines = [_dump_line(n) for n in range(30)]
    lines[12] = _dump_line(12, score=1e30)
    lines[20] = _dump_line(20, num_comments=-(10**40))
    dump.write_text("\n".join(lines) + "\n")
    authors = AuthorPolicy(salt="s", store_names=False)
    with Store(tmp_path / "s.duckdb") as store:
        result = import_dumps([dump], config, store, annotate=_keep_all, authors=authors, batch_size=4)
        assert result.bad_lines == 2 and store.count("items") == 28
    recorder.record(
        CATEGORY, "a dump line whose score does not fit the column (1e30)", detail="skipped, counted"
    )


def _partition_rows(paths: list[Path], config: Config, source: str) -> Iterator[Any]:
    job = BackfillJob(
        source, config, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), AuthorPolicy("s", False), annotate=_keep_all
    )
    for part, payload in plan(paths, source, set(), 1 << 20):
        yield run_partition(part, job, payload)


def test_backfill_skips_unfit_values(config: Config, tmp_path: Path, recorder: Recorder) -> None:
    """The same in `backfill reddit-dump`: the partition's commit failed on the cast."""
    dump = tmp_path / "RC.ndjson"
    dump.write_text("\n".join([_dump_line(1), _dump_line(2, score=1e30), _dump_line(3)]) + "\n")
    with Store(tmp_path / "s.duckdb") as store:
        parts = list(_partition_rows([dump], config, "reddit"))
        for part in parts:
            commit_partition(store, part)
        assert sum(p.bad_lines for p in parts) == 1 and store.count("items") == 2
    recorder.record(CATEGORY, "`backfill reddit-dump` with a score of 1e30", detail="skipped, counted")


# -- 4. a lone surrogate ---------------------------------------------------------------------------
def test_news_archive_with_a_lone_surrogate(config: Config, tmp_path: Path, recorder: Recorder) -> None:
    """One headline with a lone surrogate (valid JSON) failed `backfill news-archive` with a
    UnicodeEncodeError, 0 rows, and a clean file given in the same command was lost too."""
    bad, good = tmp_path / "bad.ndjson", tmp_path / "good.ndjson"
    when = "2024-01-02T00:00:00Z"
    rows = [{"title": f"{THEMED} {n}", "published": when, "link": f"http://x.test/{n}"} for n in range(4)]
    rows[1]["title"] = "AI stocks \ud800 surge"
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n")  # json escapes it: valid JSON
    good.write_text(
        "\n".join(json.dumps({**r, "link": f"http://y.test/{n}"}) for n, r in enumerate(rows) if n != 1)
        + "\n"
    )
    with Store(tmp_path / "s.duckdb") as store:
        parts = list(_partition_rows([bad, good], config, "news"))
        for part in parts:
            commit_partition(store, part)
        assert sum(p.bad_lines for p in parts) == 1 and store.count("items") == 6
    recorder.record(CATEGORY, "`backfill news-archive`: a lone surrogate in one file, a clean file beside it")


# -- 5. decimal commas -----------------------------------------------------------------------------
def _flows(tmp_path: Path, *values: str) -> Path:
    path = tmp_path / "flows.csv"
    rows = [f'2024-01-{n + 2:02d},IWM,"{v}"' for n, v in enumerate(values)]
    path.write_text("date,ticker,flow_usd\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("1.000,50", "1,5", "-2,25"), [1000.5, 1.5, -2.25]),
        (("1,000.50", "1.5", "-2.25"), [1000.5, 1.5, -2.25]),
        (("1,500", "2,000,000.5"), [1500.0, 2000000.5]),  # the other number settles "1,500"
        (("1.500", "7,25"), [1500.0, 7.25]),
        (("-35", "12"), [-35.0, 12.0]),
    ],
)
def test_flows_csv_reads_either_decimal_convention(
    tmp_path: Path, values: tuple[str, ...], expected: list[float], recorder: Recorder
) -> None:
    """`import flows-csv` read "1.000,50" as 1.0005, "1,5" as 15 and "-2,25" as -225."""
    assert [r.flow_usd for r in read_flows_csv(_flows(tmp_path, *values))] == expected
    recorder.record(CATEGORY, "flows-csv numbers in both decimal conventions", detail=" ".join(values))


def test_flows_csv_ambiguous_number_is_an_error_unless_told(tmp_path: Path) -> None:
    path = _flows(tmp_path, "1,500")
    with pytest.raises(InputFileError, match=r"line 2: '1,500' can be read .* --decimal"):
        read_flows_csv(path)
    assert [r.flow_usd for r in read_flows_csv(path, "comma")] == [1.5]
    assert [r.flow_usd for r in read_flows_csv(path, "point")] == [1500.0]
    with pytest.raises(InputFileError, match="line 2 uses a decimal point and line 3 a decimal comma"):
        read_flows_csv(_flows(tmp_path, "1.5", "2,5"))


# -- 6. the author salt ----------------------------------------------------------------------------
def test_author_salt_survives_a_full_disk(tmp_path: Path, recorder: Recorder) -> None:
    """A disk-full error on first use left an empty author-salt file beside the store; after
    space was freed every import failed with "no author salt". The file limit (RLIMIT_FSIZE 0)
    makes every write fail as a full disk does."""
    store = tmp_path / "s.duckdb"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        with pytest.raises((ConfigError, OSError)):
            Secrets().for_store(store)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    salted = Secrets().for_store(store)  # space is back
    assert salted.author_salt and len(salted.author_salt) == 64
    AuthorPolicy.from_settings(salted, store_names=False)
    assert Secrets().for_store(store).author_salt == salted.author_salt  # kept, not remade
    recorder.record(CATEGORY, "disk full while the author salt is first written")


def test_an_empty_salt_file_left_by_old_versions_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "s.duckdb.author-salt").write_text("")
    assert len(Secrets().for_store(tmp_path / "s.duckdb").author_salt or "") == 64


def _headline(n: int) -> TextItem:
    from collectors.core.records import Provenance

    return TextItem(
        source="news",
        item_id=f"h{n}",
        kind="headline",
        created_utc=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
        title=f"{THEMED} {n}",
        body="",
        url=None,
        provenance=Provenance("test://", "1", dt.datetime(2024, 1, 2, tzinfo=dt.UTC)),
    )
