"""How far a Reddit query has been read: a high-water mark plus a list of gaps, and the rule that
moves them.

Reddit listings (API search, public feeds) come newest first, 100 posts a page, and stop about
1,000 posts back. A run reads a query's listing from the top down to where the last run started
(the *mark*: the creation time of the newest post read so far), paging with ``after=`` as far as
it takes. The rule for moving the state, so that no post is skipped silently:

* Every post of the query created between its first run and the mark has been read, except the
  posts inside a recorded gap.
* First run of a query (no mark): read ``posts_per_query`` posts; the mark becomes the newest.
  Earlier history is not promised here (import a dump for it).
* The walk reached the mark: the mark moves to the newest post read.
* The walk was interrupted (request budget spent, rate limited, an error) before reaching the
  mark: the mark still moves to the newest post read, and a *gap* is recorded from the old mark
  up to the oldest post read, with that post's fullname. Later runs resume the gap by paging the
  listing ``after=`` that post, down to the old mark, until the gap is closed.
* The listing ended before the mark (Reddit's ~1,000-post limit): the posts in between cannot be
  reached through the listing any more; the mark moves on and a warning says which hours are
  missing (a dump import can fill them). The same holds for a gap whose resume point is gone.

Gaps are stored as JSON under ``<key>:gaps``. At most :data:`MAX_GAPS` are kept; beyond that the
two oldest are merged into one that also spans what lies between them (re-read, never lost).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from collectors.core.records import CoverageSpan, CursorUpdate, Provenance, SourceNote
from collectors.reddit.query import SOURCE, cursor_value, parse_cursor

GAP_SUFFIX = ":gaps"
MAX_GAPS = 5
LOST_HINT = (
    "Reddit lists only about 1,000 posts back; import a dump (attention import reddit-dump) to fill them"
)


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Gap:
    """Posts created in [until, oldest) not read yet; the listing resumes ``after`` a post."""

    after: str  # fullname of the oldest post read above the gap
    oldest: float  # that post's creation time: the gap's upper end
    until: float  # the gap's lower end: the mark the interrupted walk was heading for

    def describe(self) -> str:
        return f"posts created between {_iso(self.until)} and {_iso(self.oldest)}"


@dataclass
class Walk:
    """One pass down a newest-first listing to ``stop`` (None: as far as the limit allows).

    ``ceiling``: posts created after it were read already (a gap walk starts below them).
    """

    stop: float | None
    ceiling: float | None = None
    read: int = 0
    newest: float | None = None
    oldest: float | None = None
    oldest_name: str | None = None
    reached: bool = False

    def take(self, created: float, name: str) -> bool:
        """Whether a listed post lies in this walk's range. A post older than ``stop`` means
        the walk is done (``reached``): the caller stops paging."""
        if self.stop is not None and created < self.stop:
            self.reached = True
            return False
        if self.ceiling is not None and created > self.ceiling:
            return False
        self.read += 1
        self.newest = created if self.newest is None else max(self.newest, created)
        if self.oldest is None or created <= self.oldest:
            self.oldest, self.oldest_name = created, name
        return True


@dataclass
class QueryCursor:
    """The mark and gaps of one query, loaded from the cursors and moved by walks."""

    key: str
    label: str
    mark: float | None
    gaps: list[Gap] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    _loaded: tuple[float | None, list[Gap]] = field(default=(None, []), repr=False)

    @classmethod
    def load(cls, cursors: Any, key: str, label: str) -> QueryCursor:
        mark = parse_cursor(cursors.get(key))
        notes = []
        try:
            gaps = parse_gaps(cursors.get(key + GAP_SUFFIX))
        except ValueError as exc:
            gaps = []  # cannot be resumed; say so instead of dropping it quietly
            notes.append(SourceNote("warning", f"{label}: {exc}"))
        return cls(key, label, mark, list(gaps), notes, (mark, list(gaps)))

    def new_walk(self) -> Walk:
        return Walk(stop=self.mark)

    def gap_walk(self, gap: Gap) -> Walk:
        return Walk(stop=gap.until, ceiling=gap.oldest)

    def after_new(self, walk: Walk, interrupted: bool) -> None:
        """Move the state after a walk from the top of the listing (see the module rule)."""
        if walk.read == 0 or walk.newest is None:
            return
        old = self.mark
        self.mark = walk.newest if old is None else max(old, walk.newest)
        if old is None or walk.reached:
            return
        if interrupted:
            assert walk.oldest is not None and walk.oldest_name is not None
            self.gaps.insert(0, Gap(walk.oldest_name, walk.oldest, old))
            self._cap_gaps()
            self.notes.append(
                SourceNote(
                    "warning",
                    f"{self.label}: stopped before reaching "
                    f"the last run's posts; {self.gaps[0].describe()} "
                    "are read on a later run",
                )
            )
        else:
            assert walk.oldest is not None
            self._lost(Gap("", walk.oldest, old))

    def after_gap(self, gap: Gap, walk: Walk, interrupted: bool) -> None:
        """Shrink, close or give up a gap after a walk resumed inside it."""
        index = self.gaps.index(gap)
        if walk.reached:
            del self.gaps[index]
        elif interrupted:
            if walk.read and walk.oldest is not None and walk.oldest_name is not None:
                self.gaps[index] = Gap(walk.oldest_name, walk.oldest, gap.until)
        else:
            del self.gaps[index]
            oldest = walk.oldest if walk.read and walk.oldest is not None else gap.oldest
            self._lost(Gap(gap.after, oldest, gap.until))

    def after_walk(self, gap: Gap | None, walk: Walk, interrupted: bool) -> None:
        """:meth:`after_new` for the walk from the top (``gap`` None), else :meth:`after_gap`."""
        if gap is None:
            self.after_new(walk, interrupted)
        else:
            self.after_gap(gap, walk, interrupted)

    def flush(self) -> list[SourceNote | CursorUpdate]:
        """The notes, then the cursor updates: what a collector yields after the posts."""
        return [*self.drain_notes(), *self.updates()]

    def updates(self) -> list[CursorUpdate]:
        """Cursor updates for what changed (yield them after the posts they cover)."""
        out = []
        if self.mark is not None and self.mark != self._loaded[0]:
            out.append(CursorUpdate(SOURCE, self.key, cursor_value(self.mark)))
        if self.gaps != self._loaded[1]:
            out.append(CursorUpdate(SOURCE, self.key + GAP_SUFFIX, gaps_value(self.gaps)))
        self._loaded = (self.mark, list(self.gaps))
        return out

    def drain_notes(self) -> list[SourceNote]:
        notes, self.notes = self.notes, []
        return notes

    def _lost(self, gap: Gap) -> None:
        self.notes.append(
            SourceNote(
                "warning",
                f"{self.label}: the listing ended before "
                f"reaching the last run's posts; {gap.describe()} were "
                f"not read and cannot be through it: {LOST_HINT}",
            )
        )

    def _cap_gaps(self) -> None:
        """Merge the two oldest gaps while too many are open; merging re-reads, never skips."""
        while len(self.gaps) > MAX_GAPS:
            newer, older = self.gaps[-2], self.gaps[-1]
            self.gaps[-2:] = [Gap(newer.after, newer.oldest, older.until)]


def parse_gaps(value: str | None) -> list[Gap]:
    """The stored gap list; ValueError when it cannot be read."""
    if not value:
        return []
    try:
        rows = json.loads(value)
        return [Gap(str(r["after"]), float(r["oldest"]), float(r["until"])) for r in rows]
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(
            f"unreadable gap list {value[:80]!r} ({exc}); the posts it named are not resumed: {LOST_HINT}"
        ) from None


def gaps_value(gaps: list[Gap]) -> str:
    return json.dumps(
        [{"after": g.after, "oldest": round(g.oldest, 3), "until": round(g.until, 3)} for g in gaps]
    )


def walk_span(walk: Walk, floor: float | None, top: float) -> tuple[float, float] | None:
    """The time a finished (not interrupted) walk watched, in epoch seconds: from ``floor`` (the
    mark or gap end it was heading for) when it reached it, else from its oldest post, up to
    ``top`` (when the walk started, or the gap's upper end). None when it read nothing and
    reached nothing: an empty answer proves no coverage (DESIGN.md 4.14)."""
    if walk.reached and floor is not None:
        return (floor, top) if top > floor else None
    if walk.read and walk.oldest is not None and top > walk.oldest:
        return walk.oldest, top
    return None


def coverage_spans(
    unit_kind: str, unit: str, spans: list[tuple[float, float] | None], provenance: Provenance
) -> list[CoverageSpan]:
    """CoverageSpan records for the watched ``spans`` of one query or listing."""
    out = []
    for span in spans:
        if span is None:
            continue
        start = dt.datetime.fromtimestamp(span[0], dt.UTC)
        end = dt.datetime.fromtimestamp(span[1], dt.UTC)
        if end > start:
            out.append(CoverageSpan(SOURCE, unit_kind, unit, start, end, "collect", provenance))
    return out
