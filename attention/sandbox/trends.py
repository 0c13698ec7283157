"""Replica of Google Trends (the protocol pytrends speaks), serving the world's hidden true
daily search interest (:meth:`World.search_truth`) the way Google would show it.

Mirrors the real recordings in ``../shared/data/pytrends_cassettes``:

* ``GET /trends/explore/?geo=US`` answers 404 with an ``NID`` cookie (Google does exactly that);
  ``POST /trends/api/explore`` without that cookie gets 429, as cookieless clients do.
* ``POST /trends/api/explore?hl=..&tz=..&req={comparisonItem: [{keyword, time, geo}], ...}``
  answers ``)]}'`` + JSON widgets; the TIMESERIES widget carries the resolved request (explicit
  dates, resolution) and a token bound to it.
* ``GET /trends/api/widgetdata/multiline?req=..&token=..&tz=..`` answers ``)]}',`` + JSON
  ``default.timelineData``: one point per period with ``time`` (period start, epoch seconds),
  ``value`` per keyword, ``hasData``, ``formattedValue``, and ``isPartial`` on the last point
  when the window reaches the world's last day.

Like Google: daily points for windows of <= 269 days, weekly (Sunday-Saturday, labelled by the
Sunday, from the first Sunday in the window) up to ~5 years, monthly beyond; every response is
scaled so its largest value is 100 and rounded to integers, values under 1 shown as 0 ("<1").
``sampling_noise`` (default 0, exact) adds Google's sampling error: each response is computed from
a sample of searches, so two requests disagree, and more for rare terms. A value's relative error
has standard deviation ``sampling_noise * sqrt(peak / value)`` within its response (counting-
noise shape: 1% of the peak gets ten times the peak's error), fixed per distinct request, as
Google's own caching keeps a repeated request stable within a day.
Rate limiting is injected with the server's FaultPlan, e.g.
``server.faults.add(Fault("status", path="/trends/api", status=429, times=3))``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import numpy as np
import pandas as pd

from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import World

DAILY_MAX_DAYS = 269
WEEKLY_MAX_DAYS = 1900
EXPLORE_PREFIX = ")]}'\n"
MULTILINE_PREFIX = ")]}',\n"


def google_scale(frame: pd.DataFrame) -> pd.DataFrame:
    """Scale a table of true values so its maximum is 100, round, and zero what is under 1."""
    peak = float(np.nanmax(frame.to_numpy())) if frame.size else 0.0
    if peak <= 0:
        return frame * 0.0
    scaled = frame * (100.0 / peak)
    return np.floor(scaled + 0.5).where(scaled >= 1.0, 0.0)


def resolution_for(start: dt.date, end: dt.date) -> str:
    days = (end - start).days + 1
    return "DAY" if days <= DAILY_MAX_DAYS else "WEEK" if days <= WEEKLY_MAX_DAYS else "MONTH"


def bucket(daily: pd.DataFrame, resolution: str) -> pd.DataFrame:
    """Sum daily truth into Google's periods: days, Sunday weeks, or calendar months."""
    if resolution == "DAY" or daily.empty:
        return daily
    if resolution == "WEEK":
        first = daily.index[0] + pd.Timedelta(days=(6 - daily.index[0].day_of_week) % 7)
        daily = daily[daily.index >= first]
        keys = daily.index - pd.to_timedelta((daily.index.day_of_week + 1) % 7, unit="D")
    else:
        first = daily.index[0] if daily.index[0].day == 1 else (daily.index[0] + pd.offsets.MonthBegin(1))
        daily = daily[daily.index >= first]
        keys = daily.index.to_period("M").to_timestamp()
    return daily.groupby(keys).sum()


class TrendsReplica(Replica):
    name = "trends"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self._truth: dict[str, pd.Series] = {}
        self._key = hashlib.sha256(f"trends-replica|{world.seed}".encode()).digest()
        self.sampling_noise = 0.0
        self.route("GET", r"/trends/explore/?", self.cookie)
        self.route("POST", r"/trends/api/explore", self.explore)
        self.route("GET", r"/trends/api/widgetdata/multiline", self.multiline)

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        # A replica does not need pacing; rate limits are injected as faults instead.
        return {"sources.google_trends.base_url": url, "sources.google_trends.min_interval": 0.0}

    # -- routes -------------------------------------------------------------------------------
    def cookie(self, request: Request) -> Response:
        nid = hashlib.sha256(repr(request.headers.get("user-agent")).encode()).hexdigest()[:24]
        return Response.text(
            "<html><title>Error 404 (Not Found)!!1</title></html>",
            404,
            content_type="text/html; charset=utf-8",
            **{"Set-Cookie": f"NID=511={nid}; path=/; HttpOnly"},
        )

    def explore(self, request: Request) -> Response:
        if "NID=" not in (request.header("cookie") or ""):
            return Response.text(
                "<html>Too Many Requests</html>", 429, content_type="text/html; charset=utf-8"
            )
        try:
            spec = json.loads(request.arg("req") or "")
            items = spec["comparisonItem"]
            keywords = [str(item["keyword"]) for item in items]
            times = {item["time"] for item in items}
            geo = str(items[0].get("geo", "")) if items else ""
        except (ValueError, KeyError, TypeError):
            return _error(400, "req must be JSON with comparisonItem [{keyword, time, geo}]")
        if not 1 <= len(keywords) <= 5 or len(times) != 1:
            return _error(400, "1-5 keywords with one common time range are served")
        try:
            start, end = self._resolve_time(times.pop())
        except ValueError as exc:
            return _error(400, str(exc))
        widget_request = {
            "time": f"{start.isoformat()} {end.isoformat()}",
            "resolution": resolution_for(start, end),
            "locale": request.arg("hl", "en-US"),
            "comparisonItem": [
                {
                    "geo": {"country": geo} if geo else {},
                    "complexKeywordsRestriction": {"keyword": [{"type": "BROAD", "value": kw}]},
                }
                for kw in keywords
            ],
            "requestOptions": {
                "property": spec.get("property", ""),
                "backend": "IZG",
                "category": spec.get("category", 0),
            },
            "userConfig": {"userType": "USER_TYPE_SCRAPER"},
        }
        widgets = [
            {
                "request": widget_request,
                "lineAnnotationText": "Search interest",
                "bullets": [{"text": kw} for kw in keywords],
                "token": self._token(widget_request),
                "id": "TIMESERIES",
                "type": "fe_line_chart",
                "title": "Interest over time",
            },
            {
                "request": {"geo": {"country": geo} if geo else {}, "resolution": "REGION"},
                "token": self._token({"geo": geo}),
                "id": "GEO_MAP",
                "type": "fe_geo_chart_explore",
                "title": "Interest by subregion",
            },
        ]
        body = {
            "widgets": widgets,
            "keywords": [{"keyword": kw, "name": kw, "type": "Search term"} for kw in keywords],
        }
        return Response.text(
            EXPLORE_PREFIX + json.dumps(body), content_type="application/json; charset=utf-8"
        )

    def multiline(self, request: Request) -> Response:
        try:
            widget_request = json.loads(request.arg("req") or "")
            keywords = [
                item["complexKeywordsRestriction"]["keyword"][0]["value"]
                for item in widget_request["comparisonItem"]
            ]
            start, end = (dt.date.fromisoformat(p) for p in widget_request["time"].split(" "))
        except (ValueError, KeyError, TypeError, IndexError):
            return _error(400, "req must be the TIMESERIES widget's request")
        if not hmac.compare_digest(request.arg("token") or "", self._token(widget_request)):
            return _error(400, "the token does not belong to this request; ask api/explore")
        table = self.timeline(keywords, start, end, widget_request.get("resolution", "DAY"))
        body = {"default": {"timelineData": table, "averages": _averages(table, len(keywords))}}
        return Response.text(
            MULTILINE_PREFIX + json.dumps(body), content_type="application/json; charset=UTF-8"
        )

    # -- data ---------------------------------------------------------------------------------
    def truth(self, term: str) -> pd.Series:
        if term not in self._truth:
            self._truth[term] = self.world.search_truth(term)
        return self._truth[term]

    def timeline(
        self, keywords: list[str], start: dt.date, end: dt.date, resolution: str
    ) -> list[dict[str, Any]]:
        lo, hi = max(start, self.world.start), min(end, self.world.end)
        daily = pd.DataFrame(
            {i: self.truth(kw).loc[pd.Timestamp(lo) : pd.Timestamp(hi)] for i, kw in enumerate(keywords)}
        )
        periods = self._sampled(bucket(daily, resolution), keywords, lo, hi, resolution)
        values = google_scale(periods)
        scaled = periods * (100.0 / float(np.nanmax(periods.to_numpy()))) if periods.size else periods
        partial_last = end >= self.world.end
        points = []
        for n, (stamp, row) in enumerate(values.iterrows()):
            shown = ["<1" if 0 < scaled.loc[stamp, i] < 1 else str(int(v)) for i, v in enumerate(row)]
            point = {
                "time": str(int(stamp.timestamp())),
                "formattedTime": stamp.strftime("%b %-d, %Y"),
                "formattedAxisTime": stamp.strftime("%b %-d, %Y"),
                "value": [int(v) for v in row],
                "hasData": [bool(periods.loc[stamp, i] > 0) for i in range(len(keywords))],
                "formattedValue": shown,
            }
            if partial_last and n == len(values) - 1:
                point["isPartial"] = True
            points.append(point)
        return points

    def _sampled(
        self, periods: pd.DataFrame, keywords: list[str], start: dt.date, end: dt.date, resolution: str
    ) -> pd.DataFrame:
        """The periods as one sample of searches would show them (see the module docstring)."""
        if not self.sampling_noise or periods.empty:
            return periods
        request = json.dumps([keywords, str(start), str(end), resolution]).encode()
        seed = int.from_bytes(hmac.new(self._key, request, hashlib.sha256).digest()[:8], "big")
        rng = np.random.default_rng(seed)
        values = periods.to_numpy(dtype=float)
        peak = float(np.nanmax(values))
        if not peak > 0:
            return periods
        relative = self.sampling_noise * np.sqrt(peak / np.maximum(values, peak * 1e-4))
        # A gamma factor with mean 1 and s.d. ``relative``: never negative, and unbiased even
        # where the error is large (clipping a normal draw at 0 would inflate rare values).
        shape = 1.0 / relative**2
        noisy = values * rng.gamma(shape, 1.0 / shape)
        return pd.DataFrame(noisy, index=periods.index, columns=periods.columns)

    def _resolve_time(self, text: str) -> tuple[dt.date, dt.date]:
        end = self.world.end
        if text.startswith("today "):
            amount, unit = text.split(" ", 1)[1].split("-")
            if unit == "y":
                start = end.replace(year=end.year - int(amount))
            elif unit == "m":
                start = (pd.Timestamp(end) - pd.DateOffset(months=int(amount))).date()
            else:
                raise ValueError(f"unsupported time {text!r}")
            return start, end
        try:
            start, stop = (dt.date.fromisoformat(p) for p in text.split(" "))
        except ValueError:
            raise ValueError(f"time must be 'YYYY-MM-DD YYYY-MM-DD' or 'today N-y' (got {text!r})") from None
        if stop < start or stop < self.world.start or start > self.world.end:
            raise ValueError(f"no data for {text!r}: the world runs {self.world.start} to {self.world.end}")
        return start, stop

    def _token(self, widget_request: dict[str, Any]) -> str:
        canonical = json.dumps(widget_request, sort_keys=True, separators=(",", ":"))
        digest = hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()
        return "APP6_SBX" + digest[:32]


def _averages(points: list[dict[str, Any]], n: int) -> list[int]:
    if not points:
        return [0] * n
    return [round(sum(p["value"][i] for p in points) / len(points)) for i in range(n)]


def _error(status: int, message: str) -> Response:
    return Response.text(
        f"<html><body>{message}</body></html>", status, content_type="text/html; charset=utf-8"
    )
