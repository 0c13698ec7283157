"""Reddit dump import: line parsing, the byte pre-filter, streaming, resume (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
import zstandard

from attention.config import Secrets, validate_config
from attention.errors import FatalError, ItemError
from attention.imports.dump_files import SubredditFilter, iter_dump_chunks, iter_dump_lines, parse_dump_line
from attention.imports.reddit_dump import CURSOR_SOURCE, cursor_key, import_dumps
from attention.sandbox.reddit_dumps import DumpSpec, write_dump
from attention.store import Store
from collectors.reddit.items import AuthorPolicy, author_hash

SUBMISSION = {
    "id": "k1",
    "title": "Small caps are back",
    "selftext": "$IWM",
    "author": "a",
    "subreddit": "stocks",
    "created_utc": "1704067200",
    "score": 5,
    "num_comments": 2,
}
COMMENT = {
    "id": "c9",
    "body": "[removed]",
    "author": "[deleted]",
    "subreddit": "stocks",
    "link_id": "t3_k1",
    "parent_id": "t3_k1",
    "created_utc": 1704067260,
    "score": 1,
}


AUTHORS = AuthorPolicy(salt="test-salt")


@pytest.fixture
def config(default_config_path: Path):
    return validate_config(yaml.safe_load(default_config_path.read_text()))


def test_parse_dump_line_handles_both_kinds_and_old_quirks() -> None:
    post = parse_dump_line(json.dumps(SUBMISSION).encode(), authors=AUTHORS)
    assert post is not None and post.item_id == "t3_k1" and post.kind == "post"
    assert post.created_utc.year == 2024 and post.num_comments == 2  # string created_utc
    comment = parse_dump_line(json.dumps(COMMENT), authors=AUTHORS)  # str works too
    assert comment is not None and comment.item_id == "t1_c9" and not comment.scoreable
    assert "removed" in comment.flags and comment.author is None
    assert parse_dump_line(b"   \n", authors=AUTHORS) is None
    assert parse_dump_line(b'{"kind": "t5", "display_name": "stocks"}', authors=AUTHORS) is None
    with pytest.raises(ItemError):
        parse_dump_line(b'{"id": "x", "title": "cut off', authors=AUTHORS)
    with pytest.raises(ItemError):
        parse_dump_line(json.dumps({"id": "x", "title": "no date"}), authors=AUTHORS)


def test_filter_finds_wanted_subreddits_only_by_field() -> None:
    filt = SubredditFilter(["stocks", "WallStreetBets"])
    lines = [
        {"id": "1", "subreddit": "stocks", "body": "x", "link_id": "t3_a"},
        {"id": "2", "subreddit": "funny", "body": "I like stocks", "link_id": "t3_a"},
        {"id": "3", "subreddit": "wallstreetbets", "body": "y", "link_id": "t3_a"},  # case
        {"id": "4", "subreddit": "stocksandbonds", "body": "z", "link_id": "t3_a"},
    ]
    chunk = b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in lines)
    chunk += b'{"id": "5", "subreddit": "stocks", "body": "spaced json", "link_id": "t3_a"}\n'
    found = [json.loads(line)["id"] for line in filt.candidate_lines(chunk)]
    assert found == ["1", "3", "5"]
    with pytest.raises(FatalError, match="subreddits"):
        SubredditFilter([])


@pytest.mark.parametrize("name", ["dump.ndjson", "dump.zst"])
def test_chunks_cover_every_line_and_resume_from_an_offset(tmp_path: Path, name: str) -> None:
    stats = write_dump(tmp_path / name, DumpSpec(3000, seed=1))
    chunks = list(iter_dump_chunks(tmp_path / name, chunk_bytes=64 * 1024))
    assert len(chunks) > 5 and sum(c.lines for c in chunks) == stats.lines == chunks[-1].end_lines
    assert chunks[-1].end_bytes == stats.bytes_uncompressed
    middle = chunks[len(chunks) // 2]
    rest = list(iter_dump_chunks(tmp_path / name, middle.end_bytes, middle.end_lines))
    assert rest[-1].end_lines == stats.lines
    assert b"".join(c.data for c in rest) == b"".join(c.data for c in chunks[len(chunks) // 2 + 1 :])


def test_last_line_without_newline_and_long_window_zstd(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    plain.write_bytes(json.dumps(SUBMISSION).encode() + b"\n" + json.dumps(COMMENT).encode())
    assert [parse_dump_line(x, authors=AUTHORS).item_id for x in iter_dump_lines(plain)] == ["t3_k1", "t1_c9"]
    # Arctic Shift compresses with --long=31; decoders need a larger window than the default.
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=30)
    packed = tmp_path / "long.zst"
    with zstandard.ZstdCompressor(compression_params=params).stream_writer(
        open(packed, "wb"), closefd=True
    ) as out:
        out.write(plain.read_bytes() + b"\n")
    with pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().stream_reader(open(packed, "rb")).read(100)
    assert len(list(iter_dump_lines(packed))) == 2


def _count(store: Store) -> int:
    return store.count("items")


def test_import_keeps_themed_items_of_configured_subreddits(tmp_path: Path, config) -> None:
    stats = write_dump(tmp_path / "RC.zst", DumpSpec(4000, bad_share=0.01, seed=3))
    with Store(tmp_path / "s.duckdb") as store:
        result = import_dumps([tmp_path / "RC.zst"], config, store, batch_size=200)
        rows = store.query("SELECT container, themes, item_id FROM items")
        cursor = json.loads(store.cursors(CURSOR_SOURCE)[cursor_key(tmp_path / "RC.zst")])
        spans = store.coverage_spans(["reddit"])
    assert result.lines == stats.lines and result.bad_lines == stats.bad > 0
    assert result.in_subreddits == stats.wanted - stats.bad
    assert result.kept == len(rows) == result.new_rows > 0
    wanted = {s.lower() for t in config.themes.values() for s in t.subreddits}
    assert set(rows["container"].str.lower()) <= wanted
    assert all(len(t) > 0 for t in rows["themes"])
    # every themed, undeleted line was kept (the writer only puts theme names in those)
    assert result.kept >= stats.themed_wanted - stats.bad
    seen = cursor.pop("seen")
    assert cursor == {"bytes": stats.bytes_uncompressed, "lines": stats.lines, "done": True}
    # coverage: one span per configured subreddit, from its first to its last item read
    assert set(seen) == set(spans["unit"]) <= wanted
    for _, span in spans.iterrows():
        first, last = seen[span["unit"]]
        assert span["span_start"].timestamp() == int(first) and span["span_end"].timestamp() == int(last) + 1
        assert span["origin"] == "import" and span["unit_kind"] == "subreddit"


def test_import_hashes_authors_with_the_stores_salt_like_the_pipeline(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATTENTION_AUTHOR_SALT", raising=False)
    line = {**SUBMISSION, "author": "SomeUser", "title": "Small caps rally, IWM up"}
    (tmp_path / "RS.ndjson").write_text(json.dumps(line) + "\n")
    with Store(tmp_path / "s.duckdb") as store:
        import_dumps([tmp_path / "RS.ndjson"], config, store)  # no AuthorPolicy given
        author = store.query("SELECT author FROM items")["author"].iloc[0]
    salt = Secrets.from_env().for_store(tmp_path / "s.duckdb").author_salt  # the pipeline's
    assert (tmp_path / "s.duckdb.author-salt").stat().st_mode & 0o777 == 0o600
    assert author == author_hash("SomeUser", salt) != "SomeUser"


def test_interrupted_import_resumes_without_duplicates(tmp_path: Path, config) -> None:
    from attention.imports.reddit_dump import default_annotator

    write_dump(tmp_path / "RS.ndjson", DumpSpec(6000, seed=4))
    with Store(tmp_path / "full.duckdb") as store:
        full = import_dumps([tmp_path / "RS.ndjson"], config, store, batch_size=100)
        expected = set(store.query("SELECT item_id FROM items")["item_id"])
    real = default_annotator(config)
    calls = {"n": 0}

    def crashing(items):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the user pressed Ctrl-C mid-import
        return real(items)

    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            import_dumps(
                [tmp_path / "RS.ndjson"],
                config,
                store,
                annotate=crashing,
                batch_size=100,
                chunk_bytes=1 << 16,
            )
        partial = _count(store)
        position = json.loads(store.cursors(CURSOR_SOURCE)[cursor_key(tmp_path / "RS.ndjson")])
        assert 0 < partial < len(expected) and not position["done"]
        resumed = import_dumps([tmp_path / "RS.ndjson"], config, store, batch_size=100)
        assert resumed.lines == full.lines - position["lines"]
        assert set(store.query("SELECT item_id FROM items")["item_id"]) == expected
        assert store.integrity_problems() == []
        again = import_dumps([tmp_path / "RS.ndjson"], config, store)
        assert again.already_done and again.lines == 0 and _count(store) == len(expected)


def test_bad_inputs_fail_clearly(tmp_path: Path, config) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(FatalError, match="not found"):
            import_dumps([tmp_path / "missing.zst"], config, store)
        csv = tmp_path / "posts.csv"
        csv.write_text("title,score\nhello,1\n")
        with pytest.raises(FatalError, match="not a Reddit dump"):
            import_dumps([csv], config, store)
        broken = tmp_path / "broken.zst"
        write_dump(tmp_path / "ok.zst", DumpSpec(2000, seed=5))
        broken.write_bytes((tmp_path / "ok.zst").read_bytes()[:-5000])
        with pytest.raises(FatalError, match="truncated"):
            import_dumps([broken], config, store, batch_size=50)
        assert store.integrity_problems() == []


def test_import_matches_each_candidate_once(tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default annotator filters on themes, then scores with those themes kept (the
    matcher used to run again inside annotate_items for every kept item)."""
    from attention.themes import ThemeMatcher

    calls: list[str] = []
    original = ThemeMatcher.weights  # the annotator keeps each theme's weight

    def counting(self, text):  # noqa: ANN001, ANN202 - the wrapped method
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(ThemeMatcher, "weights", counting)
    write_dump(tmp_path / "RC.zst", DumpSpec(3000, seed=5))
    with Store(tmp_path / "s.duckdb") as store:
        result = import_dumps([tmp_path / "RC.zst"], config, store, batch_size=200)
        rows = store.query("SELECT themes, theme_weights, compound, lexicon_version, scoreable FROM items")
    assert result.kept > 0 and len(calls) == result.in_subreddits
    assert all(len(t) > 0 for t in rows["themes"])
    assert all(len(w) == len(t) for t, w in zip(rows["themes"], rows["theme_weights"], strict=True))
    scored = rows[rows["scoreable"]]
    assert scored["compound"].notna().all() and scored["lexicon_version"].notna().all()


def test_annotate_items_can_keep_the_callers_themes(config) -> None:
    import dataclasses

    from attention.scoring import annotate_items

    item = parse_dump_line(json.dumps(SUBMISSION).encode(), authors=AUTHORS)
    assert item is not None
    preset = dataclasses.replace(item, themes=("magnificent_seven",))  # not what it matches
    [kept] = annotate_items([preset], config, match_themes=False)
    [matched] = annotate_items([preset], config)
    assert kept.themes == ("magnificent_seven",) and kept.compound is not None
    assert matched.themes == ("small_caps",) and matched.compound == kept.compound
