"""How `attention sources check` names what went wrong: statuses from HTTP answers, and the root
cause of a failed connection in one short line (not urllib3's chain)."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests

from attention.daily.sources_check import classify_exception, classify_response


@pytest.mark.parametrize(
    ("code", "body", "status", "detail"),
    [
        (200, b"<feed/>", "reachable", "HTTP 200, 7 bytes"),
        (200, b" \n", "blocked", "HTTP 200 with an empty body (a soft block)"),
        (429, b"", "blocked", "HTTP 429 (rate limited)"),
        (403, b"<html>", "blocked", "HTTP 403 (refused)"),
        (302, b"", "blocked", "HTTP 302 (redirected, e.g. to a login page)"),
        (401, b"", "needs credentials", "HTTP 401 (credentials refused)"),
        (503, b"", "failing", "HTTP 503 (the service is failing)"),
    ],
)
def test_answers(code: int, body: bytes, status: str, detail: str) -> None:
    assert classify_response(code, body, "do X")[:2] == (status, detail)


def _wrapped(root: BaseException, outer: type[requests.RequestException]) -> requests.RequestException:
    """requests' shape: ConnectionError(MaxRetryError(reason=NameResolutionError(... gaierror)))."""
    try:
        try:
            raise root
        except BaseException as inner:
            raise outer(
                f"HTTPSConnectionPool(host='x', port=443): Max retries exceeded ... {'y' * 1400}"
            ) from inner
    except requests.RequestException as exc:
        return exc


def test_dns_failure_is_named_in_one_short_line() -> None:
    exc = _wrapped(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), requests.ConnectionError)
    status, detail, step = classify_exception(exc)
    assert status == "DNS failure" and len(detail) < 60 and "DNS" in step


def test_tls_failure() -> None:
    root = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    status, detail, _ = classify_exception(_wrapped(root, requests.exceptions.SSLError))
    assert status == "TLS failure" and detail.startswith("TLS handshake failed")


def test_refused_connection_is_unreachable() -> None:
    status, detail, _ = classify_exception(
        _wrapped(ConnectionRefusedError(111, "refused"), requests.ConnectionError)
    )
    assert status == "unreachable" and detail.startswith("ConnectionRefusedError") and len(detail) < 120
