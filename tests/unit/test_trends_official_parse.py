"""The official Trends API shapes (Google's request/response samples as testers publish them):
the fetchTimeSeries request body, a finished Operation's points, operation errors, period
labels, and the backend choice."""

from __future__ import annotations

import datetime as dt

import pytest

from attention.errors import AuthError, ConfigError
from collectors.google_trends.official_api import (
    OperationError,
    choose_backend,
    parse_points,
    period_label,
    request_body,
)

DONE = {
    "name": "operations/abc123",
    "done": True,
    "response": {
        "timeSeries": {
            "points": [
                {
                    "timeRange": {"startTime": "2024-03-03T00:00:00Z", "endTime": "2024-03-10T00:00:00Z"},
                    "searchInterest": 1234.5,
                    "scaledSearchInterest": 88,
                },
                {
                    "timeRange": {"startTime": "2024-03-10T00:00:00Z", "endTime": "2024-03-17T00:00:00Z"},
                    "searchInterest": 1402.0,
                    "scaledSearchInterest": 100,
                    "isPartial": True,
                    "extendsPastRequestedTimeRange": True,
                },
            ]
        }
    },
}


def test_request_body() -> None:
    body = request_body("IWM stock", "US", dt.date(2024, 1, 1), dt.date(2024, 1, 31), "WEEK")
    spec = body["spec"]
    assert spec["expression"] == {"terms": [{"value": "IWM stock", "type": "BROAD"}]}
    assert spec["geo"] == {"type": "GEO_TYPE_COUNTRY_OR_REGION", "code": "US"}
    assert spec["timeRange"]["startTime"] == {"seconds": 1704067200}
    assert spec["timeRange"]["endTime"] == {"seconds": 1704067200 + 31 * 86400}  # end of Jan 31
    assert spec["timeResolution"] == "WEEK"
    assert "geo" not in request_body("x", "", dt.date(2024, 1, 1), dt.date(2024, 1, 2), "DAY")["spec"]


def test_points_of_a_finished_operation() -> None:
    points = parse_points(DONE)
    assert [p.value for p in points] == [1234.5, 1402.0]
    assert [p.is_partial for p in points] == [False, True]
    assert period_label(points[0], "week") == dt.date(2024, 3, 9)  # the Saturday
    assert period_label(points[0], "day") == dt.date(2024, 3, 3)


def test_operation_errors() -> None:
    with pytest.raises(AuthError, match="not allow-listed"):
        parse_points({"done": True, "error": {"code": 7, "message": "not allow-listed"}})
    with pytest.raises(OperationError, match="code 13"):
        parse_points({"done": True, "error": {"code": 13, "message": "internal"}})
    with pytest.raises(OperationError, match="without points"):
        parse_points({"done": True, "response": {}})


def test_backend_choice() -> None:
    key = {"ATTENTION_TRENDS_CREDENTIALS": "/keys/trends.json"}
    assert choose_backend("pytrends", key)[0] == "pytrends"
    assert choose_backend("auto", key)[0] == "official"
    assert choose_backend("auto", {})[0] == "pytrends"
    assert choose_backend("official", {"GOOGLE_APPLICATION_CREDENTIALS": "/k.json"})[0] == "official"
    with pytest.raises(ConfigError, match="ATTENTION_TRENDS_CREDENTIALS"):
        choose_backend("official", {})
