from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from attention.derive.flows import flows_from_shares

REPO = Path(__file__).resolve().parents[2]


def test_flow_is_share_change_times_close() -> None:
    shares = pd.Series([100.0, 110.0, 105.0])
    close = pd.Series([10.0, 20.0, 30.0])
    flows = flows_from_shares(shares, close, stale_after=5)
    assert flows["flow_usd"].tolist() == [200.0, -150.0]
    assert not flows["stale"].any()


def test_frozen_shares_are_stale_not_zero_flow() -> None:
    shares = pd.Series([1.0, 2, 2, 2, 2, 2, 3])
    flows = flows_from_shares(shares, pd.Series([10.0] * 7), stale_after=3)
    assert flows["flow_usd"].iloc[0] == 10.0
    assert flows["flow_usd"].iloc[1] == 0.0  # unchanged for 2 sessions: a real zero flow
    assert all(math.isnan(v) for v in flows["flow_usd"].iloc[2:5])
    assert flows["stale"].iloc[2:5].all()
    assert flows["flow_usd"].iloc[5] == 10.0  # it moved again: flows resume


def test_stale_flags_use_only_the_past() -> None:
    shares = pd.Series([1.0, 2, 2, 2, 2, 2])
    close = pd.Series([10.0] * 6)
    as_of_day_3 = flows_from_shares(shares.iloc[:3], close.iloc[:3], stale_after=3)
    later = flows_from_shares(shares, close, stale_after=3)
    pd.testing.assert_frame_equal(as_of_day_3, later.iloc[:2])


def test_a_shares_change_dated_on_good_friday_lands_on_the_next_session(tmp_path) -> None:
    """IWM's -1.65M shares dated 2026-04-03 (Good Friday, no session) must not vanish: the flow
    of Monday 04-06 carries it (dropped, the week's flow came out $1.6B instead of $2.0B)."""
    import datetime as dt

    from attention.config import load_config
    from attention.derive.flows import derive_flows
    from attention.store import Store
    from collectors.core.records import PriceBar, Provenance, SharesOutstanding

    prov = Provenance("test", "t", dt.datetime(2026, 4, 7, tzinfo=dt.UTC))
    days = [dt.date(2026, 4, d) for d in (1, 2, 6, 7)]
    shares = {1: 300.0e6, 2: 300.0e6, 3: 298.35e6, 6: 298.35e6, 7: 298.35e6}
    config = load_config(REPO / "config.yaml")
    with Store(tmp_path / "s.duckdb") as store:
        store.write([PriceBar("IWM", d, 250.0, 250.0, 250.0, 250.0, 250.0, 1.0, "test", prov) for d in days])
        store.write(
            [SharesOutstanding("IWM", dt.date(2026, 4, d), v, "test", prov) for d, v in shares.items()]
        )
        derive_flows(store, config)
        flows = store.query("SELECT date, flow_usd FROM flows WHERE ticker = 'IWM' ORDER BY date")
    by_day = dict(zip(pd.to_datetime(flows["date"]).dt.date, flows["flow_usd"], strict=True))
    assert by_day[dt.date(2026, 4, 6)] == -1.65e6 * 250.0
    assert dt.date(2026, 4, 3) not in by_day
    assert sum(v for v in by_day.values() if not math.isnan(v)) == -1.65e6 * 250.0
