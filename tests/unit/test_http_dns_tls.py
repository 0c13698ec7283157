"""The HTTP layer does not retry a DNS or TLS failure (neither heals in seconds) and names it in
one short line; other dropped connections are still retried."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests

from attention.errors import RetriableError
from collectors.core.http import HttpClient, RetryPolicy


class _Failing(requests.Session):
    def __init__(self, root: BaseException, outer: type[requests.RequestException]) -> None:
        super().__init__()
        self.root, self.outer, self.calls = root, outer, 0

    def request(self, *args, **kwargs):  # type: ignore[override]
        self.calls += 1
        try:
            raise self.root
        except BaseException as inner:
            raise self.outer("Max retries exceeded with url: /x?token=secret " + "z" * 1400) from inner


@pytest.mark.parametrize(
    ("root", "outer", "named"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            requests.ConnectionError,
            "DNS failure",
        ),
        (ssl.SSLError(1, "WRONG_VERSION_NUMBER"), requests.exceptions.SSLError, "TLS failure"),
    ],
)
def test_dns_and_tls_failures_are_not_retried(root, outer, named) -> None:
    session = _Failing(root, outer)
    client = HttpClient("news", session=session, policy=RetryPolicy(max_retries=3))
    with pytest.raises(RetriableError) as caught:
        client.get("https://news.example/rss?token=secret")
    assert session.calls == 1
    message = str(caught.value)
    assert named in message and "secret" not in message and len(message) < 160


def test_a_reset_connection_is_still_retried() -> None:
    session = _Failing(ConnectionResetError(104, "reset"), requests.ConnectionError)
    client = HttpClient("news", session=session, policy=RetryPolicy(max_retries=2))
    with pytest.raises(RetriableError, match="ConnectionError"):
        client.get("https://news.example/rss")
    assert session.calls == 3


def test_a_host_that_did_not_resolve_is_not_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # offline, the Atom feeds' 6-second pacing made `attention run` wait a minute for requests
    # to a host whose name had already failed to resolve
    waits: list[float] = []
    monkeypatch.setattr("collectors.core.http.sleep", waits.append)
    unknown = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    session = _Failing(unknown, requests.ConnectionError)
    client = HttpClient("reddit", session=session, min_interval=6.0, budget=10)
    for feed in ("stocks", "investing", "wallstreetbets"):
        with pytest.raises(RetriableError, match="DNS failure") as caught:
            client.get(f"https://www.reddit.test/r/{feed}/new/.rss")
    assert session.calls == 1 and client.requests_made == 1  # asked once, counted once
    assert waits == []  # no pacing before requests that are never sent
    assert "unreachable earlier in this run" in str(caught.value) and len(client.errors) == 3
    other = _Failing(ConnectionResetError(104, "reset"), requests.ConnectionError)
    client.session = other  # another host is still asked
    with pytest.raises(RetriableError, match="ConnectionError"):
        client.get("https://arctic.test/api")
    assert other.calls == 4
