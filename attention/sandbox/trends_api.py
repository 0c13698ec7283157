"""Replica of Google's official Trends API (alpha) and of the OAuth token endpoint it needs.

* ``POST /token``: an authorized-user refresh (``grant_type=refresh_token``) answers
  ``{"access_token", "expires_in", "token_type": "Bearer"}``; a wrong refresh token answers
  400 ``invalid_grant``.
* ``POST /v1alpha:fetchTimeSeries`` (Bearer token required, else 401) answers a long-running
  Operation ``{"name": "operations/<id>", "metadata": {"pointCount"}}``, not yet done.
* ``GET /v1alpha/operations/<id>``: not done for ``polls_until_done`` polls, then
  ``{"done": true, "response": {"timeSeries": {"points": [...]}}}`` with ``timeRange``
  (RFC 3339), ``searchInterest`` on ONE scale across requests (the world's true interest x a
  fixed factor), ``scaledSearchInterest`` (0-100 within the request) and ``isPartial`` on a
  period that runs past the world's last day. ``fail_with`` makes the operation end in an error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import secrets
import threading
from typing import Any
from urllib.parse import parse_qs

from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import World

SCOPE = "https://www.googleapis.com/auth/searchtrends"
SCALE = 3.7  # the API's own (unpublished) unit: any fixed factor keeps requests comparable
STEP = {"DAY": 1, "WEEK": 7}


class TrendsApiReplica(Replica):
    name = "trends_api"
    refresh_token = "sandbox-refresh-token"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.polls_until_done = 2
        self.fail_with: dict[str, Any] | None = None  # e.g. {"code": 7, "message": "..."}
        self.tokens: set[str] = set()
        self.operations: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.route("POST", r"/token", self.token)
        self.route("POST", r"/v1alpha:fetchTimeSeries", self.fetch_time_series)
        self.route("GET", r"/v1alpha/operations/(?P<name>[^/]+)", self.operation)

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        official = "sources.google_trends.official"
        return {f"{official}.url": url, f"{official}.oauth_url": url, f"{official}.poll_interval": 0}

    def credentials_file(self, url: str) -> dict[str, Any]:
        """An authorized-user key file whose token endpoint is this replica."""
        return {
            "type": "authorized_user",
            "client_id": "sandbox-client.apps.googleusercontent.com",
            "client_secret": "sandbox-secret",
            "refresh_token": self.refresh_token,
            "token_uri": f"{url}/token",
        }

    def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return Response.json({"error": "invalid_grant", "error_description": "Bad Request"}, 400)
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return Response.json(
            {"access_token": token, "expires_in": 3599, "token_type": "Bearer", "scope": SCOPE}
        )

    def _authorised(self, request: Request) -> Response | None:
        auth = (request.header("authorization") or "").removeprefix("Bearer ")
        if auth not in self.tokens:
            body = {
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "status": "UNAUTHENTICATED",
                }
            }
            return Response.json(body, 401)
        return None

    def fetch_time_series(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        spec = json.loads(request.body or b"{}").get("spec", {})
        points = self.points(spec)
        name = f"operations/ts-{next(self._ids)}"
        with self._lock:
            self.operations[name] = {"points": points, "polls": 0}
        return Response.json({"name": name, "metadata": {"pointCount": len(points)}})

    def operation(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        name = f"operations/{request.param('name').removeprefix('operations/')}"
        with self._lock:
            state = self.operations.get(name)
            if state is None:
                return Response.json({"error": {"code": 404, "message": "operation not found"}}, 404)
            state["polls"] += 1
            polls = state["polls"]
        if polls < self.polls_until_done:
            return Response.json({"name": name, "metadata": {"pointCount": len(state["points"])}})
        if self.fail_with:
            return Response.json({"name": name, "done": True, "error": self.fail_with})
        return Response.json(
            {"name": name, "done": True, "response": {"timeSeries": {"points": state["points"]}}}
        )

    def points(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        term = spec["expression"]["terms"][0]["value"]
        step = STEP.get(spec.get("timeResolution", "WEEK"), 7)
        start = dt.datetime.fromtimestamp(int(spec["timeRange"]["startTime"]["seconds"]), dt.UTC).date()
        end = dt.datetime.fromtimestamp(int(spec["timeRange"]["endTime"]["seconds"]), dt.UTC).date()
        truth = self.world.search_truth(term)
        if step == 7:  # Google's weeks run Sunday to Saturday
            start -= dt.timedelta(days=(start.weekday() + 1) % 7)
        end = min(end, self.world.end + dt.timedelta(days=1))
        while start + dt.timedelta(days=step) <= self.world.start:  # no data before the world
            start += dt.timedelta(days=step)
        rows = []
        day = start
        while day < end:
            period_end = day + dt.timedelta(days=step)
            window = truth[str(day) : str(min(period_end, end) - dt.timedelta(days=1))]
            rows.append((day, period_end, float(window.mean()) * SCALE, period_end > end))
            day = period_end
        top = max((r[2] for r in rows), default=1.0) or 1.0
        return [
            {
                "timeRange": {
                    "startTime": f"{a.isoformat()}T00:00:00Z",
                    "endTime": f"{b.isoformat()}T00:00:00Z",
                },
                "searchInterest": round(v, 4),
                "scaledSearchInterest": round(100 * v / top),
                **({"isPartial": True} if partial else {}),
                **({"extendsPastRequestedTimeRange": True} if partial else {}),
            }
            for a, b, v, partial in rows
        ]
