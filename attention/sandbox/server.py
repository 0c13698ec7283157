"""The framework for local replicas of external services, served over real loopback HTTP.

A :class:`Replica` is a set of routes (method + path regex -> handler). A :class:`SandboxServer`
serves one replica on ``127.0.0.1`` at an ephemeral port in a background thread, records every
request (so tests can count them) and applies a :class:`FaultPlan` before routing:

    429 with or without Retry-After, 500/502/503, latency, timeouts (a reply slower than the
    client's timeout), dropped connections (TCP reset), malformed or truncated bodies, empty 200,
    401 auth refused.

Faults can be set in-process (``server.faults.add(Fault(...))``) or over HTTP
(``POST /__sandbox/faults`` with a JSON list), so a separate ``attention run`` process can be
tested against replicas running in the test process.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, overload
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("status", "latency", "timeout", "reset", "malformed", "truncated", "empty")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str] | None = None  # set by Replica.dispatch before the handler runs

    def param(self, name: str) -> str:
        """A named group of the route's path pattern."""
        if self.match is None:
            raise LookupError(f"{self.path}: no route matched, so no path parameter {name!r}")
        return self.match[name]

    @overload
    def arg(self, name: str, default: str) -> str: ...
    @overload
    def arg(self, name: str, default: None = None) -> str | None: ...
    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    @overload
    def header(self, name: str, default: str) -> str: ...
    @overload
    def header(self, name: str, default: None = None) -> str | None: ...
    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: Any, status: int = 200, prefix: str = "", /, **headers: str) -> Response:
        text = prefix + json.dumps(obj)
        return cls(status, text.encode(), {"Content-Type": "application/json", **headers})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain", **headers: str) -> Response:
        return cls(status, text.encode(), {"Content-Type": content_type, **headers})


Handler = Callable[[Request], Response]


@dataclass
class Fault:
    """One injected failure. ``path`` is a regex searched in the request path ("" = any)."""

    kind: str  # one of FAULT_KINDS
    path: str = ""
    times: int | None = None  # how many requests it hits; None = until cleared
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0  # latency / timeout duration
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; choose from {FAULT_KINDS}")


class FaultPlan:
    """Thread-safe list of faults; the first matching fault with hits left applies."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.injected = 0

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times is not None and fault.times <= 0:
                    continue
                if fault.path and not re.search(fault.path, path):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                self.injected += 1
                return fault
        return None

    def to_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]


class Replica:
    """Base class: subclasses call :meth:`route` in ``__init__``."""

    name = "replica"

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method.upper(), re.compile(f"^{pattern}$"), handler))

    def dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self.routes:
            found = pattern.match(request.path)
            if found and method == request.method:
                request.match = found
                return handler(request)
        return Response.json({"error": f"no route for {request.method} {request.path}"}, 404)


class SandboxServer:
    """Serve a replica on loopback. Use as a context manager; ``url`` is its base URL.

    Replies go out with TCP_NODELAY: http.server writes the headers and the body in separate
    sends, and with Nagle's algorithm the body waits for the client's delayed ACK of the
    headers (about 40 ms on Linux), which made every loopback request take ~40 ms.
    ``nodelay = False`` restores that (benchmarks/demo_speed.py measures both)."""

    nodelay = True

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0) -> None:
        self.replica = replica
        self.faults = FaultPlan()
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)  # an AF_INET socket's address (never bytes)
        return f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, daemon=True, name=f"sandbox-{self.replica.name}"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def request_count(self, path_regex: str = "") -> int:
        with self._lock:
            return sum(1 for _, path, _ in self.requests if re.search(path_regex, path))

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append((request.method, request.path, request.query))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                if server.nodelay:
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                server._serve(self)

            do_POST = do_GET  # noqa: N815
            do_DELETE = do_GET  # noqa: N815
            do_HEAD = do_GET  # noqa: N815

        return _Handler

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(
            handler.command,
            parts.path,
            parse_qs(parts.query),
            {k.lower(): v for k, v in handler.headers.items()},
            body,
        )
        if parts.path.startswith("/__sandbox/"):
            _write(handler, self._control(request))
            return
        self._record(request)
        fault = self.faults.take(parts.path)
        if fault is not None and fault.kind in ("reset", "timeout", "status"):
            _inject_before(handler, fault)
            return
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        try:
            response = self.replica.dispatch(request)
        except Exception as exc:  # a replica bug must show as a 500, not a hung client
            response = Response.json({"error": f"replica error: {exc!r}"}, 500)
        if fault is not None:
            response = _corrupt(response, fault)
        _write(handler, response, truncate=fault is not None and fault.kind == "truncated")

    def _control(self, request: Request) -> Response:
        if request.path == "/__sandbox/faults" and request.method == "POST":
            specs = json.loads(request.body or b"[]")
            self.faults.add(*(Fault(**spec) for spec in specs))
            return Response.json({"faults": self.faults.to_json()})
        if request.path == "/__sandbox/faults" and request.method == "DELETE":
            self.faults.clear()
            return Response.json({"faults": []})
        if request.path == "/__sandbox/requests":
            with self._lock:
                return Response.json({"count": len(self.requests)})
        return Response.json({"error": "unknown control path"}, 404)


def _inject_before(handler: BaseHTTPRequestHandler, fault: Fault) -> None:
    if fault.kind == "reset":
        # SO_LINGER with a zero timeout makes close() send a TCP RST: "connection reset by peer".
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        return
    if fault.kind == "timeout":
        time.sleep(fault.seconds or 5.0)
        handler.close_connection = True
        return
    headers = dict(fault.headers)
    if fault.retry_after is not None:
        headers["Retry-After"] = fault.retry_after
    body = {"error": {"code": fault.status, "message": "injected fault"}}
    _write(handler, Response.json(body, fault.status, **headers))


def _corrupt(response: Response, fault: Fault) -> Response:
    if fault.kind == "malformed":
        garbage = b"<html><body>Service temporarily unavail" + b"\x00\xff{[" + response.body[:40]
        return Response(200, garbage, {"Content-Type": response.headers.get("Content-Type", "")})
    if fault.kind == "empty":
        return Response(200, b"", {"Content-Type": response.headers.get("Content-Type", "")})
    return response


def _write(handler: BaseHTTPRequestHandler, response: Response, truncate: bool = False) -> None:
    body = response.body
    try:
        handler.send_response(response.status)
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        if truncate:
            # Promise the whole body, send half, then hang up: an incomplete read for the client.
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.close_connection = True
            return
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (e.g. its timeout fired); nothing to do
