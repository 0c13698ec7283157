"""Reddit history from dump files (Pushshift / Arctic Shift style NDJSON, plain or ``.zst``).

The API has no deep history, so history is imported offline. A dump can be many GB: it is read as
a stream of decompressed chunks, never loaded whole, and memory stays bounded by the chunk size
and the write batch. The import is resumable: a cursor per file (path + size) records how far it
got and is committed in the same transaction as the items before it.

Speed comes from not parsing what is not wanted: a dump line is only JSON-decoded when its raw
bytes contain ``"subreddit":"<one of ours>"``. The search runs over the whole decompressed chunk
(one C-level regex scan) instead of line by line, so lines from other subreddits cost nothing in
Python.

Pieces reusable by a parallel backfill: :func:`parse_dump_line` (pure, one line -> item),
:func:`iter_dump_chunks` (the streaming reader) and :class:`SubredditFilter`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from attention.config import Secrets
from attention.errors import FatalError, ItemError
from collectors.core.records import CursorUpdate, Provenance, TextItem, utcnow
from collectors.reddit.items import AuthorPolicy, item_from_json

try:  # orjson parses Reddit lines ~4x faster than json; optional
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads
    _DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError)

DUMP_VERSION = "reddit-dump/1"
CURSOR_SOURCE = "reddit_dump"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK_BYTES = 4 * 1024 * 1024
# Dumps are compressed with --long=31: the decoder needs a 2 GiB window or it refuses them.
ZSTD_MAX_WINDOW = 2**31
_DEFAULT_PROVENANCE = Provenance("dump", DUMP_VERSION, dt.datetime(1970, 1, 1, tzinfo=dt.UTC))

Annotator = Callable[[list[TextItem]], list[TextItem]]


class DumpFormatError(FatalError):
    """The file is not a readable dump (wrong compression, truncated, not NDJSON)."""


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


# -- importing ----------------------------------------------------------------------------------
@dataclass
class DumpImportResult:
    """What an import did. ``candidates`` passed the byte filter, ``kept`` matched a theme."""

    files: list[str] = field(default_factory=list)
    already_done: list[str] = field(default_factory=list)
    lines: int = 0
    bytes: int = 0
    candidates: int = 0
    bad_lines: int = 0
    in_subreddits: int = 0
    kept: int = 0
    new_rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.lines / self.seconds if self.seconds > 0 else 0.0
        done = f"; {len(self.already_done)} file(s) already imported" if self.already_done else ""
        bad = f"; {self.bad_lines} malformed line(s) skipped" if self.bad_lines else ""
        return (
            f"{len(self.files)} file(s), {self.lines:,} lines read ({rate:,.0f}/s), "
            f"{self.in_subreddits:,} in configured subreddits, {self.kept:,} matched a theme, "
            f"{self.new_rows:,} new rows{done}{bad}"
        )


def cursor_key(path: str | Path) -> str:
    """A file's resume key: its absolute path and size (a re-downloaded, different file with
    the same name starts over)."""
    path = Path(path).resolve()
    return f"{path}:{path.stat().st_size}"


def default_annotator(config: Any) -> Annotator:
    """Theme matching, then sentiment for the matched items only, as the pipeline scores them.

    The matcher runs first because most lines of a subreddit are about none of the themes and
    scoring them would be wasted work. Without the scorer (attention.scoring) the items keep
    their themes and are stored unscored.
    """
    from attention.themes import get_matcher

    matcher = get_matcher(config.themes)
    try:
        from attention.scoring import annotate_items
    except ImportError:
        annotate_items = None

    def annotate(items: list[TextItem]) -> list[TextItem]:
        matched = [(item, matcher.match(item.text)) for item in items]
        kept = [dataclasses.replace(item, themes=tuple(sorted(themes))) for item, themes in matched if themes]
        if annotate_items is None or not kept:
            return kept
        return list(annotate_items(kept, config, match_themes=False))  # matched just above

    return annotate


def store_author_policy(
    config: Any, store_path: str | Path | None = None, secrets: Secrets | None = None
) -> AuthorPolicy:
    """How a store (``store_path``, default ``config.store.path``) hashes authors: its salt (the
    environment's, else the private salt file beside the store) and
    ``sources.reddit.store_author_names``. The pipeline hashes with the same salt."""
    salted = (secrets or Secrets.from_env()).for_store(store_path or config.store.path)
    return AuthorPolicy.from_settings(salted, config.sources.reddit.store_author_names)


def configured_subreddits(config: Any) -> list[str]:
    return sorted({s for theme in config.themes.values() for s in theme.subreddits})


def import_dumps(
    paths: Sequence[str | Path],
    config: Any,
    store: Any,
    *,
    annotate: Annotator | None = None,
    authors: AuthorPolicy | None = None,
    batch_size: int = 5000,
    flush_lines: int = 1_000_000,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Callable[[DumpImportResult], None] | None = None,
) -> DumpImportResult:
    """Import dump files into ``store``: the items of configured subreddits that match a theme.

    ``annotate`` sets themes (and sentiment) on a batch; it defaults to the pipeline's scorer.
    Re-running resumes each file where it stopped and never duplicates (upserts on item id).
    """
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        raise FatalError(f"dump file(s) not found: {', '.join(missing)}; check the paths")
    annotate = annotate or default_annotator(config)
    authors = authors or store_author_policy(config, store.path)
    filt = SubredditFilter(configured_subreddits(config))
    result = DumpImportResult()
    started = time.perf_counter()
    for path in paths:
        _ImportFile(
            Path(path), filt, annotate, authors, store, result, batch_size, flush_lines, chunk_bytes, progress
        ).run()
        result.seconds = time.perf_counter() - started
    return result


@dataclass
class _ImportFile:
    path: Path
    filt: SubredditFilter
    annotate: Annotator
    authors: AuthorPolicy
    store: Any
    result: DumpImportResult
    batch_size: int
    flush_lines: int
    chunk_bytes: int
    progress: Callable[[DumpImportResult], None] | None
    _bytes: int = field(default=0, init=False)  # position after the last scanned chunk
    _lines: int = field(default=0, init=False)

    def run(self) -> None:
        key = cursor_key(self.path)
        state = json.loads(self.store.cursors(CURSOR_SOURCE).get(key) or "{}")
        self.result.files.append(str(self.path))
        if state.get("done"):
            self.result.already_done.append(str(self.path))
            return
        provenance = Provenance(
            f"file:{self.path.name}", DUMP_VERSION, utcnow(), {"file": str(self.path.resolve())}
        )
        pending: list[TextItem] = []
        self._bytes, self._lines = state.get("bytes", 0), state.get("lines", 0)
        flushed_at = self._lines
        chunks = iter_dump_chunks(self.path, self._bytes, self._lines, self.chunk_bytes)
        for number, chunk in enumerate(chunks):
            if number == 0:
                _check_ndjson(chunk.data, self.path)
            self._scan(chunk, pending, provenance)
            if len(pending) >= self.batch_size or chunk.end_lines - flushed_at >= self.flush_lines:
                self._flush(pending, key, chunk.end_bytes, chunk.end_lines, done=False)
                flushed_at = chunk.end_lines
        self._flush(pending, key, self._bytes, self._lines, done=True)

    def _scan(self, chunk: DumpChunk, pending: list[TextItem], provenance: Provenance) -> None:
        self.result.lines += chunk.lines
        self.result.bytes += len(chunk.data)
        self._bytes, self._lines = chunk.end_bytes, chunk.end_lines
        for line in self.filt.candidate_lines(chunk.data):
            self.result.candidates += 1
            try:
                item = parse_dump_line(line, authors=self.authors, provenance=provenance)
            except ItemError:
                self.result.bad_lines += 1
                continue
            if item is not None and self.filt.keeps(item):
                pending.append(item)

    def _flush(self, pending: list[TextItem], key: str, end_bytes: int, end_lines: int, done: bool) -> None:
        self.result.in_subreddits += len(pending)
        kept = [item for item in self.annotate(pending) if item.themes] if pending else []
        self.result.kept += len(kept)
        value = json.dumps({"bytes": end_bytes, "lines": end_lines, "done": done})
        added = self.store.write([*kept, CursorUpdate(CURSOR_SOURCE, key, value)])
        self.result.new_rows += added.get(TextItem.TABLE, 0)
        pending.clear()
        if self.progress:
            self.progress(self.result)


def _check_ndjson(data: bytes, path: Path) -> None:
    first = data.lstrip()[:1]
    if first and first != b"{":
        raise DumpFormatError(
            f"{path}: not a Reddit dump (expected one JSON object per line, "
            f"got {data[:40]!r}...); pass .ndjson/.jsonl files, plain or .zst"
        )
