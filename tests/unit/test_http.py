from __future__ import annotations

import pytest
import requests

from attention.errors import AuthError, BudgetExhaustedError, RateLimitedError, RetriableError
from collectors.core.http import HttpClient, HttpStatusError, RetryPolicy, parse_retry_after


class FakeSession(requests.Session):
    """Answers from a script of (status, headers) or exceptions; records every call."""

    def __init__(self, script: list) -> None:
        super().__init__()
        self.script = list(script)
        self.calls: list[str] = []

    def request(self, method, url, **kwargs):  # noqa: ANN001
        self.calls.append(url)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, headers = step
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = b"{}"
        response.url = url
        return response


def client(script: list, **kwargs) -> tuple[HttpClient, FakeSession]:
    session = FakeSession(script)
    return HttpClient("test", session=session, **kwargs), session


def test_retries_5xx_with_growing_jittered_backoff(slept: list[float]) -> None:
    http, session = client(
        [(503, {}), (502, {}), (500, {}), (200, {})],
        policy=RetryPolicy(max_retries=3, backoff_base=2, backoff_max=60),
    )
    assert http.get("https://x.test/a").status_code == 200
    assert len(session.calls) == 4
    # equal jitter: each wait lies in [ceiling/2, ceiling] with ceiling 2, 4, 8
    for wait, ceiling in zip(slept, [2, 4, 8], strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_gives_up_after_max_retries_with_a_retriable_error(slept: list[float]) -> None:
    http, _ = client([(500, {})] * 3, policy=RetryPolicy(max_retries=2))
    with pytest.raises(RetriableError, match="HTTP 500"):
        http.get("https://x.test/a?token=SECRET")
    assert "SECRET" not in str(http.last_error)


def test_honours_retry_after_seconds(slept: list[float]) -> None:
    http, _ = client([(429, {"Retry-After": "7"}), (200, {})])
    http.get("https://x.test/a")
    assert slept == [7.0]


def test_429_too_long_or_stop_policy_raises_rate_limited(slept: list[float]) -> None:
    http, _ = client([(429, {"Retry-After": "3600"})], policy=RetryPolicy(max_wait=60))
    with pytest.raises(RateLimitedError) as err:
        http.get("https://x.test/a")
    assert err.value.retry_after == 3600
    http, session = client([(429, {})], policy=RetryPolicy(stop_on_429=True))
    with pytest.raises(RateLimitedError):
        http.get("https://x.test/a")
    assert len(session.calls) == 1 and slept == []


def test_auth_refused_is_fatal_without_retry() -> None:
    http, session = client([(401, {})])
    with pytest.raises(AuthError, match="credentials were refused"):
        http.get("https://x.test/a")
    assert len(session.calls) == 1


def test_other_4xx_carries_the_status() -> None:
    http, _ = client([(404, {})])
    with pytest.raises(HttpStatusError) as err:
        http.get("https://x.test/a")
    assert err.value.status == 404


def test_connection_errors_and_timeouts_are_retried(slept: list[float]) -> None:
    http, session = client([requests.ConnectionError("reset"), requests.Timeout("slow"), (200, {})])
    assert http.get("https://x.test/a").status_code == 200
    assert len(slept) == 2


def test_budget_is_spent_per_attempt_and_then_refused(slept: list[float]) -> None:
    http, session = client([(500, {}), (200, {}), (200, {})], budget=2)
    http.get("https://x.test/a")
    with pytest.raises(BudgetExhaustedError, match="budget of 2"):
        http.get("https://x.test/b")
    assert len(session.calls) == 2


def test_pacing_waits_between_requests(slept: list[float]) -> None:
    http, _ = client([(200, {}), (200, {})], min_interval=5.0)
    http.get("https://x.test/a")
    http.get("https://x.test/b")
    assert len(slept) == 1 and 4.0 < slept[0] <= 5.0


def test_rewrites_hard_coded_hosts() -> None:
    http, session = client([(200, {})], rewrites={"https://query1.example.com": "http://127.0.0.1:9"})
    http.get("https://query1.example.com/v8/chart/IWM")
    assert session.calls == ["http://127.0.0.1:9/v8/chart/IWM"]


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
