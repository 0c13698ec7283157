"""Market context on a basket proxy says how much of the basket its figures rest on (issue 15).

A basket whose members have incomplete prices returns the priced members' return (the panel's
``theme_return``); the context figures (YTD, streak, RSI, ...) computed from it are then those
of the priced members, not of the basket. :func:`basket_context` stores the share of the
basket's weight priced on the context date (``MarketContext.basket_weight``, exported) and,
below :data:`attention.checks.baskets.MIN_COVERED_WEIGHT`, adds a note naming the members
priced and the ones not, so the figures are never shown as the whole basket's.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from attention.analysis.context import MarketContext
from attention.checks.baskets import MIN_COVERED_WEIGHT
from attention.config import Config
from attention.panel.build import PanelInputs, ThemePanel

THIN_PREFIX = "thin basket: "


def basket_context(
    context: MarketContext, panel: ThemePanel, inputs: PanelInputs, config: Config
) -> MarketContext:
    """``context`` with ``basket_weight`` set (a proxy of two or more members) and, when under
    the threshold on the context date, a note in words."""
    members = config.themes[panel.theme].proxy.members
    weights = panel.daily.get("basket_weight")
    if len(members) < 2 or weights is None:
        return context
    day = pd.Timestamp(context.asof)
    weight = float(weights.get(day, float("nan")))
    if pd.isna(weight):
        return context
    notes = context.notes
    if weight < MIN_COVERED_WEIGHT:
        priced = _priced(inputs.prices, members, day)
        missing = [m for m in members if m not in priced]
        notes += (
            f"{THIN_PREFIX}prices for {weight:.0%} of the basket's weight on {context.asof} "
            f"({', '.join(priced) or 'no member'} priced; none for {', '.join(missing)}): every figure "
            "here is that of the priced members, not of the whole basket",
        )
    return dataclasses.replace(context, basket_weight=weight, notes=notes)


def _priced(prices: pd.DataFrame, members: list[str], day: pd.Timestamp) -> list[str]:
    """The members with a close on ``day``, in the basket's order."""
    if prices.empty:
        return []
    rows = prices[(pd.to_datetime(prices["date"]) == day) & prices["close"].notna()]
    have = set(rows["ticker"])
    return [m for m in members if m in have]
