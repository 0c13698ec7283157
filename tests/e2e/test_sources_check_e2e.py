"""`attention sources check` against the replicas over loopback, each answering one failure
kind: reachable, 429, 403, a soft block (HTTP 200, empty body), a DNS failure, a TLS failure
and missing credentials. Every probe is one request, never retried."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.config import Secrets
from attention.daily.sources_check import check_sources
from attention.sandbox.server import Fault


@pytest.fixture
def checked(world, sandbox_config):
    def make(**extra):
        config, sandbox = sandbox_config(world, ["yahoo", "reddit", "news", "trends", "wikipedia"], **extra)
        return config, sandbox

    return make


def test_every_source_reachable(checked) -> None:
    config, sandbox = checked()
    results = check_sources(config, Secrets())
    assert [r.source for r in results] == [
        "prices",
        "flows",
        "google_trends",
        "reddit",
        "reddit",
        "news",
        "wikipedia",
    ]
    assert all(r.ok for r in results), [(r.source, r.status, r.detail) for r in results]
    # one request per probe
    assert sandbox.servers["arctic_shift"].request_count("/api/") == 1
    assert sandbox.servers["reddit"].request_count(r"\.rss") == 1


def test_each_failure_kind_is_named_with_the_next_step(checked, monkeypatch) -> None:
    config, sandbox = checked(**{"sources.news.google_news_url": "http://news.dns-fails.test"})
    # TLS to the plain-HTTP Yahoo replica: the handshake fails for real, over loopback
    yahoo = sandbox.servers["yahoo"].url.replace("http://", "https://")
    prices = config.sources.prices.model_copy(update={"yahoo_url": yahoo})
    config = config.model_copy(update={"sources": config.sources.model_copy(update={"prices": prices})})
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if str(host).endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    sandbox.servers["trends"].faults.add(Fault("status", status=429, retry_after="3600"))
    sandbox.servers["arctic_shift"].faults.add(Fault("empty"))
    sandbox.servers["reddit"].faults.add(Fault("status", path=r"\.rss", status=403))
    sandbox.servers["wikipedia"].faults.add(Fault("status", status=503))
    results = {r.source + ":" + r.endpoint.split("/")[-1]: r for r in check_sources(config, Secrets())}
    status = {k: (r.status, r.detail) for k, r in results.items()}
    tls = next(r for r in results.values() if r.source == "prices")
    assert tls.status == "TLS failure" and "scheme" in tls.next_step
    news = next(r for r in results.values() if r.source == "news")
    assert news.status == "DNS failure" and "DNS" in news.next_step and len(news.detail) < 100
    trends = next(r for r in results.values() if r.source == "google_trends")
    assert (trends.status, trends.detail) == ("blocked", "HTTP 429 (rate limited)"), status
    arctic = results["reddit:time_series"]
    assert arctic.status == "blocked" and "soft block" in arctic.detail
    atom = results["reddit:.rss"]
    assert atom.status == "blocked" and "403" in atom.detail and "Arctic Shift" in atom.next_step
    wiki = next(r for r in results.values() if r.source == "wikipedia")
    assert wiki.status == "failing"
    # never retried: one request each, even for the 429 and the 503
    assert sandbox.servers["trends"].request_count() == 1
    assert sandbox.servers["wikipedia"].request_count() == 1


def test_official_trends_backend_without_credentials_needs_credentials(checked, monkeypatch) -> None:
    monkeypatch.delenv("ATTENTION_TRENDS_CREDENTIALS", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    config, _ = checked(**{"sources.google_trends.backend": "official"})
    trends = [r for r in check_sources(config, Secrets(), only=["google_trends"])]
    assert [(r.status, r.detail) for r in trends] == [("needs credentials", "no key file")]
    assert "ATTENTION_TRENDS_CREDENTIALS" in trends[0].next_step


def test_cli_prints_the_table_and_exits_3_when_a_source_is_blocked(checked, tmp_path, monkeypatch) -> None:
    import yaml

    config, sandbox = checked()
    sandbox.servers["arctic_shift"].faults.add(Fault("status", status=429))
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    result = CliRunner().invoke(
        app, ["sources", "check", "--config", str(path), "-s", "reddit", "-s", "wikipedia"]
    )
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["source", "status"]
    assert any(line.startswith("reddit") and "blocked" in line and "429" in line for line in lines)
    assert any(line.startswith("wikipedia") and "reachable" in line for line in lines)
