"""The official Trends API backend end to end against its replica over loopback: OAuth refresh
through google-auth, the long-running operation polled until done, values on the common scale
(reference anchor mean = 100) with the backend noted, refused credentials and a failed
operation recording nothing."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from attention.config import Secrets
from attention.daily.collect import run_pipeline
from attention.store import Store

RUN = dt.date(2024, 5, 2)  # the API's window ends 2 days before: 2024-04-30, the world's end


@pytest.fixture
def official(world, sandbox_config, tmp_path, monkeypatch):
    def make(refresh_token: str | None = None, **extra):
        extra.setdefault("sources.google_trends.backend", "auto")
        extra.setdefault("sources.google_trends.official.resolution", "WEEK")
        config, sandbox = sandbox_config(world, ["trends_api"], **extra)
        server = sandbox.servers["trends_api"]
        key = server.replica.credentials_file(server.url)
        if refresh_token:
            key["refresh_token"] = refresh_token
        path = tmp_path / "trends-key.json"
        path.write_text(json.dumps(key))
        monkeypatch.setenv("ATTENTION_TRENDS_CREDENTIALS", str(path))
        return config, server

    return make


def _series(path):
    with Store(path) as store:
        return store.query("SELECT * FROM search_series ORDER BY term, date")


def test_auto_uses_the_official_api_with_credentials(official, world) -> None:
    config, server = official()
    run = run_pipeline(config, run_date=RUN, sources=["google_trends"], secrets=Secrets())
    result = run.results[0]
    assert result.status == "ok", run.summary()
    assert result.mode == "official Trends API: credentials from the environment"
    series = _series(config.store.path)
    assert set(series["method"]) == {"official-api:v1alpha"} and set(series["granularity"]) == {"week"}
    anchor = config.sources.google_trends.anchor_terms[0]
    terms = {t for th in config.themes.values() for t in th.search_terms} | {anchor}
    assert set(series["term"]) == terms
    ref = series[(series["term"] == anchor) & ~series["is_partial"]]
    assert ref["value"].mean() == pytest.approx(100.0)  # the common scale
    # one scale across requests: a term's ratio to the anchor is the world's true ratio
    term = next(iter(config.themes.values())).search_terms[0]
    mine = series[(series["term"] == term) & ~series["is_partial"]].set_index("date")["value"]
    weeks = ref.set_index("date")["value"].index
    truth_term, truth_anchor = world.search_truth(term), world.search_truth(anchor)
    week_end = weeks[3]
    days = [str(week_end - dt.timedelta(days=i)) for i in range(7)]
    expected = truth_term[days].mean() / truth_anchor[ref["date"].min() :].mean()
    assert mine[week_end] / 100 == pytest.approx(expected, rel=0.05)
    assert (series["date"].dt.dayofweek == 5).all()  # weeks labelled by their Saturday
    # each operation was polled until done
    assert server.request_count("/v1alpha/operations/") == 2 * server.request_count(":fetchTimeSeries")
    with Store(config.store.path) as store:
        spans = store.query("SELECT * FROM coverage WHERE source = 'trends'")
    assert set(spans["unit"]) == terms and not np.isnan(spans["items"]).any()


def test_refused_credentials_fail_with_the_reason_and_record_nothing(official) -> None:
    config, _ = official(refresh_token="revoked")
    run = run_pipeline(config, run_date=RUN, sources=["google_trends"], secrets=Secrets())
    result = run.results[0]
    assert result.status == "failed" and "credentials were refused" in result.error
    assert _series(config.store.path).empty


def test_a_failed_operation_records_no_series_and_no_coverage(official) -> None:
    config, server = official()
    server.replica.fail_with = {"code": 7, "message": "The caller is not allow-listed"}
    run = run_pipeline(config, run_date=RUN, sources=["google_trends"], secrets=Secrets())
    result = run.results[0]
    assert result.status == "failed" and "not allow-listed" in result.error
    assert _series(config.store.path).empty
    with Store(config.store.path) as store:
        assert store.query("SELECT * FROM coverage WHERE source = 'trends'").empty


def test_official_without_credentials_is_a_config_error(official, monkeypatch) -> None:
    config, _ = official(**{"sources.google_trends.backend": "official"})
    monkeypatch.delenv("ATTENTION_TRENDS_CREDENTIALS")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    run = run_pipeline(config, run_date=RUN, sources=["google_trends"], secrets=Secrets())
    assert run.results[0].status == "failed" and "ATTENTION_TRENDS_CREDENTIALS" in run.results[0].error
