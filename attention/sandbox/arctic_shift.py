"""Replica of the Arctic Shift API (keyless Reddit archive), serving the simulated world's posts
and comments in the shapes of its published API description (``api/README.md`` of
ArthurHeitmann/arctic_shift):

* ``/api/posts/search`` and ``/api/comments/search``: ``subreddit``, ``after``/``before`` (epoch
  seconds or ISO dates), ``query``/``title``/``selftext`` resp. ``body`` full text (``A OR B``,
  quoted phrases), ``sort=asc|desc`` by ``created_utc``, ``limit`` 1-100 (default 25); the
  answer is ``{"data": [...]}`` with Reddit-shaped objects and no cursor.
* ``/api/time_series?key=r/<sub>/{posts,comments}/count&precision=day``: ``{"data": [{"date":
  epoch, "value": n}]}`` per UTC day (the world's items plus a steady background of unrelated
  chatter, so shares stay small, as in a real subreddit).
* ``X-RateLimit-Remaining``/``X-RateLimit-Reset`` on every answer; past the window's limit, 429.
* The 36-hour score lag: an item younger than ``settle_hours`` at the replica's clock reads
  ``score`` 1 and ``num_comments`` 0 until it is "re-fetched".
* ``outage = True``: every answer is HTTP 200 ``{"error": "Timeout. Maybe slow down a bit",
  "data": null}``; ``soft_block = True``: HTTP 200 with an empty body.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import Any

from attention.sandbox.reddit import RedditReplica, _matching
from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import SimText, World, stable_seed

BACKGROUND = {"posts": 40, "comments": 900}  # unrelated items per subreddit per day


class ArcticShiftReplica(Replica):
    name = "arctic_shift"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.reddit = RedditReplica(world)  # the same posts and comments, rendered by Reddit's rules
        self.settle_hours = 36.0
        self.limit, self.window = 1000, 60  # requests per window (seconds)
        self.outage = False
        self.soft_block = False
        self._hits: list[float] = []
        self._lock = threading.Lock()
        self.route("GET", r"/api/posts/search", lambda r: self.search(r, "post"))
        self.route("GET", r"/api/comments/search", lambda r: self.search(r, "comment"))
        self.route("GET", r"/api/time_series", self.time_series)

    @property
    def now(self) -> dt.datetime:
        return self.reddit.now

    @now.setter
    def now(self, value: dt.datetime) -> None:
        self.reddit.now = value

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        return {"sources.reddit.arctic_shift.url": url}

    # -- answers -------------------------------------------------------------------------------
    def search(self, request: Request, kind: str) -> Response:
        refused, headers = self._guard()
        if refused is not None:
            return refused
        sub = request.arg("subreddit")
        if not sub:
            return Response.json({"error": "Full text search requires subreddit or author"}, 400, **headers)
        texts = [t for t in self.reddit._visible(kind, sub) if self._within(t, request)]
        words = " OR ".join(filter(None, (request.arg(f) for f in ("query", "title", "selftext", "body"))))
        if words:
            texts = _matching(texts, words)
        texts.sort(key=lambda t: t.created_utc, reverse=request.arg("sort", "desc") == "desc")
        limit = max(1, min(100, int(request.arg("limit", "25") or 25)))
        return Response.json({"data": [self._render(t) for t in texts[:limit]]}, **headers)

    def time_series(self, request: Request) -> Response:
        refused, headers = self._guard()
        if refused is not None:
            return refused
        parts = (request.arg("key") or "").split("/")
        if len(parts) != 4 or parts[0] != "r" or parts[3] != "count" or parts[2] not in BACKGROUND:
            return Response.json({"error": "Unknown key"}, 400, **headers)
        if request.arg("precision") != "day":
            return Response.json({"error": "the replica serves precision=day only"}, 400, **headers)
        sub, metric = parts[1].lower(), parts[2]
        counts = Counter(
            t.created_utc.date()
            for t in self.reddit.texts()
            if t.kind == metric[:-1] and t.container.lower() == sub and t.created_utc <= self.now
        )
        first = max(_date(request.arg("after")) or self.world.start, self.world.start)
        last = min(_date(request.arg("before")) or self.now.date(), self.now.date())
        points = []
        day = first
        while day < last:  # whole days before the clock's day (a series fills in late)
            base = BACKGROUND[metric] + stable_seed(sub, metric, day) % (BACKGROUND[metric] // 4)
            stamp = dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()
            points.append({"date": int(stamp), "value": base + counts.get(day, 0)})
            day += dt.timedelta(days=1)
        return Response.json({"data": points}, **headers)

    def _render(self, text: SimText) -> dict[str, Any]:
        data = self.reddit.post_data(text) if text.kind == "post" else self.reddit.comment_data(text)
        data.pop("selftext_html", None)
        data.pop("body_html", None)  # only with md2html=true
        data["retrieved_on"] = int(self.now.timestamp())
        if self.now - text.created_utc < dt.timedelta(hours=self.settle_hours):
            data["score"], data["ups"] = 1, 1  # archived at creation; re-fetched ~36 h later
            if text.kind == "post":
                data["num_comments"] = 0
        return data

    def _within(self, text: SimText, request: Request) -> bool:
        after, before = _moment(request.arg("after")), _moment(request.arg("before"))
        stamp = text.created_utc.timestamp()
        return (after is None or stamp > after) and (before is None or stamp < before)

    def _guard(self) -> tuple[Response | None, dict[str, str]]:
        if self.soft_block:
            return Response(200, b"", {"Content-Type": "application/json"}), {}
        if self.outage:
            return Response.json({"error": "Timeout. Maybe slow down a bit", "data": None}), {}
        with self._lock:
            clock = time.monotonic()
            self._hits = [t for t in self._hits if clock - t < self.window]
            remaining = self.limit - len(self._hits)
            reset = self.window - (clock - self._hits[0]) if self._hits else self.window
            headers = {"X-RateLimit-Remaining": str(max(remaining - 1, 0))}
            headers["X-RateLimit-Reset"] = f"{reset:.0f}"
            if remaining <= 0:
                return Response.json({"error": "Rate limit exceeded"}, 429, **headers), headers
            self._hits.append(clock)
        return None, headers


def _moment(value: str | None) -> float | None:
    """Arctic Shift's Date: epoch seconds or milliseconds, or an ISO 8601 date/time."""
    if not value:
        return None
    try:
        number = float(value)
        return number / 1000 if number > 1e11 else number
    except ValueError:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).timestamp()


def _date(value: str | None) -> dt.date | None:
    moment = _moment(value)
    return dt.datetime.fromtimestamp(moment, dt.UTC).date() if moment is not None else None
