"""Reading Reddit dump files (Pushshift / Arctic Shift style NDJSON, plain or ``.zst``).

A dump can be many GB: it is read as a stream of decompressed chunks, never loaded whole, and
memory stays bounded by the chunk size. A dump line is only JSON-decoded when its raw bytes
contain ``"subreddit":"<one of ours>"``: the search runs over the whole decompressed chunk (one
C-level regex scan) instead of line by line, so lines from other subreddits cost nothing in Python.

Used by the single-process import (:mod:`attention.imports.reddit_dump`) and the parallel
backfill (:mod:`attention.backfill.worker`): :func:`parse_dump_line` (pure, one line -> item),
:func:`iter_dump_chunks` (the streaming reader) and :class:`SubredditFilter`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from attention.errors import FatalError, ItemError
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy, item_from_json

try:  # orjson parses Reddit lines ~4x faster than json; optional
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads
    _DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError)

DUMP_VERSION = "reddit-dump/1"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK_BYTES = 4 * 1024 * 1024
# Dumps are compressed with --long=31: the decoder needs a 2 GiB window or it refuses them.
ZSTD_MAX_WINDOW = 2**31
_DEFAULT_PROVENANCE = Provenance("dump", DUMP_VERSION, dt.datetime(1970, 1, 1, tzinfo=dt.UTC))


class DumpFormatError(FatalError):
    """The file is not a readable dump (wrong compression, truncated, not NDJSON)."""


FINGERPRINT_BYTES = 1 << 16


def file_identity(path: str | Path) -> str:
    """A file's identity for resuming an import: its absolute path, its size, and a hash of its
    first and last 64 KiB. A different file at the same path with the same size (a re-download
    of another month, an edited copy) starts over instead of being "already imported"."""
    path = Path(path).resolve()
    size = path.stat().st_size
    digest = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as handle:
        digest.update(handle.read(FINGERPRINT_BYTES))
        handle.seek(max(size - FINGERPRINT_BYTES, 0))
        digest.update(handle.read(FINGERPRINT_BYTES))
    return f"{path}:{size}:{digest.hexdigest()}"


# -- parsing ------------------------------------------------------------------------------------
def parse_dump_line(
    line: bytes | str, *, authors: AuthorPolicy, provenance: Provenance | None = None
) -> TextItem | None:
    """One dump line -> a TextItem, or None for a blank line or a record that is neither a
    submission nor a comment. Raises :class:`ItemError` for a malformed line.

    Submissions carry ``title``; comments carry ``body`` and ``link_id``. Old Pushshift lines
    lack ``name`` and ``permalink`` and sometimes store ``created_utc`` as a string.
    """
    if isinstance(line, str):
        line = line.encode("utf-8")
    line = line.strip()
    if not line:
        return None
    try:
        data = _loads(line)
    except _DECODE_ERRORS as exc:
        raise ItemError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ItemError("a dump line must be a JSON object")
    if "title" in data:
        kind = "post"
    elif "body" in data and "link_id" in data:
        kind = "comment"
    else:
        return None
    try:
        return item_from_json(data, kind, provenance or _DEFAULT_PROVENANCE, authors)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise ItemError(f"{kind} without a usable {exc}") from None


class SubredditFilter:
    """Finds, inside a chunk of raw dump bytes, the lines of the wanted subreddits."""

    def __init__(self, subreddits: Iterable[str]) -> None:
        names = sorted({s.strip().removeprefix("r/") for s in subreddits if s.strip()})
        if not names:
            raise FatalError("no subreddits configured: add `subreddits:` to a theme")
        self.wanted = {n.lower() for n in names}
        alternatives = b"|".join(re.escape(n.encode()) for n in names)
        # Reddit names are case-insensitive; dumps write the canonical case, configs may not.
        self.pattern = re.compile(rb'"subreddit": ?"(?i:' + alternatives + rb')"')

    def candidate_lines(self, chunk: bytes) -> list[bytes]:
        """Lines of ``chunk`` (complete lines only) whose subreddit field is one of ours."""
        out: list[bytes] = []
        last_end = -1
        for found in self.pattern.finditer(chunk):
            start = chunk.rfind(b"\n", 0, found.start()) + 1
            if start <= last_end:  # a second hit in a line already taken (e.g. quoted JSON)
                continue
            end = chunk.find(b"\n", found.end())
            end = len(chunk) if end < 0 else end
            out.append(chunk[start:end])
            last_end = end
        return out

    def keeps(self, item: TextItem) -> bool:
        """The exact check after parsing (the byte search can hit text that quotes JSON)."""
        return (item.container or "").lower() in self.wanted


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DumpChunk:
    """Complete lines of decompressed data, and the position just after them."""

    data: bytes
    lines: int
    end_bytes: int
    end_lines: int


def open_dump(path: str | Path) -> BinaryIO:
    """A binary stream of the decompressed dump (``.zst`` detected by its magic number)."""
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through the wrapper
    except OSError as exc:
        raise FatalError(f"{path}: cannot be read ({exc.strerror}); check the path") from None
    if raw.read(4) != ZSTD_MAGIC:
        raw.seek(0)
        return raw
    raw.seek(0)
    return _ZstdStream(raw, path)  # type: ignore[return-value]


class _ZstdStream:
    """Decompressed bytes of a (multi-frame) .zst file, read in bounded pieces.

    Built on ``decompressobj`` rather than ``stream_reader`` because the latter ends quietly on
    a truncated file; this one reports it (``eof`` is false when the input stops mid-frame).
    """

    INPUT_BYTES = 1 << 17

    def __init__(self, raw: BinaryIO, path: Path) -> None:
        import zstandard

        self.raw, self.path = raw, path
        self._dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._obj, self._fed = self._dctx.decompressobj(), False
        self._buffer, self._done = bytearray(), False

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size and not self._done:
            block = self.raw.read(self.INPUT_BYTES)
            if not block:
                if self._fed and not self._obj.eof:
                    raise DumpFormatError(
                        f"{self.path}: truncated compressed data (the file ends mid-frame); download it again"
                    )
                self._done = True
                break
            self._feed(block)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def _feed(self, block: bytes) -> None:
        self._buffer += self._obj.decompress(block)
        self._fed = True
        while self._obj.eof:  # a frame ended: the rest of the input starts the next frame
            rest = self._obj.unused_data
            self._obj, self._fed = self._dctx.decompressobj(), False
            if not rest:
                break
            self._buffer += self._obj.decompress(rest)
            self._fed = True

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _ZstdStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_dump_chunks(
    path: str | Path, start_bytes: int = 0, start_lines: int = 0, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[DumpChunk]:
    """Stream a dump as chunks of whole lines, starting ``start_bytes`` into the decompressed
    data (a resumed import). Memory is about two chunks, whatever the file size."""
    with open_dump(path) as stream:
        _skip(stream, start_bytes, path)
        done_bytes, done_lines, carry = start_bytes, start_lines, b""
        while True:
            try:
                block = stream.read(chunk_bytes)
            except DumpFormatError:
                raise
            except Exception as exc:  # zstd raises its own ZstdError on corrupt frames
                raise DumpFormatError(
                    f"{path}: corrupt or truncated compressed data at ~{done_bytes} bytes ({exc})"
                ) from None
            if not block:
                break
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # no newline yet: one very long line, keep reading
                carry = data
                continue
            whole, carry = data[:cut], data[cut:]
            lines = whole.count(b"\n")
            done_bytes += len(whole)
            done_lines += lines
            yield DumpChunk(whole, lines, done_bytes, done_lines)
        if carry.strip():  # last line without a trailing newline
            done_bytes += len(carry)
            done_lines += 1
            yield DumpChunk(carry + b"\n", 1, done_bytes, done_lines)


def iter_dump_lines(path: str | Path, start_bytes: int = 0) -> Iterator[bytes]:
    """Every raw line of a dump (for callers that want them all, e.g. a parallel backfill)."""
    for chunk in iter_dump_chunks(path, start_bytes):
        yield from chunk.data.splitlines()


def _skip(stream: BinaryIO, count: int, path: str | Path) -> None:
    if count <= 0:
        return
    if isinstance(stream, io.BufferedReader):
        stream.seek(count)
        return
    left = count
    while left > 0:  # a compressed stream cannot seek: decompress and discard
        block = stream.read(min(left, CHUNK_BYTES))
        if not block:
            raise DumpFormatError(
                f"{path}: shorter than its saved import position; the file changed since the last import"
            )
        left -= len(block)


def check_ndjson(data: bytes, path: Path) -> None:
    first = data.lstrip()[:1]
    if first and first != b"{":
        raise DumpFormatError(
            f"{path}: not a Reddit dump (expected one JSON object per line, "
            f"got {data[:40]!r}...); pass .ndjson/.jsonl files, plain or .zst"
        )
