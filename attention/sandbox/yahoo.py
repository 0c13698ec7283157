"""Replica of the Yahoo Finance endpoints yfinance uses (cookie, crumb, v8 chart, shares
timeseries) and of Stooq's daily CSV download, serving the simulated world's prices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import World

NEW_YORK = "America/New_York"


class YahooReplica(Replica):
    name = "yahoo"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.route("GET", "/", self.cookie)
        self.route("GET", "/v1/test/getcrumb", self.crumb)
        self.route("GET", r"/v8/finance/chart/(?P<symbol>[^/]+)", self.chart)
        self.route("GET", r"/ws/fundamentals-timeseries/v1/finance/timeseries/(?P<symbol>[^/]+)", self.shares)
        self.route("GET", r"/q/d/l/", self.stooq_csv)

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        return {"sources.prices.yahoo_url": url, "sources.prices.stooq_url": url}

    def known(self, symbol: str) -> bool:
        return symbol in self.world.config.all_tickers()

    def cookie(self, request: Request) -> Response:
        return Response.text("", 200, **{"Set-Cookie": "A3=sandbox; Domain=127.0.0.1; Path=/"})

    def crumb(self, request: Request) -> Response:
        return Response.text("sandboxcrumb")

    def _window(self, request: Request) -> pd.DataFrame | None:
        symbol = request.param("symbol")
        if not self.known(symbol):
            return None
        frame = self.world.prices(symbol)
        start = pd.Timestamp(int(request.arg("period1", "0")), unit="s")
        end = pd.Timestamp(int(request.arg("period2", str(2**31))), unit="s")
        return frame[(frame.index >= start.normalize()) & (frame.index < end)]

    def chart(self, request: Request) -> Response:
        symbol = request.param("symbol")
        frame = self._window(request)
        if frame is None:
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return Response.json({"chart": {"result": None, "error": error}}, 404)
        # Yahoo stamps daily bars at the session open, 09:30 New York time.
        opens = frame.index.tz_localize(NEW_YORK) + pd.Timedelta(hours=9, minutes=30)
        stamps = [int(t.timestamp()) for t in opens]
        result = {
            "meta": self._meta(symbol, frame),
            "timestamp": stamps,
            "indicators": {
                "quote": [{col: frame[col].tolist() for col in ("open", "high", "low", "close", "volume")}],
                "adjclose": [{"adjclose": frame["adj_close"].tolist()}],
            },
        }
        if not stamps:
            result.pop("timestamp")
        return Response.json({"chart": {"result": [result], "error": None}})

    def _meta(self, symbol: str, frame: pd.DataFrame) -> dict[str, Any]:
        first = int(pd.Timestamp(self.world.sessions[0]).tz_localize(NEW_YORK).timestamp())
        last_close = float(frame["close"].iloc[-1]) if len(frame) else 0.0
        period = {"timezone": "EST", "start": first, "end": first + 23400, "gmtoffset": -18000}
        return {
            "currency": "USD",
            "symbol": symbol,
            "exchangeName": "PCX",
            "fullExchangeName": "NYSE",
            "instrumentType": "ETF",
            "firstTradeDate": first,
            "regularMarketTime": first,
            "hasPrePostMarketData": False,
            "gmtoffset": -18000,
            "timezone": "EST",
            "exchangeTimezoneName": NEW_YORK,
            "regularMarketPrice": last_close,
            "chartPreviousClose": last_close,
            "priceHint": 2,
            "currentTradingPeriod": {"pre": period, "regular": period, "post": period},
            "dataGranularity": "1d",
            "range": "",
            "validRanges": ["1d", "5d", "1mo", "max"],
        }

    def shares(self, request: Request) -> Response:
        symbol = request.param("symbol")
        if not self.known(symbol):
            return Response.json({"timeseries": {"result": [{"meta": {"symbol": [symbol]}}], "error": None}})
        series = self.world.shares_outstanding(symbol)
        start = pd.Timestamp(int(request.arg("period1", "0")), unit="s")
        end = pd.Timestamp(int(request.arg("period2", str(2**31))), unit="s")
        series = series[(series.index >= start.normalize()) & (series.index <= end)]
        stamps = [int(pd.Timestamp(d).tz_localize(NEW_YORK).timestamp()) for d in series.index]
        result = {
            "meta": {"symbol": [symbol], "type": ["shares_out"]},
            "timestamp": stamps,
            "shares_out": [int(v) for v in series],
        }
        return Response.json({"timeseries": {"result": [result], "error": None}})

    def stooq_csv(self, request: Request) -> Response:
        code = (request.arg("s") or "").upper().removesuffix(".US")
        if not self.known(code):
            return Response.text("No data", content_type="text/csv")
        frame = self.world.prices(code)
        if d1 := request.arg("d1"):
            frame = frame[frame.index >= pd.Timestamp(dt.datetime.strptime(d1, "%Y%m%d"))]
        if d2 := request.arg("d2"):
            frame = frame[frame.index <= pd.Timestamp(dt.datetime.strptime(d2, "%Y%m%d"))]
        lines = ["Date,Open,High,Low,Close,Volume"]
        lines += [
            f"{d:%Y-%m-%d},{r.open},{r.high},{r.low},{r.close},{int(r.volume)}" for d, r in frame.iterrows()
        ]
        return Response.text("\n".join(lines) + "\n", content_type="text/csv")
