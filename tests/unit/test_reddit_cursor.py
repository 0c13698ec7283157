"""Reddit incremental state: a walk down a newest-first listing never moves the cursor past posts
it did not read (collectors/reddit/cursor.py), through the API collector with a fake praw."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from attention.config import Secrets
from attention.errors import BudgetExhaustedError
from attention.source_settings import RedditSettings
from collectors.core.records import CollectContext, CursorUpdate, SourceNote, TextItem
from collectors.reddit.api import ApiCollector
from collectors.reddit.cursor import (
    GAP_SUFFIX,
    MAX_GAPS,
    Gap,
    QueryCursor,
    Walk,
    gaps_value,
    parse_gaps,
)
from collectors.reddit.items import AuthorPolicy
from collectors.reddit.query import Search, cursor_value

SALT = "test-salt"

T0 = 1_700_000_000.0
SEARCH = Search("ai", ("stocks",), "nvidia")
KEY = SEARCH.cursor_key("api")


def _walk(walk: Walk, stamps: list[float]) -> list[float]:
    """Feed a walk posts newest first, as a collector does; returns the ones it took."""
    taken = []
    for i, stamp in enumerate(stamps):
        if walk.take(stamp, f"t3_{int(stamp)}x{i}"):
            taken.append(stamp)
        elif walk.reached:
            break
    return taken


def test_first_run_sets_the_mark_to_the_newest_post_without_a_gap() -> None:
    state = QueryCursor.load({}, KEY, "q")
    walk = state.new_walk()
    _walk(walk, [T0 + 30, T0 + 20, T0 + 10])
    state.after_new(walk, interrupted=False)  # stopped by posts_per_query: history not promised
    assert state.mark == T0 + 30 and state.gaps == []
    assert state.updates() == [CursorUpdate("reddit", KEY, cursor_value(T0 + 30))]
    assert state.updates() == []  # nothing changed since


def test_interrupted_walk_records_a_gap_that_a_later_walk_closes() -> None:
    state = QueryCursor.load({KEY: cursor_value(T0)}, KEY, "q")
    walk = state.new_walk()
    _walk(walk, [T0 + 300, T0 + 200])  # then the budget ran out, T0 + 100 never read
    state.after_new(walk, interrupted=True)
    assert state.mark == T0 + 300
    assert state.gaps == [Gap("t3_1700000200x1", T0 + 200, T0)]
    notes = state.drain_notes()
    assert len(notes) == 1 and "read on a later run" in notes[0].message
    updates = {u.key: u.value for u in state.updates()}
    assert parse_gaps(updates[KEY + GAP_SUFFIX]) == state.gaps

    later = QueryCursor.load({KEY: updates[KEY], KEY + GAP_SUFFIX: updates[KEY + GAP_SUFFIX]}, KEY, "q")
    assert later.mark == T0 + 300 and later.gaps == state.gaps
    gap = later.gaps[0]
    walk = later.gap_walk(gap)
    # a listing that restarts above the gap: those posts were read already
    assert _walk(walk, [T0 + 300, T0 + 200, T0 + 100, T0, T0 - 50]) == [T0 + 200, T0 + 100, T0]
    later.after_gap(gap, walk, interrupted=False)
    assert later.gaps == [] and later.drain_notes() == []
    assert later.updates() == [CursorUpdate("reddit", KEY + GAP_SUFFIX, "[]")]


def test_a_gap_walk_cut_short_again_shrinks_the_gap() -> None:
    gap = Gap("t3_a", T0 + 200, T0)
    state = QueryCursor.load({KEY: cursor_value(T0 + 300), KEY + GAP_SUFFIX: gaps_value([gap])}, KEY, "q")
    walk = state.gap_walk(gap)
    _walk(walk, [T0 + 150])
    state.after_gap(gap, walk, interrupted=True)
    assert state.gaps == [Gap("t3_1700000150x0", T0 + 150, T0)]
    untouched = state.gap_walk(state.gaps[0])
    state.after_gap(state.gaps[0], untouched, interrupted=True)  # failed before any post
    assert state.gaps == [Gap("t3_1700000150x0", T0 + 150, T0)]


def test_a_listing_that_ends_before_the_mark_is_reported_not_hidden() -> None:
    state = QueryCursor.load({KEY: cursor_value(T0)}, KEY, "r/stocks new")
    walk = state.new_walk()
    _walk(walk, [T0 + 300, T0 + 200])  # and then nothing more: Reddit's listing limit
    state.after_new(walk, interrupted=False)
    assert state.mark == T0 + 300 and state.gaps == []
    [note] = state.drain_notes()
    assert note.level == "warning" and "r/stocks new" in note.message
    assert "reddit-dump" in note.message and "2023-11-14T22:13:20+00:00" in note.message

    gap = Gap("t3_gone", T0 + 100, T0 - 100)
    state = QueryCursor.load({KEY + GAP_SUFFIX: gaps_value([gap])}, KEY, "q")
    empty = state.gap_walk(gap)
    state.after_gap(gap, empty, interrupted=False)  # the resume point fell off the listing
    assert state.gaps == [] and "were not read" in state.drain_notes()[0].message


def test_too_many_gaps_are_merged_never_dropped() -> None:
    state = QueryCursor.load({KEY: cursor_value(T0)}, KEY, "q")
    for i in range(MAX_GAPS + 2):
        walk = state.new_walk()
        base = T0 + 1000 * (i + 1)
        _walk(walk, [base + 500, base + 400])
        state.after_new(walk, interrupted=True)
    assert len(state.gaps) == MAX_GAPS
    # the oldest kept gap now reaches down to the very first mark
    assert state.gaps[-1].until == T0
    spans = sorted((g.until, g.oldest) for g in state.gaps)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_an_unreadable_gap_list_is_reported() -> None:
    state = QueryCursor.load({KEY: cursor_value(T0), KEY + GAP_SUFFIX: "{broken"}, KEY, "q")
    assert state.gaps == [] and "unreadable gap list" in state.drain_notes()[0].message


# -- through the API collector --------------------------------------------------------------------
class FakeListing:
    """A newest-first search listing with Reddit's paging (``after=``, 100 a page) and a page
    budget after which the HTTP layer would raise BudgetExhaustedError."""

    def __init__(self, stamps: list[float], pages_left: int = 1000) -> None:
        # ids follow the creation time, so they stay put when newer posts arrive
        self.posts = [
            SimpleNamespace(
                id=f"p{int(s - T0) + 100}",
                created_utc=s,
                title="nvidia",
                selftext="",
                subreddit="stocks",
                author="u",
                score=1,
                num_comments=0,
                permalink=f"/r/stocks/comments/{s}/",
            )
            for s in sorted(stamps, reverse=True)
        ]
        self.pages_left = pages_left
        self.requests: list[dict[str, Any]] = []

    def search(
        self,
        query: str,
        *,
        limit: int | None = 100,
        request_limit: int | None = None,
        params: dict[str, str] | None = None,
        **_: Any,
    ):  # noqa: ANN201 - generator
        names = [f"t3_{p.id}" for p in self.posts]
        after = (params or {}).get("after")
        start = names.index(after) + 1 if after in names else 0
        page_size = min(request_limit or limit or 100, 100)
        yielded = 0
        while start < len(self.posts) and (limit is None or yielded < limit):
            if self.pages_left <= 0:
                raise BudgetExhaustedError("reddit: request budget spent")
            self.pages_left -= 1
            self.requests.append({"after": names[start - 1] if start else None})
            for post in self.posts[start : start + page_size]:
                if limit is not None and yielded >= limit:
                    return
                yielded += 1
                yield post
            start += page_size


def _collector(listing: FakeListing, cursors: dict[str, str]) -> ApiCollector:
    config = SimpleNamespace(sources=SimpleNamespace(reddit=RedditSettings()), themes={})
    ctx = CollectContext(run_date=dt.date(2024, 1, 1), config=config, secrets=Secrets(), cursors=cursors)
    reddit = SimpleNamespace(subreddit=lambda name: listing)
    return ApiCollector(ctx, reddit, AuthorPolicy(salt=SALT), "1.0")


def _run(
    listing: FakeListing, cursors: dict[str, str], limit: int = 100
) -> tuple[list[TextItem], dict[str, str], list[SourceNote]]:
    out: list[Any] = []
    try:
        for record in _collector(listing, cursors).search(SEARCH, limit):
            out.append(record)
    except BudgetExhaustedError:
        pass
    cursors = {**cursors, **{r.key: r.value for r in out if isinstance(r, CursorUpdate)}}
    return (
        [r for r in out if isinstance(r, TextItem)],
        cursors,
        [r for r in out if isinstance(r, SourceNote)],
    )


def test_three_hundred_new_posts_are_all_read_not_just_the_newest_hundred() -> None:
    old = [T0 - i for i in range(1, 51)]
    new = [T0 + i for i in range(1, 301)]
    listing = FakeListing(old + new)
    cursors = {KEY: cursor_value(T0)}
    items, cursors, notes = _run(listing, cursors)
    assert {i.created_utc.timestamp() for i in items} == set(new)
    assert float(cursors[KEY]) == T0 + 300 and not parse_gaps(cursors.get(KEY + GAP_SUFFIX))
    assert len(listing.requests) == 4 and notes == []  # 3 full pages, then the mark


def test_a_budget_stop_leaves_a_gap_the_next_run_fills() -> None:
    new = [T0 + i for i in range(1, 301)]
    listing = FakeListing([T0 - 1, *new], pages_left=2)
    items, cursors, notes = _run(listing, {KEY: cursor_value(T0)})
    assert len(items) == 200 and float(cursors[KEY]) == T0 + 300
    assert parse_gaps(cursors[KEY + GAP_SUFFIX]) == [Gap("t3_p201", T0 + 101, T0)]
    assert "read on a later run" in notes[0].message

    newer = [T0 + 300 + i for i in range(1, 11)]
    listing = FakeListing([T0 - 1, *new, *newer])
    more, cursors, notes = _run(listing, cursors)
    got = {i.created_utc.timestamp() for i in items + more}
    assert got == set(new + newer) and notes == []
    assert float(cursors[KEY]) == T0 + 310 and parse_gaps(cursors[KEY + GAP_SUFFIX]) == []
    assert {"after": "t3_p201"} in listing.requests  # resumed after the oldest post read


def test_first_run_reads_posts_per_query_only() -> None:
    listing = FakeListing([T0 + i for i in range(300)])
    items, cursors, _ = _run(listing, {}, limit=15)
    assert len(items) == 15 and float(cursors[KEY]) == T0 + 299
    assert KEY + GAP_SUFFIX not in cursors


@pytest.mark.parametrize("value", ["", None])
def test_no_gap_value_means_no_gaps(value: str | None) -> None:
    assert parse_gaps(value) == []
