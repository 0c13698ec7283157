"""Partitioning of archives: every line is read by exactly one partition, in order, whatever the
partition size, the file format (plain, multi-frame zstd with frames cut anywhere, single frame)
and the line lengths."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention.backfill.client import plan
from attention.backfill.partitions import (
    ArchiveFormatError,
    frame_starts,
    partition_chunks,
    plan_file,
    stream_partitions,
)
from attention.imports.dump_files import iter_dump_chunks
from attention.sandbox.dump_archive import generate_reddit_archive


def _read_all(path: Path, partition_bytes: int) -> tuple[bytes, int]:
    """Everything the planned partitions hold, read as the backfill reads them."""
    out, count = [], 0
    for part, payload in plan([path], "reddit", set(), partition_bytes):
        out.extend([payload] if payload is not None else partition_chunks(part))
        count += 1
    return b"".join(out), count


def _frames(data: bytes, cuts: list[int]) -> bytes:
    """``data`` compressed as one frame per slice between ``cuts`` (cuts fall mid-line)."""
    cctx = zstandard.ZstdCompressor()
    bounds = [0, *sorted(set(cuts)), len(data)]
    return b"".join(cctx.compress(data[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a)


@pytest.fixture(scope="module")
def text() -> bytes:
    rng = random.Random(3)
    lines = [b'{"n": %d, "pad": "%s"}' % (i, b"x" * rng.randrange(0, 3000)) for i in range(400)]
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("size", [13, 97, 4096, 100_000, 10**9])
def test_byte_ranges_read_every_line_once(tmp_path: Path, text: bytes, size: int) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(text)
    got, count = _read_all(path, size)
    assert got == text
    assert count == -(-len(text) // size)


@pytest.mark.parametrize("size", [1, 5000, 60_000, 10**9])
def test_frames_cut_mid_line_read_every_line_once(tmp_path: Path, text: bytes, size: int) -> None:
    rng = random.Random(size)
    path = tmp_path / "a.zst"
    path.write_bytes(_frames(text, [rng.randrange(len(text)) for _ in range(40)]))
    parts = plan_file(path, size)
    assert {p.kind for p in parts} == {"frames"}
    assert _read_all(path, size)[0] == text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lengths=st.lists(st.integers(0, 300), min_size=1, max_size=60),
    cuts=st.lists(st.integers(0, 20_000), max_size=12),
    size=st.integers(1, 5000),
    trailing_newline=st.booleans(),
)
def test_any_lines_any_cuts(
    tmp_path: Path, lengths: list[int], cuts: list[int], size: int, trailing_newline: bool
) -> None:
    text = b"\n".join(b"y" * n for n in lengths) + (b"\n" if trailing_newline else b"")
    if not text.strip(b"\n"):
        return
    expected = text if text.endswith(b"\n") else text + b"\n"
    plain, packed = tmp_path / "p.ndjson", tmp_path / "p.zst"
    plain.write_bytes(text)
    packed.write_bytes(_frames(text, [c % len(text) for c in cuts] + [len(text) // 2]))
    assert _read_all(plain, size)[0] == expected
    assert _read_all(packed, size)[0] == expected


def test_single_frame_files_are_streamed_by_the_client_deterministically(tmp_path: Path) -> None:
    info = generate_reddit_archive(tmp_path / "s.zst", 3000, fmt="single", texts=["hello NVDA"])
    parts = plan_file(info.path, 10_000)
    assert [p.kind for p in parts] == ["stream"]
    with pytest.raises(ValueError, match="read by the client"):
        list(partition_chunks(parts[0]))
    first = list(stream_partitions(info.path, (c.data for c in iter_dump_chunks(info.path)), 50_000))
    # Other read sizes give the same partitions: cuts depend on the data only.
    again = list(
        stream_partitions(info.path, (c.data for c in iter_dump_chunks(info.path, chunk_bytes=7_777)), 50_000)
    )
    assert [p.key for p, _ in first] == [p.key for p, _ in again]
    assert all(d.endswith(b"\n") for _, d in first)
    assert sum(d.count(b"\n") for _, d in first) == info.lines
    assert [p.start for p, _ in first[1:]] == [p.end for p, _ in first[:-1]]


def test_generated_formats_hold_the_same_text(tmp_path: Path) -> None:
    texts = ["NVDA to the moon", "small caps rally", "lunch"]
    infos = {
        fmt: generate_reddit_archive(tmp_path / fmt, 2000, fmt=fmt, texts=texts, frame_lines=300)
        for fmt in ("plain", "frames", "single")
    }
    plain = (tmp_path / "plain").read_bytes()
    assert plain.count(b"\n") == infos["plain"].lines == 2000 + 50
    assert len(frame_starts(infos["frames"].path)) == -(-infos["frames"].lines // 300)
    assert _read_all(infos["frames"].path, 1)[0] == plain
    single = b"".join(c.data for c in iter_dump_chunks(infos["single"].path))
    assert single == plain


def test_truncated_zstd_file_is_a_clear_error(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "cut.zst"
    path.write_bytes(_frames(text, [1000, 5000])[:-7])
    with pytest.raises(ArchiveFormatError, match="incomplete"):
        plan_file(path, 1000)


def test_plan_skips_finished_partitions_and_files(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(text)
    parts = [p for p, _ in plan([path], "reddit", set(), 100_000)]
    skipped: list[str] = []
    rest = [
        p for p, _ in plan([path], "reddit", {parts[0].key, parts[2].key}, 100_000, on_skip=skipped.append)
    ]
    assert rest == [parts[1], *parts[3:]]
    assert skipped == [parts[0].key, parts[2].key]
    file_done = f"{parts[0].file_key}#done"
    assert list(plan([path], "reddit", {file_done}, 100_000, on_skip=skipped.append)) == []
    assert skipped[-1] == file_done


def test_a_changed_file_gets_new_keys(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(text)
    before = {p.key for p in plan_file(path, 100_000)}
    path.write_bytes(text + b'{"n": -1}\n')
    assert before.isdisjoint(p.key for p in plan_file(path, 100_000))
