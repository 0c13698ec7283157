"""The capital leg: ETF creations/redemptions from daily shares outstanding.

Collection fetches shares outstanding for every ETF proxy (Yahoo's shares timeseries through
yfinance, on our HTTP layer). The derivation :func:`derive_flows` then computes, per ETF and
session, ``flow = (shares_t - shares_{t-1}) * close_t`` from the stored shares and prices.

Shares-outstanding feeds go stale: a value that stops changing for ``stale_after_days`` sessions
or more is flagged ``stale`` with no flow (NaN), never read as zero flow (DESIGN.md 5).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from collectors.core.http import HttpClient
from collectors.core.records import (
    AttentionError,
    CollectContext,
    CursorUpdate,
    FlowRecord,
    Provenance,
    Record,
    RetriableError,
    SharesOutstanding,
    SourceNote,
    utcnow,
)
from collectors.market.prices import YAHOO_DEFAULT, YAHOO_HOSTS

if TYPE_CHECKING:
    from attention.config import Config
    from attention.store import Store


class FlowCollector:
    name = "flows"
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        etfs = [t.proxy.etf for t in ctx.config.themes.values() if t.proxy.etf]
        if not etfs:
            yield SourceNote("info", "no theme uses an ETF proxy; nothing to collect")
            return
        client = ctx.http_factory(
            "flows", budget=ctx.config.sources.prices.budget, timeout=ctx.config.sources.prices.timeout
        )
        failures = []
        for etf in etfs:
            cursor = ctx.cursors.get(etf)
            start = (
                dt.date.fromisoformat(cursor) + dt.timedelta(days=1)
                if cursor
                else ctx.config.analysis.history_start
            )
            if start > ctx.run_date:
                continue
            try:
                rows = fetch_shares(client, ctx.config.sources.prices.yahoo_url, etf, start, ctx.run_date)
            except AttentionError as exc:
                failures.append(f"{etf}: {exc}")
                continue
            yield from rows
            if rows:
                yield CursorUpdate(self.name, etf, max(r.date for r in rows).isoformat())
        if failures:
            raise RetriableError(f"flows: shares outstanding failed for {'; '.join(failures)}")


def fetch_shares(
    client: HttpClient, yahoo_url: str, ticker: str, start: dt.date, end: dt.date
) -> list[SharesOutstanding]:
    import yfinance as yf

    if yahoo_url.rstrip("/") != YAHOO_DEFAULT:
        client.rewrites = dict.fromkeys(YAHOO_HOSTS, yahoo_url)
    yf.config.debug.hide_exceptions = False
    mark = len(client.errors)
    try:
        data = yf.Ticker(ticker, session=client.as_session())
        data._data.cache_get.cache_clear()
        with warnings.catch_warnings():  # yfinance uses pandas APIs deprecated in pandas 3
            warnings.simplefilter("ignore")
            series = data.get_shares_full(
                start=start.isoformat(), end=(end + dt.timedelta(days=1)).isoformat()
            )
    except Exception as exc:
        raise client.first_error_since(mark) or RetriableError(f"shares for {ticker}: {exc}") from None
    if series is None or len(series) == 0:
        raise client.first_error_since(mark) or RetriableError(
            f"no shares-outstanding data for {ticker} {start}..{end}"
        )
    provenance = Provenance(
        f"{YAHOO_DEFAULT}/ws/fundamentals-timeseries/v1/finance/timeseries/{ticker}",
        FlowCollector.version,
        utcnow(),
        {"start": str(start), "end": str(end)},
    )
    daily = series.groupby(pd.DatetimeIndex(series.index).date).last()
    return [
        SharesOutstanding(ticker, day, float(value), "yahoo", provenance)
        for day, value in daily.items()
        if start <= day <= end
    ]


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


def derive_flows(store: Store, config: Config) -> int:
    """Recompute ETF flows from stored shares outstanding and prices (idempotent upserts)."""
    stale_after = config.sources.flows.stale_after_days
    shares = store.query("SELECT ticker, date, shares FROM shares_outstanding ORDER BY date")
    if shares.empty:
        return 0
    records = []
    provenance = Provenance("derived:shares_outstanding*close", FlowCollector.version, utcnow())
    for ticker, group in shares.groupby("ticker"):
        closes = store.query("SELECT date, close FROM prices WHERE ticker = ?", [ticker])
        close = closes.set_index("date")["close"]
        flows = flows_from_shares(group.set_index("date")["shares"], close, stale_after)
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
