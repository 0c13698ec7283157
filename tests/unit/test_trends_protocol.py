"""The Trends protocol wrapper: pytrends' flow through our HttpClient, and its failure modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from collectors.core.http import HttpClient, RetryPolicy
from collectors.core.records import RateLimitedError, RetriableError
from collectors.google_trends.protocol import (
    RoutedTrendReq,
    TrendsFetcher,
    decode_body,
    infer_granularity,
    parse_multiline,
)

BASE = "http://replica.test"
WIDGET = {"time": "2024-01-01 2024-01-03", "resolution": "DAY", "comparisonItem": []}
EXPLORE = ")]}'\n" + json.dumps(
    {
        "widgets": [
            {"id": "TIMESERIES", "request": WIDGET, "token": "TOKEN1"},
            {"id": "GEO_MAP", "request": {}, "token": "TOKEN2"},
        ]
    }
)
MULTILINE = ")]}',\n" + json.dumps(
    {
        "default": {
            "timelineData": [
                {"time": "1704067200", "value": [100, 3], "hasData": [True, True]},
                {"time": "1704153600", "value": [80, 0], "hasData": [True, False]},
                {"time": "1704240000", "value": [60, 2], "hasData": [True, True], "isPartial": True},
            ]
        }
    }
)


def reply(status: int, body: str, content_type: str, **cookies: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.encoding = "utf-8"
    for name, value in cookies.items():
        response.cookies.set(name, value)
    return response


class ScriptedSession(requests.Session):
    """Answers by URL path; records every request (method, url, kwargs)."""

    def __init__(self, answers: dict[str, requests.Response]) -> None:
        super().__init__()
        self.answers = answers
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append((method, url, kwargs))
        for fragment, response in self.answers.items():
            if fragment in url:
                return response
        raise AssertionError(f"unexpected request {method} {url}")


def client_for(answers: dict[str, requests.Response]) -> tuple[HttpClient, ScriptedSession]:
    session = ScriptedSession(answers)
    client = HttpClient(
        "google_trends",
        session=session,
        policy=RetryPolicy(stop_on_429=True),
        rewrites={"https://trends.google.com": BASE},
    )
    return client, session


def good_answers() -> dict[str, requests.Response]:
    return {
        "/trends/explore/": reply(404, "<html>404</html>", "text/html", NID="511=abc"),
        "/api/explore": reply(200, EXPLORE, "application/json; charset=utf-8"),
        "/widgetdata/multiline": reply(200, MULTILINE, "application/json; charset=UTF-8"),
    }


def test_constructing_the_request_object_sends_nothing() -> None:
    client, session = client_for(good_answers())
    RoutedTrendReq(client)
    assert session.calls == [] and client.requests_made == 0


def test_fetch_runs_cookie_explore_multiline_through_our_client() -> None:
    client, session = client_for(good_answers())
    fetcher = TrendsFetcher(client, geo="US")
    got = fetcher.fetch(["pizza", "bagel"], "2024-01-01 2024-01-03")
    methods_urls = [(m, u.split("?")[0]) for m, u, _ in session.calls]
    assert methods_urls == [
        ("GET", f"{BASE}/trends/explore/"),
        ("POST", f"{BASE}/trends/api/explore"),
        ("GET", f"{BASE}/trends/api/widgetdata/multiline"),
    ]
    explore_kwargs = session.calls[1][2]
    assert explore_kwargs["cookies"] == {"NID": "511=abc"}
    req = json.loads(explore_kwargs["params"]["req"])
    assert [i["keyword"] for i in req["comparisonItem"]] == ["pizza", "bagel"]
    assert session.calls[2][2]["params"]["token"] == "TOKEN1"
    assert got.raw == MULTILINE and got.granularity == "day" and client.requests_made == 3
    fetcher.fetch(["x"], "2024-01-01 2024-01-03")
    assert client.requests_made == 5  # the next payload reuses the cookie: explore + multiline


def test_429_served_as_javascript_stops_at_once(slept: list[float]) -> None:
    answers = good_answers()
    answers["/api/explore"] = reply(429, "<html>Too Many Requests</html>", "text/javascript")
    client, session = client_for(answers)
    with pytest.raises(RateLimitedError):
        TrendsFetcher(client, "US").fetch(["pizza"], "today 5-y")
    assert len(session.calls) == 2 and slept == []  # no retry: stop for a long while


def test_rate_limit_page_with_status_200_is_a_rate_limit() -> None:
    answers = good_answers()
    answers["/api/explore"] = reply(
        200, "<html>Our systems have detected unusual traffic</html>", "text/javascript"
    )
    client, _ = client_for(answers)
    with pytest.raises(RateLimitedError, match="429 in disguise"):
        TrendsFetcher(client, "US").fetch(["pizza"], "today 5-y")


def test_garbage_body_is_retriable_later() -> None:
    with pytest.raises(RetriableError, match="not JSON"):
        decode_body("<html><body>Service temporarily unavail\x00")
    assert decode_body(')]}\',\n{"a": 1}') == {"a": 1}
    assert decode_body(')]}\'\n{"a": 2}') == {"a": 2}


def test_parse_multiline_aligns_terms_and_flags_partial() -> None:
    timeline = parse_multiline(MULTILINE, ["pizza", "bagel"])
    assert timeline.granularity == "day"
    assert timeline.values["pizza"].tolist() == [100, 80, 60]
    assert timeline.values["bagel"].tolist() == [3, 0, 2]
    assert timeline.partial.tolist() == [False, False, True]
    assert str(timeline.values.index[0].date()) == "2024-01-01"
    with pytest.raises(RetriableError, match="does not match the request"):
        parse_multiline(MULTILINE, ["pizza"])
    with pytest.raises(RetriableError, match="timelineData"):
        parse_multiline(')]}\',\n{"default": {}}', ["pizza"])


def test_granularity_is_inferred_from_the_spacing() -> None:
    import pandas as pd

    assert infer_granularity(pd.date_range("2024-01-07", periods=4, freq="7D")) == "week"
    assert infer_granularity(pd.date_range("2024-01-01", periods=4, freq="MS")) == "month"
