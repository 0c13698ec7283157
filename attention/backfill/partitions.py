"""Splitting large text archives into partitions that workers can read on their own.

A partition owns the lines that *start* inside its range; it reads past its end only to finish
its last line, and skips a first line that began before its start (the rule Hadoop uses for
text splits). So boundaries can be placed anywhere: no line is lost or read twice, and the plan
needs no scan of the data, only of the file size (or of zstd frame headers).

Three kinds, chosen per file (see docs/cluster.md for why):

* ``bytes``: a plain NDJSON file, split into byte ranges. Each worker seeks to its range.
* ``frames``: a ``.zst`` file with several frames (pzstd, ``zstd --block-size``, our generator).
  Frames are independent, so a worker seeks to a frame and decompresses from there; a partition
  is a run of consecutive frames. Frame boundaries are found by walking frame and block headers
  (a few bytes each), without decompressing anything.
* ``stream``: a single-frame ``.zst`` (a typical Pushshift dump): it cannot be entered in the
  middle, so the client decompresses it once and ships line-aligned chunks to the workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from attention.errors import FatalError
from attention.imports.dump_files import file_identity
from attention.imports.news_archive import news_csv_rows

ZSTD_MAGIC = 0xFD2FB528
SKIPPABLE_MASK, SKIPPABLE_MAGIC = 0xFFFFFFF0, 0x184D2A50
READ_BYTES = 4 * 1024 * 1024
TAIL_BYTES = 64 * 1024
DEFAULT_PARTITION_BYTES = 64 * 1024 * 1024  # of decompressed text
# Text per compressed byte assumed for a frame whose header does not state its size.
RATIO_GUESS = 4
ZSTD_MAX_WINDOW = 2**31  # dumps are compressed with --long=31


class ArchiveFormatError(FatalError):
    """The archive cannot be split or read (truncated zstd frame, unknown format)."""


@dataclass(frozen=True)
class Partition:
    """One unit of work. ``start``/``end`` are byte offsets in the file for ``bytes`` and
    ``frames`` (frame starts), offsets in the decompressed text for ``stream``."""

    path: str
    file_key: str
    kind: str  # "bytes" | "frames" | "stream"
    index: int
    start: int
    end: int
    prev_frame: int = -1  # frames: start of the frame before ``start`` (-1: none)

    @property
    def key(self) -> str:
        """The cursor key: stable for the same file, size and partition size."""
        return f"{self.file_key}#{self.kind}:{self.start}-{self.end}"

    @property
    def size(self) -> int:
        return self.end - self.start


def file_key(path: str | Path) -> str:
    """A file's identity for resuming: path, size and a hash of its first and last blocks."""
    return file_identity(path)


# -- zstd frames --------------------------------------------------------------------------------
def frame_end(handle: BinaryIO, offset: int) -> int:
    """The offset just after the zstd (or skippable) frame starting at ``offset``."""
    handle.seek(offset)
    head = handle.read(4)
    if len(head) < 4:
        raise ArchiveFormatError(f"truncated zstd frame at byte {offset}")
    magic = int.from_bytes(head, "little")
    if magic & SKIPPABLE_MASK == SKIPPABLE_MAGIC:
        size = int.from_bytes(handle.read(4), "little")
        return offset + 8 + size
    if magic != ZSTD_MAGIC:
        raise ArchiveFormatError(f"no zstd frame at byte {offset} (magic {head.hex()})")
    descriptor = handle.read(1)[0]
    fcs_flag, single_segment = descriptor >> 6, (descriptor >> 5) & 1
    checksum, dict_flag = (descriptor >> 2) & 1, descriptor & 3
    fcs_size = (1 if single_segment else 0, 2, 4, 8)[fcs_flag]
    pos = offset + 5 + (0 if single_segment else 1) + (0, 1, 2, 4)[dict_flag] + fcs_size
    while True:
        handle.seek(pos)
        header = handle.read(3)
        if len(header) < 3:
            raise ArchiveFormatError(f"truncated zstd block at byte {pos}; the file is incomplete")
        value = int.from_bytes(header, "little")
        last, block_type, size = value & 1, (value >> 1) & 3, value >> 3
        if block_type == 3:
            raise ArchiveFormatError(f"corrupt zstd block header at byte {pos}")
        pos += 3 + (1 if block_type == 1 else size)  # an RLE block stores one byte
        if last:
            return pos + (4 if checksum else 0)


def frame_starts(path: str | Path) -> list[int]:
    """Start offsets of every frame of a ``.zst`` file (reads headers only)."""
    size = os.path.getsize(path)
    starts, pos = [], 0
    with open(path, "rb") as handle:
        while pos < size:
            starts.append(pos)
            pos = frame_end(handle, pos)
    if pos != size:
        raise ArchiveFormatError(
            f"{path}: the last zstd frame is cut short; the file is incomplete (re-download it)"
        )
    return starts


def is_zstd(path: str | Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4)
    magic = int.from_bytes(head, "little") if len(head) == 4 else 0
    return magic == ZSTD_MAGIC or magic & SKIPPABLE_MASK == SKIPPABLE_MAGIC


def _text_size(handle: BinaryIO, offset: int, following: int) -> int:
    """A frame's decompressed size from its header, else a guess from its compressed size."""
    import zstandard

    handle.seek(offset)
    header = handle.read(18)  # the longest zstd frame header
    try:
        stated = zstandard.frame_content_size(header)
    except zstandard.ZstdError:  # a skippable frame
        return 0
    return stated if stated >= 0 else (following - offset) * RATIO_GUESS


# -- planning -----------------------------------------------------------------------------------
def plan_file(path: str | Path, partition_bytes: int = DEFAULT_PARTITION_BYTES) -> list[Partition]:
    """Partitions of one file. ``stream`` files get partitions as the client reads them, so
    this returns one placeholder partition (index -1) for them."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FatalError(f"{path}: cannot be read ({exc.strerror}); check the path") from None
    key, name = file_key(path), str(path.resolve())
    if size == 0:
        return []
    if not is_zstd(path):
        bounds = list(range(0, size, partition_bytes)) + [size]
        return [
            Partition(name, key, "bytes", i, a, b)
            for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
        ]
    starts = frame_starts(path)
    if len(starts) == 1:
        return [Partition(name, key, "stream", -1, 0, 0)]
    groups: list[list[int]] = [[]]
    text = 0
    with open(path, "rb") as handle:
        for offset, following in zip(starts, [*starts[1:], size], strict=True):
            if groups[-1] and text >= partition_bytes:  # about partition_bytes of text each
                groups.append([])
                text = 0
            groups[-1].append(offset)
            text += _text_size(handle, offset, following)
    parts, seen = [], 0
    for i, group in enumerate(groups):
        end = groups[i + 1][0] if i + 1 < len(groups) else size
        prev = starts[seen - 1] if seen else -1
        parts.append(Partition(name, key, "frames", i, group[0], end, prev))
        seen += len(group)
    return parts


# -- reading ------------------------------------------------------------------------------------
def _byte_blocks(part: Partition) -> tuple[bool, Iterator[tuple[bytes, bool]]]:
    handle = open(part.path, "rb")  # noqa: SIM115 - closed by the generator
    at_line_start = True
    if part.start > 0:
        handle.seek(part.start - 1)
        at_line_start = handle.read(1) == b"\n"

    def blocks() -> Iterator[tuple[bytes, bool]]:
        with handle:
            left = part.end - part.start
            while left > 0:
                data = handle.read(min(left, READ_BYTES))
                if not data:
                    return
                left -= len(data)
                yield data, True
            # Past the end only the rest of the last line is needed: read a little at a time.
            while data := handle.read(TAIL_BYTES):
                yield data, False

    return at_line_start, blocks()


def _frame_blocks(part: Partition) -> tuple[bool, Iterator[tuple[bytes, bool]]]:
    import zstandard

    dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    size = os.path.getsize(part.path)
    handle = open(part.path, "rb")  # noqa: SIM115 - closed by the generator

    def frame(offset: int) -> Iterator[bytes]:
        """The decompressed content of the one frame at ``offset``, block by block."""
        end = frame_end(handle, offset)
        handle.seek(offset)
        if int.from_bytes(handle.read(4), "little") & SKIPPABLE_MASK == SKIPPABLE_MAGIC:
            return
        decoder, pos = dctx.decompressobj(), offset
        while pos < end:
            handle.seek(pos)
            data = handle.read(min(end - pos, 1 << 20))
            if not data:
                raise ArchiveFormatError(f"{part.path}: truncated at byte {pos}")
            pos += len(data)
            try:
                out = decoder.decompress(data)
            except zstandard.ZstdError as exc:
                raise ArchiveFormatError(
                    f"{part.path}: corrupt zstd frame at byte {offset} ({exc})"
                ) from None
            if out:
                yield out

    at_line_start = True
    if part.prev_frame >= 0:  # whether the previous frame ended a line decides our first line
        last = b""
        for block in frame(part.prev_frame):
            last = block[-1:] or last
        at_line_start = last == b"\n"

    def blocks() -> Iterator[tuple[bytes, bool]]:
        with handle:
            offset = part.start
            while offset < size:
                following = frame_end(handle, offset)
                for block in frame(offset):
                    yield block, offset < part.end
                offset = following

    return at_line_start, blocks()


def partition_chunks(part: Partition) -> Iterator[bytes]:
    """Chunks of whole lines (each ending in a newline) owned by ``part``; ``bytes`` and
    ``frames`` partitions only. Memory: about one read block plus the longest line."""
    if part.kind == "bytes":
        at_line_start, blocks = _byte_blocks(part)
    elif part.kind == "frames":
        at_line_start, blocks = _frame_blocks(part)
    else:
        raise ValueError(f"a {part.kind!r} partition is read by the client, not by a worker")
    return owned_lines(blocks, at_line_start)


def owned_lines(blocks: Iterator[tuple[bytes, bool]], at_line_start: bool) -> Iterator[bytes]:
    """Line-aligned chunks of the lines that start in the owned blocks (``owned`` True)."""
    skipping, carry = not at_line_start, b""
    for data, owned in blocks:
        if not owned:  # past our range: only finish a line we started
            if skipping or not carry:
                return
            newline = data.find(b"\n")
            if newline < 0:
                carry += data
                continue
            yield carry + data[: newline + 1]
            return
        if skipping:  # the first line began before our start: it belongs to the partition before
            newline = data.find(b"\n")
            if newline < 0:
                continue
            data, skipping = data[newline + 1 :], False
        data = carry + data if carry else data
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:  # the file's last line has no trailing newline
        yield carry + b"\n"


def stream_partitions(
    path: str | Path, chunks: Iterator[bytes], partition_bytes: int = DEFAULT_PARTITION_BYTES
) -> Iterator[tuple[Partition, bytes]]:
    """Cut a stream of line-aligned chunks (the decompressed text of a single-frame file, read
    by the client) into partitions. Partition ``i`` ends at the first line end at least
    ``partition_bytes`` after its start, so the cut depends on the data only, not on read
    sizes, and a re-run produces the same keys."""
    key, name = file_key(path), str(Path(path).resolve())
    buffer, start, index = bytearray(), 0, 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= partition_bytes:
            newline = buffer.find(b"\n", partition_bytes - 1)
            if newline < 0:  # cannot happen for line-aligned chunks; wait for more data
                break
            cut = newline + 1
            yield Partition(name, key, "stream", index, start, start + cut), bytes(buffer[:cut])
            del buffer[:cut]
            start, index = start + cut, index + 1
    if buffer:
        if not buffer.endswith(b"\n"):
            buffer += b"\n"
        yield Partition(name, key, "stream", index, start, start + len(buffer)), bytes(buffer)


def csv_partitions(
    path: str | Path, rows_per_partition: int = 50_000, columns: Mapping[str, str] | None = None
) -> Iterator[tuple[Partition, list[dict[str, str]]]]:
    """A CSV news archive read by the client (a quoted field may hold newlines, so it cannot be
    cut at arbitrary bytes) in partitions of ``rows_per_partition`` rows."""
    key, name = file_key(path), str(Path(path).resolve())
    batch: list[dict[str, str]] = []
    index = start = 0
    for row in news_csv_rows(path, columns):
        batch.append(row)
        if len(batch) >= rows_per_partition:
            yield Partition(name, key, "stream", index, start, start + len(batch)), batch
            start, index, batch = start + len(batch), index + 1, []
    if batch:
        yield Partition(name, key, "stream", index, start, start + len(batch)), batch
