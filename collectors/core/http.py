"""The one HTTP layer: timeouts, bounded exponential backoff with jitter, Retry-After, pacing and
a per-run request budget (DESIGN.md 4.7). Callers never sleep or retry on their own.

Classification of what comes back (DESIGN.md 4.6):

* 2xx/3xx: returned to the caller (304 included, for conditional GETs).
* 401/403: :class:`AuthError` (fatal for the source; retrying will not help).
* 429: retried after Retry-After (or backoff) while that stays under ``max_wait``; otherwise, or
  with ``stop_on_429`` (Google Trends: a 429 means "stop for a long while"), :class:`RateLimitedError`.
* 5xx, timeouts, dropped connections: retried with backoff, then :class:`RetriableError`.
* other 4xx: :class:`HttpStatusError` carrying the status; the caller decides (e.g. skip a ticker).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from attention.errors import (
    AttentionError,
    AuthError,
    BudgetExhaustedError,
    RateLimitedError,
    RetriableError,
)
from collectors.core.blocks import dns_or_tls

log = logging.getLogger("attention.http")
USER_AGENT = "attention/0.1 (+https://github.com/attention-project/attention)"

# Indirection so tests can patch sleeping out (tests/conftest.py) without touching time.sleep,
# which the sandbox servers use for injected latency.
sleep = time.sleep


# Failures where the same request may well succeed next time (a truncated body shows up as
# ChunkedEncodingError when requests reads it).
_TRANSIENT = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class HttpStatusError(AttentionError):
    """A 4xx other than 401/403/429: usually one bad request (unknown ticker, missing feed)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RetryPolicy:
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    max_wait: float = 120.0  # longest Retry-After we are willing to wait inside one run
    stop_on_429: bool = False


@dataclass
class HttpClient:
    """A requests session wrapped in our policies. One per source per run."""

    source: str
    budget: int = 100
    timeout: float = 20.0
    min_interval: float = 0.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    session: requests.Session = field(default_factory=requests.Session)
    headers: Mapping[str, str] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    # URL prefix rewrites, for libraries with hard-coded hosts (yfinance): {"https://x": base_url}
    rewrites: Mapping[str, str] = field(default_factory=dict)
    requests_made: int = 0
    last_error: AttentionError | None = None
    errors: list[AttentionError] = field(default_factory=list)  # every failure, in order
    _last_request_at: float | None = None
    _not_before: float = 0.0  # monotonic time before which no request goes out (defer)
    # Hosts whose name did not resolve or whose TLS failed in this run, with that error: the
    # next request to them fails at once, unpaced and unbudgeted (offline, the Atom feeds'
    # 6-second pacing made a run wait a minute for nothing)
    _unreachable: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.session is None:  # an explicit session=None from an untyped caller
            self.session = requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.session.headers.update(self.headers)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def request(
        self, method: str, url: str, *, return_errors: bool = False, **kwargs: Any
    ) -> requests.Response:
        """Send with retries; returns a 2xx/3xx response or raises a classified error.

        With ``return_errors`` the final error response is returned instead of raised (for
        libraries that inspect statuses themselves); ``last_error`` still says what went wrong.
        """
        kwargs.setdefault("timeout", self.timeout)
        url = self.rewrite(url)
        host = urlsplit(url).netloc
        if host in self._unreachable:
            self.last_error = RetriableError(self._unreachable[host])
            self.errors.append(self.last_error)
            raise self.last_error
        attempt = 0
        while True:
            self._spend_budget(url)
            self._pace()
            response = None
            try:
                response = self.session.request(method, url, **kwargs)
            except _TRANSIENT as exc:
                root = dns_or_tls(exc)  # never retried: neither heals in seconds
                error: AttentionError = RetriableError(
                    f"{self.source}: {_short(url)} failed: {root or type(exc).__name__}"
                    + ("; check the URL, DNS, proxy or CA bundle" if root else "")
                )
                wait: float | None = None if root else self._backoff(attempt)
                if root:
                    self._unreachable[host] = f"{error} (unreachable earlier in this run)"
            else:
                outcome = self._classify(response, url, attempt)
                if isinstance(outcome, requests.Response):
                    self.last_error = None
                    return outcome
                error, wait = outcome
            self.last_error = error
            self.errors.append(error)
            if wait is None or attempt >= self.policy.max_retries:
                if return_errors and response is not None:
                    return response
                raise error
            log.info("%s: retrying %s in %.1fs (%s)", self.source, _short(url), wait, error)
            sleep(wait)
            attempt += 1

    def defer(self, seconds: float) -> None:
        """Send the next request no sooner than ``seconds`` from now (a service's rate-limit
        headers said its window is spent); the wait happens here, in the HTTP layer."""
        self._not_before = max(self._not_before, time.monotonic() + seconds)

    def first_error_since(self, mark: int) -> AttentionError | None:
        """The first failure recorded after ``len(client.errors)`` was ``mark`` (for libraries
        that swallow our errors and carry on with other requests)."""
        return self.errors[mark] if len(self.errors) > mark else None

    def rewrite(self, url: str) -> str:
        for prefix, replacement in self.rewrites.items():
            if url.startswith(prefix):
                return replacement.rstrip("/") + url[len(prefix) :]
        return url

    def as_session(self) -> requests.Session:
        """A requests.Session for libraries that take one (yfinance, praw): every request it
        sends goes through this client's retries, budget, pacing and rewrites."""
        return _PolicySession(self)

    def _classify(
        self, response: requests.Response, url: str, attempt: int
    ) -> requests.Response | tuple[AttentionError, float | None]:
        status = response.status_code
        if status < 400:
            return response
        where = f"{self.source}: {_short(url)} answered HTTP {status}"
        if status in (401, 403):
            return AuthError(f"{where}; the credentials were refused: check them"), None
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            error = RateLimitedError(f"{where} (rate limited); try again later", retry_after)
            if self.policy.stop_on_429:
                return error, None
            wait = retry_after if retry_after is not None else self._backoff(attempt)
            return error, (wait if wait <= self.policy.max_wait else None)
        if status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = retry_after if retry_after is not None else self._backoff(attempt)
            return RetriableError(f"{where}; the service is failing"), min(wait, self.policy.max_wait)
        return HttpStatusError(where, status), None

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2**attempt)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def _spend_budget(self, url: str) -> None:
        if self.requests_made >= self.budget:
            raise BudgetExhaustedError(
                f"{self.source}: request budget of {self.budget} for this run is spent "
                f"(next: {_short(url)}); the rest is collected on the next run"
            )
        self.requests_made += 1

    def _pace(self) -> None:
        held = self._not_before - time.monotonic()
        if held > 0:
            sleep(held)
        if self.min_interval > 0 and self._last_request_at is not None:
            wait = self.min_interval - (time.monotonic() - self._last_request_at)
            if wait > 0:
                sleep(wait)
        self._last_request_at = time.monotonic()


class _PolicySession(requests.Session):
    def __init__(self, client: HttpClient) -> None:
        super().__init__()
        self._client = client
        self.headers.update(client.session.headers)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        # requests takes bytes too and decodes them (the method as ASCII, the URL as UTF-8).
        method = method.decode("ascii") if isinstance(method, bytes) else method
        url = url.decode("utf-8") if isinstance(url, bytes) else url
        if args:  # requests' positional order: params, data, headers, cookies, files, auth, ...
            names = ("params", "data", "headers", "cookies", "files", "auth", "timeout")
            kwargs.update(zip(names, args, strict=False))
        try:
            return self._client.request(method, url, return_errors=True, **kwargs)
        except RetriableError as exc:
            # Libraries expect requests' exceptions; keep ours as the cause for the caller.
            raise requests.ConnectionError(str(exc)) from exc


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(url: str) -> str:
    """URL without the query string: queries can carry tokens, and logs must not."""
    return url.split("?", 1)[0]
