"""Prices and flows end to end against the Yahoo replica over loopback HTTP."""

from __future__ import annotations

import pandas as pd

from attention.daily.collect import run_pipeline
from attention.sandbox.server import Fault
from attention.store import Store
from tests.e2e.conftest import WORLD_END


def _counts(path) -> dict[str, int]:
    with Store(path) as store:
        return {t: store.count(t) for t in ("prices", "shares_outstanding", "flows", "cursors")}


def test_two_runs_store_the_same_rows(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["yahoo"])
    first = run_pipeline(config, run_date=WORLD_END, sources=["prices", "flows"])
    assert first.exit_code == 0, first.summary()
    counts = _counts(config.store.path)
    sessions = len(world.sessions)
    assert counts["prices"] == sessions * len(config.all_tickers())
    assert counts["shares_outstanding"] == sessions
    second = run_pipeline(config, run_date=WORLD_END, sources=["prices", "flows"])
    assert second.exit_code == 0
    assert _counts(config.store.path) == counts
    assert sum(r.requests for r in second.results) == 0  # incremental: nothing left to fetch
    with Store(config.store.path) as store:
        stored = store.query("SELECT close FROM prices WHERE ticker = 'IWM' ORDER BY date")["close"]
        flows = store.query("SELECT flow_usd FROM flows WHERE ticker = 'IWM' ORDER BY date")
        spans = store.coverage_spans(["prices", "shares"])
    assert stored.round(4).tolist() == world.prices("IWM")["close"].round(4).tolist()
    # one span per ticker and feed from the first run; the second fetched nothing, claimed nothing
    assert sorted(spans.loc[spans["source"] == "prices", "unit"]) == sorted(config.all_tickers())
    assert list(spans.loc[spans["source"] == "shares", "unit"]) == ["IWM"]
    assert (spans["span_end"] >= pd.Timestamp(world.sessions[-1], tz="UTC")).all()
    expected = world.shares_outstanding("IWM").diff().iloc[1:] * world.prices("IWM")["close"].iloc[1:]
    assert flows["flow_usd"].round(0).tolist() == expected.round(0).tolist()


def test_failing_price_service_gives_exit_3_and_spares_other_sources(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["yahoo"])
    server = sandbox.servers["yahoo"]
    server.faults.add(Fault("status", path="/v8/finance/chart|/q/d/l", status=500))
    report = run_pipeline(config, run_date=WORLD_END, sources=["prices", "flows"])
    assert report.exit_code == 3
    status = {r.source: r for r in report.results}
    assert status["prices"].status == "failed" and "HTTP 500" in status["prices"].error
    assert status["flows"].status == "ok"
    with Store(config.store.path) as store:
        runs = store.query("SELECT source, status, error FROM runs").set_index("source")
        assert runs.loc["prices", "status"] == "failed" and "500" in runs.loc["prices", "error"]
        assert store.count("prices") == 0
        assert store.count("shares_outstanding") == len(world.sessions)
    server.faults.clear()  # the next clean run fills the gap
    assert run_pipeline(config, run_date=WORLD_END, sources=["prices"]).exit_code == 0
    assert _counts(config.store.path)["prices"] == len(world.sessions) * len(config.all_tickers())


def test_yahoo_down_falls_back_to_stooq(world, sandbox_config) -> None:
    config, sandbox = sandbox_config(world, ["yahoo"])
    sandbox.servers["yahoo"].faults.add(Fault("status", path="/v8/finance/chart", status=503))
    report = run_pipeline(config, run_date=WORLD_END, sources=["prices"])
    assert report.exit_code == 0, report.summary()
    assert any("used stooq" in note for note in report.results[0].notes)
    with Store(config.store.path) as store:
        providers = store.query("SELECT DISTINCT provider FROM prices")["provider"].tolist()
    assert providers == ["stooq"]


def test_a_run_on_a_holiday_or_weekend_asks_for_nothing_and_succeeds(world, sandbox_config) -> None:
    """2024-03-28 is the last session before Good Friday; the next session is 2024-04-01."""
    import datetime as dt

    config, sandbox = sandbox_config(world, ["yahoo"])
    sources = ["prices", "flows"]  # flows: a Saturday run once failed with "no shares-outstanding data"
    assert run_pipeline(config, run_date=dt.date(2024, 3, 28), sources=sources).exit_code == 0
    before = sandbox.servers["yahoo"].request_count()
    for day in (dt.date(2024, 3, 29), dt.date(2024, 3, 30), dt.date(2024, 3, 31)):
        report = run_pipeline(config, run_date=day, sources=sources)
        assert report.exit_code == 0, report.summary()
    assert sandbox.servers["yahoo"].request_count() == before
    assert dt.date(2024, 3, 29) not in {d.date() for d in world.sessions}
    report = run_pipeline(config, run_date=dt.date(2024, 4, 1), sources=["prices"])
    assert report.exit_code == 0 and report.results[0].records == len(config.all_tickers())
