"""The Google Trends protocol (cookie GET -> ``api/explore`` token -> ``api/widgetdata/multiline``)
on pytrends 4.9.2, with every request sent through our :class:`~collectors.core.http.HttpClient`.

What pytrends does not do for us, and why (DESIGN.md 5, Google Trends):

* ``TrendReq()`` fetches a cookie in its constructor: :class:`RoutedTrendReq` defers it to the
  first data request, so a run answered from the store sends nothing at all.
* pytrends opens a fresh ``requests`` session per call and its ``retries``/``backoff_factor``
  raise ``TypeError`` under urllib3 2: we override ``_get_data`` so retries, backoff, pacing and
  the request budget are the HttpClient's, with ``stop_on_429`` (a 429 from Google means "stop
  for a long while").
* URLs are class attributes on ``https://trends.google.com``: the client's ``rewrites`` send them
  to ``sources.google_trends.base_url`` (a replica, a proxy).
* A 429 served as ``text/javascript`` reaches pytrends' JSON parser and surfaces as
  ``JSONDecodeError``: we classify statuses before parsing, and a non-JSON body that reads like a
  rate-limit page becomes :class:`RateLimitedError`, anything else :class:`RetriableError`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pytrends.request import TrendReq

from collectors.core.http import HttpClient
from collectors.core.records import RateLimitedError, RetriableError
from collectors.google_trends.stitch import Response

GOOGLE_BASE = "https://trends.google.com"  # the host pytrends hard-codes
XSSI_PREFIXES = (")]}',", ")]}'")  # Google's anti-JSON-hijacking prefixes (multiline, explore)
RESOLUTIONS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
_RATE_LIMIT_HINTS = ("429", "too many requests", "unusual traffic", "quota")


def decode_body(text: str, where: str = "Google Trends") -> Any:
    """JSON from a Trends body, without its ``)]}'`` prefix; rate-limit pages are classified."""
    body = text.lstrip()
    for prefix in XSSI_PREFIXES:
        if body.startswith(prefix):
            body = body[len(prefix) :]
            break
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        head = " ".join(body[:120].split())
        if any(hint in body[:2000].lower() for hint in _RATE_LIMIT_HINTS):
            raise RateLimitedError(
                f"{where}: answered with a rate-limit page instead of JSON (a 429 in disguise); "
                "stopping; the next run resumes where this one stopped"
            ) from None
        raise RetriableError(
            f"{where}: the answer is not JSON (starts {head!r}); Google may be "
            "blocking scripted clients; try again later"
        ) from None


class RoutedTrendReq(TrendReq):
    """pytrends' TrendReq whose HTTP goes through our client; the cookie is fetched lazily."""

    def __init__(self, client: HttpClient, hl: str = "en-US", tz: int = 0) -> None:
        self._client = client
        self._cookie_fetched = False
        self.last_raw: str | None = None
        self.last_url: str | None = None
        super().__init__(hl=hl, tz=tz)  # calls GetGoogleCookie, which no longer sends anything

    def GetGoogleCookie(self) -> dict[str, str]:  # noqa: N802 - pytrends' name
        return {}

    def _ensure_cookie(self) -> None:
        if self._cookie_fetched:
            return
        url = f"{GOOGLE_BASE}/trends/explore/?geo={self.hl[-2:]}"
        # Google answers this page with 404 *and* the NID cookie (see the recordings): a 404 is
        # fine here, a 429/5xx is not.
        response = self._client.get(url, return_errors=True)
        if response.status_code == 429 or response.status_code >= 500:
            raise self._client.last_error or RetriableError(
                f"google_trends: cookie request answered HTTP {response.status_code}"
            )
        self.cookies = {k: v for k, v in response.cookies.items() if k == "NID"}
        self._cookie_fetched = True

    def _get_data(
        self, url: str, method: str = TrendReq.GET_METHOD, trim_chars: int = 0, **kwargs: Any
    ) -> Any:
        self._ensure_cookie()
        response = self._client.request(
            method.upper(), url, cookies=self.cookies, headers=self.headers, **kwargs
        )
        self.last_raw, self.last_url = response.text, self._client.rewrite(url)
        return decode_body(response.text, f"google_trends: {url.rsplit('/', 1)[-1]}")


@dataclass(frozen=True)
class Fetched:
    """One multiline answer with what was asked: the raw body is the record of truth."""

    terms: tuple[str, ...]
    timeframe: str
    geo: str
    raw: str
    url: str
    widget_request: dict[str, Any]

    @property
    def granularity(self) -> str | None:
        return RESOLUTIONS.get(str(self.widget_request.get("resolution", "")).upper())


class TrendsFetcher:
    """Explore + multiline for one payload of <= 5 terms."""

    def __init__(self, client: HttpClient, geo: str, hl: str = "en-US") -> None:
        self.client, self.geo, self.hl = client, geo, hl
        self._req: RoutedTrendReq | None = None

    @property
    def needs_cookie(self) -> bool:
        """Whether the next payload costs a cookie request too."""
        return self._req is None or not self._req._cookie_fetched

    def fetch(self, terms: Sequence[str], timeframe: str) -> Fetched:
        if self._req is None:
            self._req = RoutedTrendReq(self.client, hl=self.hl)
        req = self._req
        req.build_payload(list(terms), timeframe=timeframe, geo=self.geo)  # explore -> tokens
        widget = req.interest_over_time_widget
        if not widget or "token" not in widget:
            raise RetriableError(
                "google_trends: explore answered without a TIMESERIES widget token; try again later"
            )
        params = {"req": json.dumps(widget["request"]), "token": widget["token"], "tz": req.tz}
        req._get_data(
            url=TrendReq.INTEREST_OVER_TIME_URL, method=TrendReq.GET_METHOD, trim_chars=5, params=params
        )
        return Fetched(
            tuple(terms),
            timeframe,
            self.geo,
            req.last_raw or "",
            (req.last_url or "").split("?", 1)[0],
            widget["request"],
        )


@dataclass(frozen=True)
class Timeline:
    """A parsed multiline answer: raw 0-100 values per term and period, and isPartial flags."""

    granularity: str
    values: pd.DataFrame  # index: period start (UTC midnight), columns: terms
    partial: pd.Series

    def response(
        self, request_id: str, anchor: str | None = None, fetched_on: dt.date | None = None
    ) -> Response:
        return Response(request_id, self.granularity, self.values, self.partial, anchor, fetched_on)


def parse_multiline(raw: str, terms: Sequence[str], granularity: str | None = None) -> Timeline:
    """Parse a ``widgetdata/multiline`` body. Values are aligned to ``terms`` in request order.

    Each point's ``time`` is the period start in epoch seconds (a Sunday for weekly data);
    ``isPartial`` marks an incomplete last period; ``hasData: false`` comes with value 0.
    """
    data = decode_body(raw, "google_trends: multiline")
    try:
        points = data["default"]["timelineData"]
    except (KeyError, TypeError):
        raise RetriableError(
            "google_trends: multiline answer has no default.timelineData; the protocol may have changed"
        ) from None
    if not isinstance(points, list):
        raise RetriableError(
            f"google_trends: multiline timelineData is a "
            f"{type(points).__name__}, not a list; the protocol may have "
            "changed"
        )
    starts, rows, partial = [], [], []
    for number, point in enumerate(points):
        values = point.get("value", []) if isinstance(point, dict) else None
        if not isinstance(values, list):
            raise RetriableError(
                f"google_trends: multiline point {number} has no list of "
                f"values ({str(point)[:80]}); the protocol may have changed"
            )
        if len(values) != len(terms):
            raise RetriableError(
                f"google_trends: a point has {len(values)} values for "
                f"{len(terms)} terms ({list(terms)}); the answer does not "
                "match the request"
            )
        try:
            starts.append(pd.Timestamp(int(point["time"]), unit="s").normalize())
            rows.append([float(v) for v in values])
        except (TypeError, KeyError, ValueError, OverflowError):
            # A point that is not {"time": "<epoch seconds>", "value": [<numbers>]}.
            raise RetriableError(
                f"google_trends: multiline point {number} is not a time and "
                f"numbers ({str(point)[:80]}); the protocol may have "
                "changed"
            ) from None
        partial.append(bool(point.get("isPartial", False)))
    index = pd.DatetimeIndex(starts, name="period")
    frame = pd.DataFrame(rows, index=index, columns=list(terms), dtype=float)
    return Timeline(
        granularity or infer_granularity(index), frame, pd.Series(partial, index=index, dtype=bool)
    )


def infer_granularity(index: pd.DatetimeIndex) -> str:
    if len(index) < 2:
        return "day"
    step = pd.Series(index).diff().dt.days.median()
    return "day" if step <= 1 else "week" if step <= 7 else "month"
