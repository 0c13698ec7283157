"""Pipeline isolation and redaction with fake collectors (no network)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

import collectors
from attention.config import Secrets, load_config
from attention.daily.collect import run_pipeline
from attention.errors import RetriableError
from attention.store import Store
from collectors.core.records import CursorUpdate, PriceBar, Provenance, utcnow

REPO = Path(__file__).resolve().parents[2]
SECRET = "SUPERSECRET123"


class Good:
    name, version = "good", "1"

    def collect(self, ctx):  # noqa: ANN001, ANN201
        prov = Provenance("x", "1", utcnow())
        yield PriceBar("IWM", dt.date(2024, 1, 2), 1, 1, 1, 1, 1, 1, "t", prov)
        yield CursorUpdate("good", "IWM", "2024-01-02")


class Leaky:
    name, version = "leaky", "1"

    def collect(self, ctx):  # noqa: ANN001, ANN201
        prov = Provenance("x", "1", utcnow())
        yield PriceBar("SPY", dt.date(2024, 1, 2), 1, 1, 1, 1, 1, 1, "t", prov)
        raise ValueError(f"boom with {SECRET}")


class Flaky:
    name, version = "flaky", "1"

    def collect(self, ctx):  # noqa: ANN001, ANN201
        raise RetriableError("service down")
        yield  # pragma: no cover


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    classes = {"good": Good, "leaky": Leaky, "flaky": Flaky}
    monkeypatch.setattr(collectors, "REGISTRY", {k: f"x:{k}" for k in classes})
    monkeypatch.setattr("attention.daily.collect.REGISTRY", {k: f"x:{k}" for k in classes})
    monkeypatch.setattr("attention.daily.collect.collector_class", classes.__getitem__)
    monkeypatch.setattr("attention.daily.collect.DERIVATIONS", [])
    config = load_config(
        REPO / "config.yaml", overrides={"store.path": str(tmp_path / "s.duckdb")}, environ={}
    )
    return config


def test_a_failing_source_never_stops_the_others(fakes) -> None:
    report = run_pipeline(
        fakes, run_date=dt.date(2024, 1, 3), sources=["flaky", "leaky", "good"], secrets=Secrets()
    )
    status = {r.source: r.status for r in report.results}
    assert status == {"flaky": "failed", "leaky": "failed", "good": "ok"}
    assert report.exit_code == 3
    with Store(fakes.store.path) as store:
        # what the leaky collector yielded before it crashed is kept
        assert sorted(store.query("SELECT ticker FROM prices")["ticker"]) == ["IWM", "SPY"]
        assert store.cursors("good") == {"IWM": "2024-01-02"}


def test_secrets_are_redacted_from_run_log_and_logs(fakes, caplog: pytest.LogCaptureFixture) -> None:
    secrets = Secrets(reddit_client_secret=SECRET, reddit_client_id="id")
    with caplog.at_level(logging.ERROR):
        report = run_pipeline(fakes, run_date=dt.date(2024, 1, 3), sources=["leaky"], secrets=secrets)
    assert SECRET not in (report.results[0].error or "") and "***" in report.results[0].error
    assert SECRET not in caplog.text and "boom with ***" in caplog.text
    with Store(fakes.store.path) as store:
        assert SECRET not in store.query("SELECT error FROM runs")["error"][0]
