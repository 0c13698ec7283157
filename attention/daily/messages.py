"""Short, plain lines about a run for people: a failed source's root cause in one line.

The run log keeps every source's full error; a terminal gets this short form, so eighteen
"unavailable earlier in this run" clauses after one unreachable host become the host and why.
"""

from __future__ import annotations

import re

MAX_ERROR_CHARS = 140

# Exception names the HTTP layer reports, as the plain reason a reader can act on.
_PLAIN_CAUSES = {
    "ConnectionError": "could not connect (offline, DNS or firewall?)",
    "ConnectTimeout": "timed out connecting",
    "ReadTimeout": "timed out waiting for an answer",
    "Timeout": "timed out",
    "ChunkedEncodingError": "the connection dropped mid-answer",
    "SSLError": "the TLS handshake failed",
}
_URL_FAILURE = re.compile(r"(https?://[^\s/]+)\S*\s+failed:\s+(\w+)")
_HTTP_STATUS = re.compile(r"(https?://[^\s/]+)\S*\s+answered (HTTP \d{3})")


def root_cause(error: str | None, source: str = "") -> str:
    """The first concrete cause in ``error`` as one short line (empty for no error)."""
    if not error:
        return ""
    text = " ".join(error.split())
    if source and text.startswith(f"{source}: "):
        text = text[len(source) + 2 :]
    cause = _first_cause(text)
    if cause is None:
        return _clip(text)
    head = re.split(r" \(|; |: ", text, maxsplit=1)[0]
    if _URL_FAILURE.match(text) or _HTTP_STATUS.match(text):
        return _clip(cause)
    return _clip(f"{head}; first cause: {cause}")


def _first_cause(text: str) -> str | None:
    failure = _URL_FAILURE.search(text)
    status = _HTTP_STATUS.search(text)
    if failure and (status is None or failure.start() < status.start()):
        host, name = failure.groups()
        return f"{host}: {_PLAIN_CAUSES.get(name, name)}"
    if status:
        host, code = status.groups()
        return f"{host} answered {code}"
    return None


def _clip(text: str) -> str:
    if len(text) <= MAX_ERROR_CHARS:
        return text
    return text[: MAX_ERROR_CHARS - 3].rstrip(" ;,:(") + "..."
