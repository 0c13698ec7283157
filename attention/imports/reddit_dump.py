"""Importing Reddit history from dump files into the store, resumably.

The API has no deep history, so history is imported offline. The import is resumable: a cursor
per file (path + size) records how far it got and is committed in the same transaction as the
items before it. Reading and parsing the files is :mod:`attention.imports.dump_files`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from attention.config import Config, Secrets
from attention.errors import FatalError, ItemError
from attention.imports.dump_files import (
    CHUNK_BYTES,
    DUMP_VERSION,
    DumpChunk,
    SubredditFilter,
    check_ndjson,
    file_identity,
    iter_dump_chunks,
    parse_dump_line,
)
from attention.store import Store
from collectors.core.records import CoverageSpan, CursorUpdate, Provenance, Record, TextItem, utcnow
from collectors.reddit.items import AuthorPolicy

CURSOR_SOURCE = "reddit_dump"

Annotator = Callable[[list[TextItem]], list[TextItem]]


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
    """A file's resume key: path, size and a hash of its first and last blocks
    (:func:`~attention.imports.dump_files.file_identity`): a different file starts over."""
    return file_identity(path)


def default_annotator(config: Config) -> Annotator:
    """Theme matching, then sentiment for the matched items only, as the pipeline scores them.

    The matcher runs first because most lines of a subreddit are about none of the themes and
    scoring them would be wasted work. Without the scorer (attention.scoring) the items keep
    their themes and are stored unscored.
    """
    from attention.themes import get_matcher

    matcher = get_matcher(config.themes)
    score: Callable[..., list[TextItem]] | None = None
    try:
        from attention.scoring import annotate_items

        score = annotate_items
    except ImportError:
        pass

    def annotate(items: list[TextItem]) -> list[TextItem]:
        # Themes with their weights (attention.themes.evidence_weights), as live collection
        # stores them: a mention naming only NVDA is split between AI stocks and the Mag 7.
        matched = [(item, matcher.weights(item.text)) for item in items]
        kept = [
            dataclasses.replace(item, themes=tuple(weights), theme_weights=tuple(weights.values()))
            for item, weights in matched
            if weights
        ]
        if score is None or not kept:
            return kept
        return list(score(kept, config, match_themes=False))  # matched just above

    return annotate


def store_author_policy(
    config: Config, store_path: str | Path | None = None, secrets: Secrets | None = None
) -> AuthorPolicy:
    """How a store (``store_path``, default ``config.store.path``) hashes authors: its salt (the
    environment's, else the private salt file beside the store) and
    ``sources.reddit.store_author_names``. The pipeline hashes with the same salt."""
    salted = (secrets or Secrets.from_env()).for_store(store_path or config.store.path)
    return AuthorPolicy.from_settings(salted, config.sources.reddit.store_author_names)


def configured_subreddits(config: Config) -> list[str]:
    return sorted({s for theme in config.themes.values() for s in theme.subreddits})


def import_dumps(
    paths: Sequence[str | Path],
    config: Config,
    store: Store,
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
    store: Store
    result: DumpImportResult
    batch_size: int
    flush_lines: int
    chunk_bytes: int
    progress: Callable[[DumpImportResult], None] | None
    _bytes: int = field(default=0, init=False)  # position after the last scanned chunk
    _lines: int = field(default=0, init=False)
    # per configured subreddit: [first, last] creation time (epoch s) of the items read, kept in
    # the cursor so that a resumed file still records what its first part covered
    _seen: dict[str, list[float]] = field(default_factory=dict, init=False)
    _provenance: Provenance | None = field(default=None, init=False)

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
        self._provenance = provenance
        self._seen = {sub: list(pair) for sub, pair in state.get("seen", {}).items()}
        pending: list[TextItem] = []
        self._bytes, self._lines = state.get("bytes", 0), state.get("lines", 0)
        flushed_at = self._lines
        chunks = iter_dump_chunks(self.path, self._bytes, self._lines, self.chunk_bytes)
        for number, chunk in enumerate(chunks):
            if number == 0:
                check_ndjson(chunk.data, self.path)
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
                self._saw(item)

    def _saw(self, item: TextItem) -> None:
        stamp = item.created_utc.timestamp()
        pair = self._seen.setdefault((item.container or "").lower(), [stamp, stamp])
        pair[0], pair[1] = min(pair[0], stamp), max(pair[1], stamp)

    def _coverage(self) -> list[Record]:
        """What the whole file covered, per subreddit: its first to its last item (the file's
        own time range, as observed; nothing is claimed before or after it). Written with the
        last batch, so an interrupted import claims nothing until it completes."""
        assert self._provenance is not None
        spans: list[Record] = []
        for sub, (first, last) in sorted(self._seen.items()):
            start = dt.datetime.fromtimestamp(int(first), dt.UTC)
            end = dt.datetime.fromtimestamp(int(last) + 1, dt.UTC)
            spans.append(CoverageSpan("reddit", "subreddit", sub, start, end, "import", self._provenance))
        return spans

    def _flush(self, pending: list[TextItem], key: str, end_bytes: int, end_lines: int, done: bool) -> None:
        self.result.in_subreddits += len(pending)
        kept = [item for item in self.annotate(pending) if item.themes] if pending else []
        self.result.kept += len(kept)
        value = json.dumps({"bytes": end_bytes, "lines": end_lines, "done": done, "seen": self._seen})
        spans = self._coverage() if done else []
        added = self.store.write([*kept, *spans, CursorUpdate(CURSOR_SOURCE, key, value)])
        self.result.new_rows += added.get(TextItem.TABLE, 0)
        pending.clear()
        if self.progress:
            self.progress(self.result)
