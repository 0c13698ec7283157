"""Alerts as a JSON POST to a webhook (a chat channel, a pager, a script of yours).

Through the project's one HTTP layer (:class:`collectors.core.http.HttpClient`): a timeout per
attempt, retries with backoff on a dropped connection, a timeout or a 5xx, none on a 4xx. The
URL is never printed whole (chat webhooks carry their secret in the path): messages name its
host only.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from attention.errors import AttentionError
from attention.rankings.alerts import Alert
from collectors.core.http import HttpClient, RetryPolicy


def post_alerts(
    url: str,
    alerts: Sequence[Alert],
    as_of: str,
    timeout: float = 10.0,
    retries: int = 2,
    backoff: float = 1.0,
    mentions_to: str | None = None,
) -> str:
    """POST ``{"as_of", "mentions_to", "count", "alerts": [...]}``; returns a one-line outcome.
    ``mentions_to`` is the end of the 24-hour periods the mentions were counted in (the newest
    item, as in ``attention alerts --json``). Raises AttentionError (naming the host, not the URL)
    when every attempt failed."""
    host = urlsplit(url).netloc or "the webhook"
    policy = RetryPolicy(max_retries=retries, backoff_base=backoff, backoff_max=max(backoff, 1.0))
    client = HttpClient(source="alerts webhook", budget=retries + 1, timeout=timeout, policy=policy)
    payload = {
        "as_of": as_of,
        "mentions_to": mentions_to,
        "count": len(alerts),
        "alerts": [a.as_dict() for a in alerts],
    }
    try:
        response = client.post(url, json=payload)
    except AttentionError as exc:
        raise AttentionError(
            f"alerts webhook at {host} failed after {client.requests_made} attempt(s): {_without(exc, url)}"
        ) from None
    attempts = client.requests_made
    return f"posted {len(alerts)} alert(s) to {host} (HTTP {response.status_code}, {attempts} attempt(s))"


def _without(exc: Exception, url: str) -> str:
    """The error text with the URL's path (where webhook secrets live) removed."""
    parts = urlsplit(url)
    text = str(exc).replace(url, f"{parts.scheme}://{parts.netloc}")
    return text.replace(parts.path, "/...") if parts.path not in ("", "/") else text
