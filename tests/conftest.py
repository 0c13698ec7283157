"""Test layers (DESIGN.md 4.8): the network is impossible in every test except loopback, and
impossible altogether in tests/unit. Sleeps in the HTTP layer are patched out everywhere."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return isinstance(address, (str, bytes))  # AF_UNIX sockets are local


class NetworkBlockedError(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = "tests/unit" in str(request.node.fspath).replace("\\", "/")

    def guarded(sock: socket.socket, address: object) -> object:
        if unit and not isinstance(address, (str, bytes)):
            raise NetworkBlockedError(f"unit tests may not open connections ({address!r})")
        if not _is_loopback(address):
            raise NetworkBlockedError(f"tests may only connect to loopback, not {address!r}")
        return _real_connect(sock, address)

    def guarded_ex(sock: socket.socket, address: object) -> int:
        guarded.__call__  # noqa: B018 - same policy as connect
        if (unit and not isinstance(address, (str, bytes))) or not _is_loopback(address):
            raise NetworkBlockedError(f"blocked connection to {address!r}")
        return _real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)


@pytest.fixture(autouse=True)
def _no_http_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff sleeps in the one HTTP layer are recorded, not slept."""
    slept: list[float] = []
    try:
        import collectors.core.http as http
    except ImportError:  # pragma: no cover - during bootstrap
        return slept
    monkeypatch.setattr(http, "sleep", slept.append)
    return slept


@pytest.fixture
def slept(_no_http_sleep: list[float]) -> list[float]:
    return _no_http_sleep


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        message = (
            f"recorded data not found at {SHARED_DATA}: replay tests need ../shared/data "
            "beside the repository"
        )
        if os.environ.get("CI"):  # CI promises ../shared: its absence is a failure, not a skip
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture
def default_config_path() -> Path:
    return REPO / "config.yaml"


@pytest.fixture
def config_path(tmp_path: Path, default_config_path: Path) -> Path:
    """The repository's config.yaml with its store in this test's tmp_path."""
    text = default_config_path.read_text().replace(
        "path: data/attention.duckdb", f"path: {tmp_path / 'store.duckdb'}"
    )
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path
