"""Baskets and benchmarks: how much of a basket's weight has a price each day, and a benchmark
that is the theme's own proxy (an excess return that is zero by construction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from attention.checks.findings import Finding
from attention.errors import AttentionError

MIN_COVERED_WEIGHT = 0.8


class BenchmarkIsProxyError(AttentionError):
    """The benchmark is the theme's only proxy member: its excess return is 0 by construction."""


def covered_weight(returns: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Per row, the share of the basket's total weight whose members have a value (0..1)."""
    total = sum(weights.values())
    if total <= 0:
        return pd.Series(float("nan"), index=returns.index)
    present = pd.Series(0.0, index=returns.index)
    for ticker, weight in weights.items():
        if ticker in returns:
            present += returns[ticker].notna().astype(float) * weight
    return present / total


def thin_basket_finding(
    theme: str, weight: pd.Series, members: Sequence[str], threshold: float = MIN_COVERED_WEIGHT
) -> Finding | None:
    """A flag when the covered weight falls below ``threshold`` on any day with any price."""
    priced = weight[weight > 0]
    thin = priced[priced < threshold]
    if thin.empty:
        return None
    return Finding(
        "thin_basket",
        theme,
        f"the basket ({', '.join(members)}) had prices for under {threshold:.0%} of its weight on "
        f"{len(thin)} of {len(priced)} sessions (lowest {thin.min():.0%}, last "
        f"{weight.iloc[-1]:.0%}); its return is that of the members priced",
        thin.index.min().date(),
        thin.index.max().date(),
    )


def check_benchmark(theme: str, members: Sequence[str], benchmark: str) -> None:
    """Raise when the benchmark is the theme's whole proxy: say what to change."""
    if [m.upper() for m in members] == [benchmark.upper()]:
        raise BenchmarkIsProxyError(
            f"theme {theme!r}: the benchmark {benchmark} is also its proxy, so its excess return is "
            "0 by construction; set another benchmark (config: benchmark) or another proxy"
        )
