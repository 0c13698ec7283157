"""The capital leg's raw input: daily shares outstanding for every ETF proxy (Yahoo's shares
timeseries through yfinance, on our HTTP layer). The flows themselves are computed from the
stored shares and prices by :mod:`attention.derive.flows`.
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
    CoverageSpan,
    CursorUpdate,
    Provenance,
    Record,
    RetriableError,
    SharesOutstanding,
    SourceNote,
    day_span,
    utcnow,
)
from collectors.market.prices import YAHOO_DEFAULT, YAHOO_HOSTS, closed_sessions

if TYPE_CHECKING:
    pass


class FlowCollector:
    name = "flows"
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        etfs = [t.proxy.etf for t in ctx.config.themes.values() if t.proxy.etf]
        if not etfs:
            yield SourceNote("info", "no theme uses an ETF proxy; nothing to collect")
            return
        assert ctx.http_factory is not None, "the pipeline provides an HTTP factory"
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
            if start > ctx.run_date or not closed_sessions(start, ctx.run_date):
                continue  # a weekend, a holiday or a session still trading: no new value is due
            try:
                rows = fetch_shares(client, ctx.config.sources.prices.yahoo_url, etf, start, ctx.run_date)
            except AttentionError as exc:
                failures.append(f"{etf}: {exc}")
                continue
            yield from rows
            if rows:  # an empty answer proves nothing: no coverage (DESIGN.md 4.14)
                first, last = day_span(start, ctx.run_date)
                yield CoverageSpan(
                    "shares", "ticker", etf, first, last, "collect", rows[-1].provenance, len(rows)
                )
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
