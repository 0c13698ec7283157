"""Derivation: run the input checks (:mod:`attention.checks`) over what is stored and save their
flags (``data_flags``), so that ``attention status``, the report and the exports name every input
that is not what it claims to be. Runs after every collection and after the imports.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from attention.checks.baskets import covered_weight, thin_basket_finding
from attention.checks.feeds import PRICES_DONE, SHARES_DONE, frozen_findings, price_min_run
from attention.checks.findings import Finding
from attention.checks.series import step_finding
from attention.checks.sessions import session_findings, to_next_session
from attention.config import Config
from attention.store import Store
from collectors.core.records import utcnow

CHECKS = (
    "step_series",
    "frozen_feed",
    "missing_sessions",
    "partial_bar",
    "holiday_dates",
    "thin_basket",
    "benchmark_is_proxy",
)
# Written by the shares import (the rows it moved or set aside), per ticker: the stored rows no
# longer carry the day they were dated, so derive_checks cannot find them again and keeps them.
IMPORT_DATES = "import_dates"


def derive_checks(store: Store, config: Config) -> int:
    """Run every check and replace the stored flags; returns the number of flags."""
    stale_after = config.sources.flows.stale_after_days
    findings = [
        *search_findings(store, config),
        *price_findings(store.price_bar_dates(), stale_after),
        *shares_findings(store.shares_outstanding(), stale_after),
        *imported_flow_findings(store.imported_flows(), stale_after),
        *basket_findings(store, config),
    ]
    return store.replace_data_flags(CHECKS, flag_frame(findings, utcnow()))


def flag_frame(findings: list[Finding], detected_at: dt.datetime) -> pd.DataFrame:
    """The findings as ``data_flags`` rows."""
    return pd.DataFrame(
        [
            {
                "check_name": f.check,
                "subject": f.subject,
                "detail": f.detail,
                "first_date": f.first,
                "last_date": f.last,
                "severity": f.severity,
                "detected_at": detected_at,
            }
            for f in findings
        ],
        columns=["check_name", "subject", "detail", "first_date", "last_date", "severity", "detected_at"],
    )


def search_findings(store: Store, config: Config) -> list[Finding]:
    """Step series among the stored weekly search series of the configured terms."""
    terms = sorted({t for theme in config.themes.values() for t in theme.search_terms})
    search = store.panel_search(terms) if terms else pd.DataFrame()
    out: list[Finding] = []
    if search.empty:
        return out
    weekly = search[search["granularity"] == "week"]
    for term, rows in weekly.groupby("term"):
        series = rows.set_index(pd.to_datetime(rows["date"]))["value"].astype(float)
        finding, _ = step_finding(f"search '{term}'", series)
        if finding is not None:
            out.append(finding)
    return out


def price_findings(bars: pd.DataFrame, stale_after: int) -> list[Finding]:
    """Missing sessions, a partial last bar and frozen closes, per ticker."""
    out: list[Finding] = []
    for ticker, rows in bars.groupby("ticker"):
        dates = pd.to_datetime(rows["date"])
        last = rows["retrieved_at"].iloc[-1] if "retrieved_at" in rows else None
        out += session_findings(str(ticker), dates, None if pd.isna(last) else pd.Timestamp(last))
        closes = pd.Series(rows["close"].to_numpy(dtype=float), index=dates)
        out += frozen_findings(str(ticker), "close", closes, price_min_run(stale_after), done=PRICES_DONE)
    return out


def shares_findings(shares: pd.DataFrame, stale_after: int) -> list[Finding]:
    """Frozen shares-outstanding feeds and shares dated on days without a session."""
    out: list[Finding] = []
    for ticker, rows in shares.groupby("ticker"):
        dates = pd.to_datetime(rows["date"])
        values = pd.Series(rows["shares"].to_numpy(dtype=float), index=dates)
        out += frozen_findings(str(ticker), "shares outstanding", values, stale_after, done=SHARES_DONE)
        mapped, moved = to_next_session(dates.reset_index(drop=True))
        out += _holiday_findings(str(ticker), "shares outstanding", dates, "counted in the flow of")
    return out


def _holiday_findings(ticker: str, what: str, dates: pd.Series, used: str) -> list[Finding]:
    """One ``holiday_dates`` flag per record dated on a day without a NYSE session."""
    days = pd.to_datetime(dates).reset_index(drop=True)
    mapped, moved = to_next_session(days)
    return [
        Finding(
            "holiday_dates",
            ticker,
            f"{what} dated {day.date()}, a day without a NYSE session: {used} the next session, "
            f"{session.date()}",
            day.date(),
            day.date(),
            "info",
        )
        for day, session in zip(days[moved], mapped[moved], strict=True)
    ]


def imported_flow_findings(flows: pd.DataFrame, stale_after: int) -> list[Finding]:
    """Runs of exact zeros in imported flows (the trace of a frozen shares feed upstream), and
    flows dated on days without a session (added to the next session's)."""
    out: list[Finding] = []
    for ticker, rows in flows.groupby("ticker"):
        values = pd.Series(rows["flow_usd"].to_numpy(dtype=float), index=pd.to_datetime(rows["date"]))
        out += frozen_findings(str(ticker), "imported flows", values, stale_after, zero_only=True)
        out += _holiday_findings(str(ticker), "an imported flow", rows["date"], "added to the flow of")
    return out


def basket_findings(store: Store, config: Config) -> list[Finding]:
    """Baskets priced for under 80% of their weight; a benchmark that is a theme's proxy."""
    out: list[Finding] = []
    prices = store.panel_prices(config.all_tickers())
    wide = (
        prices.pivot_table(index="date", columns="ticker", values="close", aggfunc="last")
        if not prices.empty
        else pd.DataFrame()
    )
    for key, theme in config.themes.items():
        members = theme.proxy.members
        if [m.upper() for m in members] == [config.benchmark.upper()]:
            detail = (
                f"the benchmark {config.benchmark} is also the proxy: excess return is 0 by "
                "construction; set another benchmark or proxy"
            )
            out.append(Finding("benchmark_is_proxy", key, detail, severity="error"))
        if len(members) < 2 or wide.empty:
            continue
        weight = covered_weight(wide.reindex(columns=members), theme.proxy.weight_map())
        weight.index = pd.to_datetime(weight.index)
        finding = thin_basket_finding(key, weight, members)
        if finding is not None:
            out.append(finding)
    return out
