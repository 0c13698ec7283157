"""Reddit without keys, part 1: the Arctic Shift archive API (DESIGN.md 5, "Reddit in 2026").

* Keyword search within each configured subreddit: ``/api/posts/search`` (``query``) and
  ``/api/comments/search`` (``body``), ``sort=asc``, ``limit=100``, paged by ``after`` = the last
  item's ``created_utc`` (the answer is ``{"data": [...]}`` with no cursor or total).
* Scores settle late: Arctic Shift archives an item when it is posted and re-fetches it about
  36 hours later; before that ``score``/``num_comments`` read 0 or 1. Items younger than
  ``settle_hours`` are stored with the score unknown (None, flag ``score_pending``), and every
  run re-reads ``settle_hours`` before its last window's end, so the settled score replaces it.
* Denominators: ``/api/time_series?key=r/<sub>/{posts,comments}/count&precision=day`` answers
  ``{"data": [{"date": epoch, "value": n}]}``: all posts and comments per UTC day, so mention
  share is "per 1,000 comments". The series fills in late, so the last 3 days are re-read.
* ``X-RateLimit-Remaining``/``-Reset``: when the window is spent the HTTP layer holds off.
  An answer with ``error`` set or without ``data`` (the service's "Timeout. Maybe slow down a
  bit") fails that unit; a failed unit records no coverage and does not move its cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from attention.errors import AttentionError, AuthError, RetriableError
from collectors.core.blocks import rate_limit_wait, require_body
from collectors.core.records import (
    CoverageSpan,
    CursorUpdate,
    Provenance,
    Record,
    SourceNote,
    TextItem,
    day_span,
)
from collectors.core.volumes import SubredditVolume
from collectors.reddit.items import SOURCE, AuthorPolicy, item_from_json
from collectors.reddit.query import Search, theme_searches

PAGE = 100  # Arctic Shift's largest page
VOLUME_REREAD_DAYS = 3  # the time series "might take a few hours or days to fully update"
ADVICE = "Arctic Shift may be overloaded or down (see its status page); try again later"
KIND_PATH = {"post": "posts", "comment": "comments"}
KIND_FIELD = {"post": "query", "comment": "body"}


class ArcticShiftError(RetriableError):
    """Arctic Shift answered, but not with data (an error field, a non-JSON body)."""


@dataclass
class ArcticShiftCollector:
    ctx: Any
    client: Any
    authors: AuthorPolicy
    version: str
    now: dt.datetime
    yielded: set[str] = field(default_factory=set)  # item ids, for the Atom feeds to skip

    @property
    def settings(self) -> Any:
        return self.ctx.config.sources.reddit.arctic_shift

    def run(self) -> Iterator[Record | SourceNote]:
        """Every search unit, then the denominators; one failing unit never stops the others.
        Raises the first failure at the end (after everything that worked was yielded)."""
        failures: list[AttentionError] = []
        units = [(s, k) for s in theme_searches(self.ctx.config, per_subreddit=True) for k in self.kinds]
        for search, kind in units:
            try:
                yield from self.search(search, kind)
            except AttentionError as exc:
                failures.append(exc)
                yield SourceNote("warning", f"arctic shift {kind}s {search.label}: {exc}")
        if self.settings.denominators:
            for sub in self.subreddits():
                for metric in ("posts", "comments"):
                    try:
                        yield from self.volumes(sub, metric)
                    except AttentionError as exc:
                        failures.append(exc)
                        yield SourceNote("warning", f"arctic shift r/{sub} {metric} per day: {exc}")
        if failures:
            total = len(units) + (2 * len(self.subreddits()) if self.settings.denominators else 0)
            raise summarise(failures, total, "Arctic Shift requests")

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("post", "comment") if self.settings.comments else ("post",)

    def subreddits(self) -> list[str]:
        subs = [s.lower() for theme in self.ctx.config.themes.values() for s in theme.subreddits]
        return list(dict.fromkeys(subs))

    # -- keyword search ----------------------------------------------------------------------
    def search(self, search: Search, kind: str) -> Iterator[Record]:
        key = f"arctic:{kind}:{search.cursor_key('arctic')}"
        after = self.window_start(self.ctx.cursors.get(key))
        before = self.now
        url = f"{self.settings.url.rstrip('/')}/api/{KIND_PATH[kind]}/search"
        base = {"subreddit": search.subreddits[0], KIND_FIELD[kind]: search.query}
        seen: set[str] = set()
        cursor = after.timestamp()
        while True:
            params = {**base, "after": str(int(cursor)), "before": str(int(before.timestamp()))}
            params |= {"sort": "asc", "limit": str(PAGE)}
            rows = self.fetch(url, params)
            provenance = Provenance(url, self.version, self.now, params)
            for row in rows:
                item = self.item(row, kind, provenance)
                if item is not None and item.item_id not in seen:
                    seen.add(item.item_id)
                    self.yielded.add(item.item_id)
                    yield item
            if len(rows) < PAGE:
                break
            last = max(float(r.get("created_utc") or 0) for r in rows)
            cursor = last if last > cursor else cursor + 1  # 100 items in one second: step on
        unit = f"r/{search.subreddits[0]} {KIND_PATH[kind]}: {search.query}"
        prov = Provenance(url, self.version, self.now, base)
        yield CoverageSpan(SOURCE, "query", unit, after, before, "collect", prov, items=len(seen))
        yield CursorUpdate(SOURCE, key, before.isoformat())

    def window_start(self, cursor: str | None) -> dt.datetime:
        """Re-read ``settle_hours`` before the last window's end (young scores settle); a first
        run reads ``lookback_days``."""
        if cursor:
            last = dt.datetime.fromisoformat(cursor)
            return min(last, self.now) - dt.timedelta(hours=self.settings.settle_hours)
        return self.now - dt.timedelta(days=self.settings.lookback_days)

    def item(self, row: dict[str, Any], kind: str, provenance: Provenance) -> TextItem | None:
        try:
            item = item_from_json(row, kind, provenance, self.authors, extra_flags=("arctic_shift",))
        except (KeyError, TypeError, ValueError):
            return None
        return settle(item, self.now, self.settings.settle_hours)

    # -- denominators ------------------------------------------------------------------------
    def volumes(self, sub: str, metric: str) -> Iterator[Record]:
        key = f"arctic:volume:{sub}:{metric}"
        last_day = self.now.date() - dt.timedelta(days=1)  # today is not over
        stored = self.ctx.cursors.get(key)
        first_day = (
            dt.date.fromisoformat(stored) - dt.timedelta(days=VOLUME_REREAD_DAYS)
            if stored
            else self.now.date() - dt.timedelta(days=self.settings.lookback_days)
        )
        if first_day > last_day:
            return
        url = f"{self.settings.url.rstrip('/')}/api/time_series"
        params = {"key": f"r/{sub}/{metric}/count", "precision": "day"}
        params |= {"after": first_day.isoformat(), "before": (last_day + dt.timedelta(days=1)).isoformat()}
        provenance = Provenance(url, self.version, self.now, params)
        points = parse_time_series(self.fetch(url, params), first_day, last_day)
        if not points:
            # Days were expected: an empty series is a block or an outage, never "0 comments".
            raise ArcticShiftError(f"arctic shift: no r/{sub} {metric} counts for {first_day}..{last_day}")
        for day, value in sorted(points.items()):
            yield SubredditVolume(sub, day, metric, value, provenance)
        start, end = day_span(min(points), max(points))
        unit = f"r/{sub} {metric} per day"
        yield CoverageSpan(SOURCE, "subreddit_volume", unit, start, end, "collect", provenance, len(points))
        yield CursorUpdate(SOURCE, key, max(points).isoformat())

    # -- HTTP ----------------------------------------------------------------------------------
    def fetch(self, url: str, params: dict[str, str]) -> list[dict[str, Any]]:
        response = self.client.get(url, params=params)
        wait = rate_limit_wait(response.headers)
        if wait is not None:
            self.client.defer(wait)
        return parse_data(require_body(response.content, "arctic shift", url, ADVICE), url)


def summarise(failures: list[AttentionError], total: int, what: str) -> AttentionError:
    """One error for a run in which some units failed: fatal if any was refused (403), else
    retriable; the message counts them and keeps the first cause in one line."""
    kind = AuthError if any(isinstance(f, AuthError) for f in failures) else RetriableError
    return kind(f"{len(failures)} of {total} {what} failed; first: {failures[0]}")


def parse_data(content: bytes, url: str) -> list[dict[str, Any]]:
    """The ``data`` list of an Arctic Shift answer; an ``error`` or a body that is not the
    expected JSON is an :class:`ArcticShiftError` (the unit failed, nothing is recorded)."""
    import json

    where = url.split("?", 1)[0]
    try:
        payload = json.loads(content)
    except ValueError:
        raise ArcticShiftError(f"arctic shift: {where} answered non-JSON; {ADVICE}") from None
    if not isinstance(payload, dict):
        raise ArcticShiftError(f"arctic shift: {where} answered {type(payload).__name__}, not an object")
    if payload.get("error"):
        said = str(payload["error"])[:120]
        raise ArcticShiftError(f"arctic shift: {where} answered error {said!r}; {ADVICE}")
    data = payload.get("data")
    if not isinstance(data, list):
        raise ArcticShiftError(f"arctic shift: {where} answered without a data list; {ADVICE}")
    return [row for row in data if isinstance(row, dict)]


def parse_time_series(rows: list[dict[str, Any]], first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """``[{"date": epoch seconds, "value": n}]`` -> {UTC day: n} within ``first``..``last``."""
    out: dict[dt.date, int] = {}
    for row in rows:
        try:
            day = dt.datetime.fromtimestamp(float(row["date"]), dt.UTC).date()
            value = int(row["value"])
        except (KeyError, TypeError, ValueError):
            continue
        if first <= day <= last:
            out[day] = value
    return out


def settle(item: TextItem, now: dt.datetime, settle_hours: float) -> TextItem:
    """An item younger than ``settle_hours`` with its score and comment count unknown (None)
    and flagged ``score_pending``: Arctic Shift's 0 or 1 before the re-fetch is not a score."""
    import dataclasses

    if now - item.created_utc >= dt.timedelta(hours=settle_hours):
        return item
    return dataclasses.replace(item, score=None, num_comments=None, flags=(*item.flags, "score_pending"))
