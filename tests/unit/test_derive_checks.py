"""The input checks over a store: flags stored, replaced on the next run, shown by status and
the report's data-quality section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from attention.cli import app
from attention.config import load_config
from attention.derive.checks import derive_checks
from attention.report.html_quality import flag_lines as _flag_lines
from attention.store import Store
from collectors.core.records import (
    CoverageSpan,
    FlowRecord,
    PriceBar,
    Provenance,
    SharesOutstanding,
    day_span,
)

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _prov(at: dt.datetime) -> Provenance:
    return Provenance("test", "t", at)


def _fill(store: Store, term: str) -> None:
    late = _prov(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    sessions = [
        d.date() for d in pd.bdate_range("2026-03-02", "2026-04-10") if d.date() != dt.date(2026, 4, 3)
    ]
    bars = [PriceBar("IWM", d, 1, 1, 1, 200.0 + i, 200.0 + i, 1.0, "t", late) for i, d in enumerate(sessions)]
    bars = [b for b in bars if b.date != dt.date(2026, 3, 17)]  # one missing session
    # SPY's last bar fetched at 15:00 New York, before the close: partial
    intraday = _prov(dt.datetime(2026, 4, 10, 19, 0, tzinfo=dt.UTC))
    bars += [
        PriceBar("SPY", d, 1, 1, 1, 500.0 + i, 500.0 + i, 1.0, "t", intraday) for i, d in enumerate(sessions)
    ]
    shares = [SharesOutstanding("IWM", dt.date(2026, 4, 2), 300e6, "t", late)]
    shares += [SharesOutstanding("IWM", dt.date(2026, 4, 3), 298.35e6, "t", late)]  # Good Friday
    flows = [
        FlowRecord("QQQ", d.date(), 0.0, "import", False, late)
        for d in pd.bdate_range("2026-01-05", periods=8)
    ]
    weeks = pd.date_range("2024-01-06", "2025-12-27", freq="W-SAT")
    # monthly values copied onto weeks
    search = pd.DataFrame(
        {"term": term, "date": weeks.date, "granularity": "week", "value": weeks.month.astype(float)}
    )
    watched = [  # two imports of one subreddit, 2 days each, 10 days apart
        CoverageSpan(
            "reddit",
            "subreddit",
            "stocks",
            *day_span(dt.date(2026, 3, d), dt.date(2026, 3, d + 1)),
            "import",
            late,
        )
        for d in (2, 12)
    ]
    store.write([*bars, *shares, *flows, *watched])
    store.upsert_frame("search_series", search, ["term", "date", "granularity"])


def test_flags_are_stored_replaced_and_shown(tmp_path: Path) -> None:
    config = load_config(REPO / "config.yaml")
    term = config.themes["small_caps"].search_terms[0]
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        _fill(store, term)
        derive_checks(store, config)
        flags = store.data_flags()
    found = set(zip(flags["check_name"], flags["subject"], strict=True))
    assert ("missing_sessions", "IWM") in found
    assert ("partial_bar", "SPY") in found and ("partial_bar", "IWM") not in found
    assert ("holiday_dates", "IWM") in found
    assert ("frozen_feed", "QQQ") in found
    assert ("step_series", f"search '{term}'") in found
    missing = flags[flags["check_name"] == "missing_sessions"].iloc[0]
    assert "1 NYSE session(s)" in missing["detail"] and "2026-03-17" in missing["detail"]
    lines = _flag_lines(flags)
    assert any("Good Friday" in line or "2026-04-06" in line for line in lines)
    status = runner.invoke(app, ["status", "--config", str(REPO / "config.yaml"), "--store", str(path)])
    assert status.exit_code == 0, status.output
    assert "data quality:" in status.output and "missing_sessions: IWM" in status.output
    assert "33.3% of 12" in status.output  # 4 days watched of the 12 between first and last
    with Store(path) as store:  # the fixed input clears its flag on the next run
        store.query("DELETE FROM flows")
        derive_checks(store, config)
        again = store.data_flags()
    assert ("frozen_feed", "QQQ") not in set(zip(again["check_name"], again["subject"], strict=True))
    assert ("missing_sessions", "IWM") in set(zip(again["check_name"], again["subject"], strict=True))


def test_an_imported_flow_dated_on_a_holiday_is_flagged(tmp_path: Path) -> None:
    """A flow file with a row on Good Friday 2026-04-03: the panel adds it to Monday's flow; the
    flags name the date, so the data-quality section says where that Monday's flow came from."""
    config = load_config(REPO / "config.yaml", overrides={"store.path": str(tmp_path / "s.duckdb")})
    late = _prov(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    days = [dt.date(2026, 4, d) for d in (1, 2, 3, 6, 7)]
    flows = [FlowRecord("IWM", d, 1e6 * (i + 1), "import", False, late) for i, d in enumerate(days)]
    with Store(config.store.path) as store:
        store.write(flows)
        derive_checks(store, config)
        flags = store.data_flags()
    holiday = flags[flags["check_name"] == "holiday_dates"]
    assert holiday["detail"].tolist() == [
        "an imported flow dated 2026-04-03, a day without a NYSE session: added to the flow of the next "
        "session, 2026-04-06"
    ]
    assert holiday["subject"].tolist() == ["IWM"]
