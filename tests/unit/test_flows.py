from __future__ import annotations

import math

import pandas as pd

from attention.derive.flows import flows_from_shares


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
