"""How the keyless services say "no" without an error status, and how they ask to slow down.

A soft block is an HTTP 200 whose body is empty where items are expected (Reddit's
``search.rss`` on datacenter addresses since 2026; an archive timing out behind a 200). It must
fail the fetch, with a reason a user can act on, and record no coverage: counting it as "no
mentions" would invent zeros (DESIGN.md 4.14).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from attention.errors import RetriableError


class SoftBlockedError(RetriableError):
    """HTTP 200 with nothing in it where items were expected: a block, not an empty result."""


def require_body(content: bytes, source: str, url: str, advice: str) -> bytes:
    """``content`` unless it is empty (or only whitespace): then :class:`SoftBlockedError`."""
    if content.strip():
        return content
    where = url.split("?", 1)[0]  # query strings stay out of messages
    raise SoftBlockedError(
        f"{source}: {where} answered HTTP 200 with an empty body (a soft block, not an empty "
        f"result; no coverage recorded); {advice}"
    )


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to hold off when ``X-RateLimit-Remaining`` reached 0, from ``X-RateLimit-Reset``
    (seconds to wait, or an epoch time when it is that large); None while requests remain."""
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("x-ratelimit-remaining")
    reset = headers.get("X-RateLimit-Reset") or headers.get("x-ratelimit-reset")
    try:
        if remaining is None or float(remaining) > 0:
            return None
        value = float(reset) if reset is not None else 1.0
    except ValueError:
        return None
    if value > 1e9:  # an epoch time, not a delay
        value -= time.time() if now is None else now
    return max(0.0, value)


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything under it (``__cause__``, ``__context__``, urllib3's ``reason``)."""
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        nested = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        following = current.__cause__ or current.__context__ or nested or getattr(current, "reason", None)
        current = following if isinstance(following, BaseException) else None
    return out


def dns_or_tls(exc: BaseException) -> str | None:
    """ "DNS failure" / "TLS failure" when that is the root of a failed connection, else None.
    Neither heals in seconds, so the HTTP layer does not retry them."""
    import socket
    import ssl

    chain = causes(exc)
    if any(isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError" for e in chain):
        return "DNS failure"
    if any(isinstance(e, ssl.SSLError) or type(e).__name__ == "SSLError" for e in chain):
        return "TLS failure"
    return None
