"""The second Google backend: Google's official Trends API (alpha, allow-listed testers).

``POST {url}/v1alpha:fetchTimeSeries`` with ``{"spec": {"expression": {"terms": [{"value",
"type": "BROAD"}]}, "geo": {"type": "GEO_TYPE_COUNTRY_OR_REGION", "code"}, "timeRange":
{"startTime": {"seconds"}, "endTime": {"seconds"}}, "timeResolution": "DAY"|"WEEK"|"MONTH"}}``
answers a long-running Operation (``name``, ``metadata``), polled with ``GET
{url}/v1alpha/operations/{name}`` until ``done``; then ``response.timeSeries.points[]`` hold
``timeRange{startTime,endTime}`` (RFC 3339), ``searchInterest`` (one scale across requests),
``scaledSearchInterest`` (0-100 within the request) and ``isPartial``. An operation that ends
with ``error`` failed. The API serves about 1,800 days ending 2 days ago.

Because ``searchInterest`` shares one scale across requests, no anchor stitching is needed: the
reference anchor (the first of ``anchor_terms``) is fetched too, and every term is divided by
the anchor's mean over the window x 100, the same common scale as the stitched series
(:mod:`collectors.google_trends.stitch`). Rows go to ``search_series`` with method
``official-api:v1alpha`` (the backend note). Credentials come from the environment only
(``ATTENTION_TRENDS_CREDENTIALS`` or ``GOOGLE_APPLICATION_CREDENTIALS``: a service-account or
authorized-user JSON file), refreshed through google-auth over our HTTP layer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from attention.errors import AuthError, ConfigError, RetriableError
from attention.source_settings import trends_window
from collectors.core.records import CoverageSpan, Provenance, Record, SourceNote, utcnow
from collectors.core.volumes import SearchSeriesPoint

SCOPE = "https://www.googleapis.com/auth/searchtrends"
GOOGLE_TOKEN_HOST = "https://oauth2.googleapis.com"
METHOD = "official-api:v1alpha"
GRANULARITY = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
PERMISSION_CODES = {7, 16}  # google.rpc.Code PERMISSION_DENIED, UNAUTHENTICATED


class OperationError(RetriableError):
    """The long-running operation ended with an error, or never finished within max_polls."""


def credentials_path(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return env.get("ATTENTION_TRENDS_CREDENTIALS") or env.get("GOOGLE_APPLICATION_CREDENTIALS") or None


def choose_backend(backend: str, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """("pytrends" | "official", the reason for the run log)."""
    path = credentials_path(environ)
    if backend == "pytrends":
        return "pytrends", "pytrends: sources.google_trends.backend is 'pytrends'"
    if path:
        return "official", "official Trends API: credentials from the environment"
    if backend == "official":
        raise ConfigError(
            "google_trends: backend is 'official' but no credentials: set ATTENTION_TRENDS_CREDENTIALS "
            "(or GOOGLE_APPLICATION_CREDENTIALS) to a service-account or authorized-user JSON file; "
            "access is for allow-listed testers (apply at developers.google.com/search/apis/trends)"
        )
    return "pytrends", "pytrends: backend 'auto' found no Trends API credentials in the environment"


def load_credentials(path: str) -> Any:
    """google-auth credentials from a JSON key file (service account or authorized user)."""
    try:
        info = json.loads(open(path, encoding="utf-8").read())  # noqa: SIM115 - small file
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"google_trends: cannot read the credentials file named by the environment ({exc})"
        ) from None
    if info.get("type") == "service_account":
        from google.oauth2 import service_account

        return service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
    if info.get("type") == "authorized_user":
        from google.oauth2.credentials import Credentials

        return Credentials.from_authorized_user_info(info, scopes=[SCOPE])
    raise ConfigError(
        "google_trends: the credentials file is neither a service account nor an authorized user"
    )


def request_body(term: str, geo: str, first: dt.date, last: dt.date, resolution: str) -> dict[str, Any]:
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    spec: dict[str, Any] = {
        "expression": {"terms": [{"value": term, "type": "BROAD"}]},
        "timeRange": {
            "startTime": {"seconds": int(start.timestamp())},
            "endTime": {"seconds": int(end.timestamp())},
        },
        "timeResolution": resolution,
    }
    if geo:
        spec["geo"] = {"type": "GEO_TYPE_COUNTRY_OR_REGION", "code": geo}
    return {"spec": spec}


@dataclass(frozen=True)
class Point:
    start: dt.datetime
    end: dt.datetime
    value: float
    is_partial: bool


def parse_points(operation: Mapping[str, Any]) -> list[Point]:
    """The points of a finished operation; an ``error`` raises (permission: AuthError)."""
    error = operation.get("error")
    if error:
        code, message = error.get("code"), str(error.get("message", ""))[:160]
        kind = AuthError if code in PERMISSION_CODES else OperationError
        raise kind(f"google_trends: the Trends API operation failed (code {code}: {message})")
    points = operation.get("response", {}).get("timeSeries", {}).get("points")
    if not isinstance(points, list):
        raise OperationError("google_trends: the Trends API answered a finished operation without points")
    return [
        Point(
            _time(p["timeRange"]["startTime"]),
            _time(p["timeRange"]["endTime"]),
            float(p.get("searchInterest") or 0.0),
            bool(p.get("isPartial", False)),
        )
        for p in points
    ]


def _time(value: Any) -> dt.datetime:
    """RFC 3339 (protobuf JSON) or ``{"seconds": n}``."""
    if isinstance(value, Mapping):
        return dt.datetime.fromtimestamp(int(value.get("seconds", 0)), dt.UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def period_label(point: Point, granularity: str) -> dt.date:
    """Days by their date; weeks and months by their LAST day (search_series' convention)."""
    if granularity == "day":
        return point.start.date()
    return (point.end - dt.timedelta(seconds=1)).date()


@dataclass
class OfficialBackend:
    ctx: Any
    client: Any
    version: str

    @property
    def settings(self) -> Any:
        return self.ctx.config.sources.google_trends

    def run(self, terms: list[str]) -> Iterator[Record | SourceNote]:
        official = self.settings.official
        anchors = list(self.settings.anchor_terms)
        if not anchors:
            raise ConfigError(
                "google_trends: the official backend needs anchor_terms (its first sets the scale)"
            )
        self.authorise()
        first, last = trends_window(self.ctx.run_date, official.window_days)
        first = max(first, self.ctx.config.analysis.history_start)
        reference = self.fetch(anchors[0], first, last)
        final = [p.value for p in reference if not p.is_partial]
        scale = 100.0 / (sum(final) / len(final)) if final and sum(final) > 0 else None
        if scale is None:
            raise OperationError(f"google_trends: the reference anchor {anchors[0]!r} has no search interest")
        granularity = GRANULARITY[official.resolution]
        for term in dict.fromkeys([anchors[0], *terms]):
            points = reference if term == anchors[0] else self.fetch(term, first, last)
            yield from self.records(term, points, scale, granularity)

    def records(self, term: str, points: list[Point], scale: float, granularity: str) -> Iterator[Record]:
        provenance = Provenance(self.settings.official.url, self.version, utcnow(), {"term": term})
        now = utcnow()
        for point in points:
            label = period_label(point, granularity)
            value = point.value * scale
            yield SearchSeriesPoint(
                term, label, granularity, value, value, value, point.is_partial, METHOD, now
            )
        complete = [p for p in points if not p.is_partial]
        if complete:
            start, end = complete[0].start, complete[-1].end
            yield CoverageSpan("trends", "term", term, start, end, "collect", provenance, len(complete))

    def authorise(self) -> None:
        path = credentials_path()
        if path is None:
            raise ConfigError("google_trends: no ATTENTION_TRENDS_CREDENTIALS in the environment")
        from google.auth.exceptions import RefreshError
        from google.auth.transport.requests import Request

        credentials = load_credentials(path)
        if self.settings.official.oauth_url.rstrip("/") != GOOGLE_TOKEN_HOST:
            self.client.rewrites = {GOOGLE_TOKEN_HOST: self.settings.official.oauth_url}
        try:
            credentials.refresh(Request(session=self.client.as_session()))
        except RefreshError as exc:
            raise AuthError(
                f"google_trends: the Trends API credentials were refused ({str(exc)[:120]})"
            ) from None
        self.client.session.headers["Authorization"] = f"Bearer {credentials.token}"
        if self.settings.official.quota_project:
            self.client.session.headers["X-Goog-User-Project"] = self.settings.official.quota_project

    def fetch(self, term: str, first: dt.date, last: dt.date) -> list[Point]:
        official = self.settings.official
        base = official.url.rstrip("/")
        body = request_body(term, self.settings.geo, first, last, official.resolution)
        operation = self.client.post(f"{base}/v1alpha:fetchTimeSeries", json=body).json()
        name = str(operation.get("name", "")).removeprefix("operations/")
        for _ in range(official.max_polls):
            if operation.get("done"):
                return parse_points(operation)
            self.client.defer(official.poll_interval)  # the HTTP layer waits, not us
            operation = self.client.get(f"{base}/v1alpha/operations/{name}").json()
        if operation.get("done"):
            return parse_points(operation)
        raise OperationError(
            f"google_trends: the Trends API operation for {term!r} was not done after "
            f"{official.max_polls} polls; raise sources.google_trends.official.max_polls or try later"
        )
