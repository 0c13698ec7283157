"""Derivation: ETF creations/redemptions (flows) from stored daily shares outstanding and closes.

Per ETF and session, ``flow = (shares_t - shares_{t-1}) * close_t``. Shares-outstanding feeds go
stale: a value that stops changing for ``stale_after_days`` sessions or more is flagged
``stale`` with no flow (NaN), never read as zero flow (DESIGN.md 5); the panel, seeing the
whole run, also makes its first zeros unknown (``attention.checks.feeds.frozen_flows_missing``).
A close that had repeated on ``max(stale_after_days, 5)`` bars by its date is a frozen price
feed: the flow of that day is unknown (NaN), not priced at a stale close. Both use only the
days up to each row. Shares dated on a day without a session count toward the next session
(never dropped).
"""

from __future__ import annotations

import pandas as pd

from attention.checks.feeds import known_frozen, price_min_run
from attention.checks.sessions import to_next_session
from attention.config import Config
from attention.store import Store
from collectors.core.records import FlowRecord, Provenance, utcnow
from collectors.market.shares import FlowCollector


def flows_from_shares(shares: pd.Series, close: pd.Series, stale_after: int) -> pd.DataFrame:
    """Daily flows from shares outstanding and closes (both indexed by date).

    Returns a frame with ``flow_usd`` (NaN where unknown or stale) and ``stale``.
    """
    frame = pd.concat({"shares": shares, "close": close}, axis=1).dropna(subset=["shares"])
    frame = frame.sort_index()
    change = frame["shares"].diff()
    # How long the value has been unchanged as of each row (the row that set it counts as 1).
    # Only the past counts: a day's flag never changes when later days arrive.
    run_id = (change != 0).cumsum()
    unchanged_for = run_id.groupby(run_id).cumcount() + 1
    stale = (change == 0) & (unchanged_for >= stale_after)
    flow = change * frame["close"]
    flow[stale | frame["close"].isna()] = float("nan")
    return pd.DataFrame({"flow_usd": flow, "stale": stale}, index=frame.index).iloc[1:]


def _on_sessions(shares: pd.Series) -> pd.Series:
    """Shares dated on a day without a session (Good Friday, a weekend) moved to the next
    session, the last value of a session winning: the change they carry belongs to that
    session's flow. Dropped, a holiday redemption would vanish from the flows."""
    if shares.empty:
        return shares
    dates = pd.Series(pd.to_datetime(shares.index), index=range(len(shares)))
    sessions, _ = to_next_session(dates)
    moved = pd.Series(shares.to_numpy(), index=pd.DatetimeIndex(sessions.to_numpy()))
    moved = moved.sort_index(kind="stable")
    return moved.groupby(level=0).last()


def derive_flows(store: Store, config: Config) -> int:
    """Recompute ETF flows from stored shares outstanding and prices (idempotent upserts)."""
    stale_after = config.sources.flows.stale_after_days
    shares = store.shares_outstanding()
    if shares.empty:
        return 0
    records = []
    provenance = Provenance("derived:shares_outstanding*close", FlowCollector.version, utcnow())
    for ticker, group in shares.groupby("ticker"):
        closes = store.closes(str(ticker))
        close = closes.set_index(pd.to_datetime(closes["date"]))["close"].astype(float)
        close = close.where(~known_frozen(close, price_min_run(stale_after)))
        dated = group.set_index(pd.to_datetime(group["date"]))["shares"]
        flows = flows_from_shares(_on_sessions(dated), close, stale_after)
        for day, row in flows.iterrows():
            value = None if pd.isna(row["flow_usd"]) else float(row["flow_usd"])
            records.append(
                FlowRecord(
                    ticker,
                    pd.Timestamp(day).date(),
                    value,
                    "shares_outstanding",
                    bool(row["stale"]),
                    provenance,
                )
            )
    return sum(store.write(records).values())
