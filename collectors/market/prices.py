"""Daily OHLCV for every proxy ticker, basket member, the benchmark and extras.

Primary provider: Yahoo through yfinance, routed through our HTTP layer (its session is ours, so
retries, budget and base URLs apply). Fallback: Stooq's daily CSV. Incremental: a cursor per
ticker holds the last *completed* session stored; a run fetches only what is after it.

yfinance quirks handled here (DESIGN.md 5): it returns an empty frame instead of raising when
offline or refused (we treat empty as an error, never a silent gap); it memoises history
in-process (we clear its cache per call); the bar of a session still trading is partial (stored,
but the cursor does not move past it, so the next run replaces it).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import warnings
from collections.abc import Iterator

import pandas as pd

from attention.calendar import sessions_and_closes
from attention.source_settings import PricesSettings
from collectors.core.http import HttpClient
from collectors.core.records import (
    AttentionError,
    BudgetExhaustedError,
    CollectContext,
    CoverageSpan,
    CursorUpdate,
    PriceBar,
    Provenance,
    Record,
    RetriableError,
    SourceNote,
    day_span,
    utcnow,
)

# yfinance must use requests (not curl_cffi) so that our session can carry its traffic; it
# then warns about TLS impersonation on every import, which is our choice, not a problem.
os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")
logging.getLogger("yfinance").setLevel(logging.ERROR)

YAHOO_DEFAULT = "https://query2.finance.yahoo.com"
YAHOO_HOSTS = (
    "https://query1.finance.yahoo.com",
    "https://query2.finance.yahoo.com",
    "https://fc.yahoo.com",
    "https://guce.yahoo.com",
    "https://finance.yahoo.com",
)
# Minutes after a session's close before its bar is treated as final.
SETTLE_MINUTES = 30


class EmptyPriceDataError(RetriableError):
    """The provider answered but gave no bars: never a silent gap."""


class PriceCollector:
    name = "prices"
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        settings = ctx.config.sources.prices
        assert ctx.http_factory is not None, "the pipeline provides an HTTP factory"
        client = ctx.http_factory(self.name)
        failures: dict[str, str] = {}
        down: set[str] = set()  # providers that failed transiently: not retried this run
        for ticker in ctx.config.all_tickers():
            start = _next_start(ctx.cursors.get(ticker), ctx.config.analysis.history_start)
            sessions = closed_sessions(start, ctx.run_date)
            if not sessions:  # weekend, holiday, or today's session still trading: nothing due
                continue
            try:
                bars, provider = self._fetch_with_fallback(
                    client, settings, ticker, start, sessions[-1], down
                )
            except AttentionError as exc:
                failures[ticker] = str(exc)
                continue
            if provider != settings.provider:
                yield SourceNote("warning", f"{ticker}: {settings.provider} failed; used {provider}")
            bars = [b for b in bars if b.date <= sessions[-1]]  # never a bar still being formed
            yield from bars
            if bars:  # an empty answer proves nothing: no coverage (DESIGN.md 4.14)
                first, last = day_span(start, sessions[-1])
                provenance = bars[-1].provenance
                yield CoverageSpan("prices", "ticker", ticker, first, last, "collect", provenance, len(bars))
                yield CursorUpdate(self.name, ticker, max(b.date for b in bars).isoformat())
        if failures:
            listed = "; ".join(f"{t}: {e}" for t, e in failures.items())
            raise RetriableError(f"prices: {len(failures)} ticker(s) failed ({listed})")

    def _fetch_with_fallback(
        self,
        client: HttpClient,
        settings: PricesSettings,
        ticker: str,
        start: dt.date,
        end: dt.date,
        down: set[str],
    ) -> tuple[list[PriceBar], str]:
        providers = [settings.provider]
        if settings.fallback and settings.fallback != settings.provider:
            providers.append(settings.fallback)
        errors = []
        for provider in providers:
            if provider in down:
                errors.append(f"{provider}: unavailable earlier in this run")
                continue
            fetch = fetch_yahoo if provider == "yahoo" else fetch_stooq
            try:
                return fetch(client, settings, ticker, start, end), provider
            except BudgetExhaustedError:
                raise
            except EmptyPriceDataError as exc:  # this ticker had no bars: not an outage
                errors.append(f"{provider}: {exc}")
            except RetriableError as exc:
                # A provider that is down stays down for this run: don't spend the budget on it.
                down.add(provider)
                errors.append(f"{provider}: {exc}")
            except AttentionError as exc:  # e.g. unknown ticker at this provider
                errors.append(f"{provider}: {exc}")
        raise RetriableError(" / ".join(errors))


def _next_start(cursor: str | None, history_start: dt.date) -> dt.date:
    if cursor is None:
        return history_start
    return dt.date.fromisoformat(cursor) + dt.timedelta(days=1)


def closed_sessions(start: dt.date, end: dt.date, now: dt.datetime | None = None) -> list[dt.date]:
    """NYSE sessions in ``start..end`` whose close (plus a settling margin) has passed.

    Bars are fetched only for these, so a run on a weekend or holiday asks for nothing, and a
    run during trading hours never stores today's partial bar.
    """
    if start > end:
        return []
    sessions, closes = sessions_and_closes(start, end)
    now = pd.Timestamp(now or utcnow())
    settled = closes + pd.Timedelta(minutes=SETTLE_MINUTES)
    due = (sessions >= pd.Timestamp(start)) & (sessions <= pd.Timestamp(end)) & (settled <= now)
    return [d.date() for d in sessions[due]]


def fetch_yahoo(
    client: HttpClient, settings: PricesSettings, ticker: str, start: dt.date, end: dt.date
) -> list[PriceBar]:
    import yfinance as yf  # heavy import, only when Yahoo is used

    if settings.yahoo_url.rstrip("/") != YAHOO_DEFAULT:
        client.rewrites = dict.fromkeys(YAHOO_HOSTS, settings.yahoo_url)
    yf.config.debug.hide_exceptions = False
    session = client.as_session()
    mark = len(client.errors)
    try:
        data = yf.Ticker(ticker, session=session)
        data._data.cache_get.cache_clear()  # yfinance memoises responses in-process
        with warnings.catch_warnings():  # yfinance uses pandas APIs deprecated in pandas 3
            warnings.simplefilter("ignore")
            frame = data.history(
                start=start.isoformat(),
                end=(end + dt.timedelta(days=1)).isoformat(),
                interval="1d",
                auto_adjust=False,
                actions=False,
                timeout=settings.timeout,
            )
    except Exception as exc:  # yfinance raises many kinds; the cause is in our client
        raise client.first_error_since(mark) or RetriableError(f"{ticker}: {exc}") from None
    if frame is None or frame.empty:
        raise client.first_error_since(mark) or EmptyPriceDataError(
            f"yahoo: no bars for {ticker} {start}..{end}"
        )
    url = f"{client.rewrite(YAHOO_DEFAULT)}/v8/finance/chart/{ticker}"
    return yahoo_frame_to_bars(
        frame,
        ticker,
        Provenance(url, PriceCollector.version, utcnow(), {"start": str(start), "end": str(end)}),
    )


def yahoo_frame_to_bars(
    frame: pd.DataFrame, ticker: str, provenance: Provenance, provider: str = "yahoo"
) -> list[PriceBar]:
    """Map a yfinance-style frame (Open/High/Low/Close/Adj Close/Volume) to bars.

    Handles the two-level columns yfinance gives for several tickers or in its CSVs
    (``Price``/``Ticker`` levels), and drops rows without a close.
    """
    if isinstance(frame.columns, pd.MultiIndex):
        level = next(i for i in range(frame.columns.nlevels) if "Close" in frame.columns.get_level_values(i))
        frame = frame.copy()
        frame.columns = frame.columns.get_level_values(level)
    frame = frame.rename(columns=str.title).rename(columns={"Adj Close": "Adj_Close"})
    bars = []
    for stamp, row in frame.iterrows():
        close = _num(row.get("Close"))
        if close is None:
            continue
        day = pd.Timestamp(stamp).date()
        bars.append(
            PriceBar(
                ticker,
                day,
                _num(row.get("Open")),
                _num(row.get("High")),
                _num(row.get("Low")),
                close,
                _num(row.get("Adj_Close")),
                _num(row.get("Volume")),
                provider,
                provenance,
            )
        )
    return bars


def read_yahoo_csv(source: str | io.TextIOBase, ticker: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Read a Yahoo/yfinance CSV export into a frame indexed by date.

    Copes with the layouts yfinance has written over the years: a plain ``Date,Open,...`` header;
    a second header row of tickers (``,^GSPC,^GSPC``); and the three-row
    ``Price,...`` / ``Ticker,...`` / ``Date,,,`` header. Returns the frame and the ticker named in
    the file (if any). A trailing partial intraday bar is the caller's to judge (its date is today).
    """
    raw = pd.read_csv(source, header=None, dtype=str, keep_default_na=False)
    header = [c.strip() for c in raw.iloc[0]]
    header[0] = "Date"
    found_ticker = ticker
    body_start = 1
    while body_start < len(raw):
        first = raw.iloc[body_start, 0].strip()
        rest = [c.strip() for c in raw.iloc[body_start, 1:]]
        if first in ("", "Ticker", "Date") and not _looks_numeric(rest):
            found_ticker = found_ticker or next((c for c in rest if c), None)
            body_start += 1
            continue
        break
    frame = raw.iloc[body_start:].copy()
    frame.columns = header
    frame["Date"] = pd.to_datetime(frame["Date"].str.slice(0, 10), errors="coerce")
    frame = frame.dropna(subset=["Date"]).set_index("Date")
    frame = frame.apply(pd.to_numeric, errors="coerce")
    return frame, found_ticker


def _looks_numeric(cells: list[str]) -> bool:
    return any(_num(c) is not None for c in cells if c)


def fetch_stooq(
    client: HttpClient, settings: PricesSettings, ticker: str, start: dt.date, end: dt.date
) -> list[PriceBar]:
    url = f"{settings.stooq_url.rstrip('/')}/q/d/l/"
    params = {"s": f"{ticker.lower()}.us", "i": "d", "d1": f"{start:%Y%m%d}", "d2": f"{end:%Y%m%d}"}
    response = client.get(url, params=params)
    text = response.text.strip()
    if not text or not text.startswith("Date"):
        raise EmptyPriceDataError(f"stooq: no bars for {ticker} ({text[:40]!r})")
    frame = pd.read_csv(io.StringIO(text), parse_dates=["Date"]).set_index("Date")
    if frame.empty:
        raise EmptyPriceDataError(f"stooq: no bars for {ticker} {start}..{end}")
    # Stooq's close is split- and dividend-adjusted; it has no separate raw close.
    frame["Adj Close"] = frame["Close"]
    return yahoo_frame_to_bars(
        frame, ticker, Provenance(url, PriceCollector.version, utcnow(), params), provider="stooq"
    )


def _num(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number
