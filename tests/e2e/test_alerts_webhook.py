"""The alerts webhook against a loopback server: the JSON it posts, retries after a 5xx, and a
failure that names the host but never the URL's secret path."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from attention.errors import AttentionError
from attention.rankings.alerts import Alert
from attention.rankings.webhook import post_alerts

ALERT = Alert("ticker", "NVDA", "mentions", dt.date(2026, 2, 13), 12.0, 1.5, 0.5, 21.0, 30)


class _Receiver(BaseHTTPRequestHandler):
    statuses: list[int] = []
    bodies: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server hook
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"statuses": [], "bodies": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/SECRET-TOKEN", handler
    finally:
        server.shutdown()
        server.server_close()


def test_posts_the_alerts_as_json(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    line = post_alerts(url, [ALERT], "2026-02-13", mentions_to="2026-02-13T17:42:00+00:00")
    assert handler.bodies == [
        {
            "as_of": "2026-02-13",
            "mentions_to": "2026-02-13T17:42:00+00:00",
            "count": 1,
            "alerts": [
                {
                    "kind": "ticker",
                    "subject": "NVDA",
                    "metric": "mentions",
                    "date": "2026-02-13",
                    "value": 12.0,
                    "mean": 1.5,
                    "sd": 0.5,
                    "z": 21.0,
                    "baseline_days": 30,
                    "direction": "up",
                }
            ],
        }
    ]
    assert "SECRET" not in line and "127.0.0.1" in line


def test_retries_after_a_5xx_then_succeeds(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.statuses = [503, 502]
    line = post_alerts(url, [ALERT], "2026-02-13", retries=2)
    assert len(handler.bodies) == 3 and "3 attempt(s)" in line


def test_gives_up_after_the_retries_naming_the_host_not_the_secret(
    receiver: tuple[str, type[_Receiver]],
) -> None:
    url, handler = receiver
    handler.statuses = [500, 500, 500, 500]
    with pytest.raises(AttentionError) as caught:
        post_alerts(url, [ALERT], "2026-02-13", retries=1)
    assert len(handler.bodies) == 2
    assert "127.0.0.1" in str(caught.value) and "SECRET" not in str(caught.value)


def test_a_4xx_is_not_retried(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.statuses = [404]
    with pytest.raises(AttentionError, match="HTTP 404"):
        post_alerts(url, [ALERT], "2026-02-13", retries=3)
    assert len(handler.bodies) == 1


def test_the_alerts_command_posts_and_exits_3_when_the_webhook_fails(
    receiver: tuple[str, type[_Receiver]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from attention.cli import app
    from tests.unit.test_alerts import REPO, _store_with_a_mention_spike

    url, handler = receiver
    path = tmp_path / "s.duckdb"
    _store_with_a_mention_spike(path)
    monkeypatch.setenv("ATTENTION__ALERTS__WEBHOOK_URL", url)
    monkeypatch.setenv("ATTENTION__ALERTS__WEBHOOK_RETRIES", "1")
    args = ["alerts", "--config", str(REPO / "config.yaml"), "--store", str(path), "--window", "30"]
    posted = CliRunner().invoke(app, [*args, "--date", "2026-02-13"])
    assert posted.exit_code == 5, posted.output
    assert [a["subject"] for a in handler.bodies[0]["alerts"]] == ["NVDA", "ai_stocks"]
    # the end of the 24-hour mention periods, as `alerts --json` gives it
    listed = CliRunner().invoke(app, [*args, "--date", "2026-02-13", "--json", "--no-webhook"])
    assert listed.exit_code == 5, listed.output
    mentions_to = json.loads(listed.stdout)["mentions_to"]
    assert handler.bodies[0]["mentions_to"] == mentions_to and mentions_to.startswith("2026-02-1")
    handler.statuses = [500, 500]
    failed = CliRunner().invoke(app, [*args, "--date", "2026-02-13"])
    assert failed.exit_code == 3, failed.output
    assert "alerts webhook at 127.0.0.1" in failed.output and "SECRET" not in failed.output
    quiet = CliRunner().invoke(app, [*args, "--date", "2026-02-13", "--no-webhook"])
    assert quiet.exit_code == 5 and len(handler.bodies) == 3  # 1 + 2 failed attempts, none now
