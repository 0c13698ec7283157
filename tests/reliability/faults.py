"""The fault matrix's two axes: every source (with the replica and request paths that serve it)
and every fault the sandbox can inject."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from attention.sandbox.server import Fault


@dataclass(frozen=True)
class Target:
    """One source as the matrix sees it. Reddit appears twice: API mode and feeds mode."""

    name: str  # matrix name
    source: str  # pipeline source name
    replica: str  # key in attention.sandbox.services.REPLICAS
    path: str  # regex of the request paths that serve this source ("" = the whole replica)
    reddit_mode: str = "feeds"  # the Reddit mode the whole run uses


TARGETS = [
    Target("google_trends", "google_trends", "trends", ""),
    Target("reddit_api", "reddit", "reddit", "", reddit_mode="api"),
    Target("reddit_feeds", "reddit", "reddit", "", reddit_mode="feeds"),
    Target("news", "news", "news", ""),
    # Prices fall back from Yahoo's chart API to Stooq, so both are faulted; the cookie/crumb
    # endpoints are shared with flows and left alone.
    Target("prices", "prices", "yahoo", r"^/v8/finance/chart|^/q/d/l"),
    Target("flows", "flows", "yahoo", r"^/ws/fundamentals-timeseries"),
]


def fault_specs(stall_seconds: float) -> dict[str, dict[str, Any]]:
    """Fault name -> Fault keyword arguments (without ``path``/``times``)."""
    return {
        "429 + Retry-After": {"kind": "status", "status": 429, "retry_after": "2"},
        "429, no Retry-After": {"kind": "status", "status": 429},
        "500": {"kind": "status", "status": 500},
        "502": {"kind": "status", "status": 502},
        "503": {"kind": "status", "status": 503},
        "connection reset": {"kind": "reset"},
        "timeout": {"kind": "timeout", "seconds": stall_seconds},
        "malformed body": {"kind": "malformed"},
        "truncated body": {"kind": "truncated"},
        "empty 200": {"kind": "empty"},
        "auth refused (401)": {"kind": "status", "status": 401},
    }


# Faults the HTTP layer retries (injected once, they must be absorbed: exit 0, nothing lost).
# A malformed/empty 2xx or a 401 reaches the collector by design: retrying cannot help. Google
# Trends stops at the first 429 by design (DESIGN.md 4.7: "stop for a long while").
RETRIED = {
    "429 + Retry-After",
    "429, no Retry-After",
    "500",
    "502",
    "503",
    "connection reset",
    "timeout",
    "truncated body",
}
NOT_RETRIED_BY = {"google_trends": {"429 + Retry-After", "429, no Retry-After"}}


def retried(target: Target, fault: str) -> bool:
    return fault in RETRIED and fault not in NOT_RETRIED_BY.get(target.name, set())


def make_fault(spec: dict[str, Any], path: str, times: int | None = None) -> Fault:
    return Fault(path=path, times=times, **spec)
