"""A simulated market with a planted attention feedback loop, and a null world without one.

The loop the articles describe is planted with known lags and sizes::

    attention(t - L_af) --b_af--> flow(t)
    flow(t - L_fr)      --b_fr--> excess_return(t)
    excess_return(t - L_ra) --b_ra--> attention(t)

so attention leads excess returns by ``L_af + L_fr`` periods (through flows), and returns lead
attention by ``L_ra``. The process runs in standardised units (every innovation has variance 1),
so coefficients are effects in standard deviations of the innovations; the outputs are then put
on familiar scales (search interest ~0-100, USD flows, simple returns).

State equations, with ``x`` the log-attention deviation, ``f`` the flow, ``r`` the excess return::

    x_t = phi_a x_{t-1} + b_ra r_{t-L_ra} + e^x_t
    f_t = phi_f f_{t-1} + b_af x_{t-L_af} + e^f_t
    r_t = b_fr f_{t-L_fr} + b_ar x_{t-L_ar} - reversal * sum(r_{t-1-R..t-1}) / R + e^r_t

Outputs (one row per period):

* ``attention``: ``base_attention * exp(attention_vol * x)``, a positive search-interest level.
* ``flow``: ``flow_scale_usd * f`` (net creations, USD).
* ``excess_return``: ``return_vol * r`` (theme minus benchmark, simple return).
* ``benchmark_return``: i.i.d. normal, independent of everything else.
* ``theme_return``: ``benchmark_return + excess_return``.

Example::

    from attention.analysis.simulate import LoopParams, simulate_loop
    world = simulate_loop(156, LoopParams.planted(), seed=1, freq="W")
    null = simulate_loop(156, LoopParams.null(), seed=1, freq="W")
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

Freq = Literal["D", "W"]

# Per-period volatilities when the params leave them as None: weekly figures are typical of a
# theme ETF against SPY; daily figures are the weekly ones divided by sqrt(5).
_DEFAULT_VOLS = {
    "W": {"return_vol": 0.02, "benchmark_vol": 0.022, "benchmark_mean": 0.0015},
    "D": {"return_vol": 0.009, "benchmark_vol": 0.01, "benchmark_mean": 0.0003},
}
BURN_IN = 200


@dataclass(frozen=True)
class LoopParams:
    """Coefficients, lags (in periods of the simulated frequency) and noise scales.

    Effect sizes are in innovation standard deviations (see the module docstring). Use
    :meth:`planted` for the default loop and :meth:`null` for a world with no links.
    """

    attention_persistence: float = 0.7  # phi_a: AR(1) of log attention
    flow_persistence: float = 0.3  # phi_f: flows are autocorrelated in real data
    attention_to_flow: float = 0.45  # b_af
    flow_to_return: float = 0.45  # b_fr
    return_to_attention: float = 0.35  # b_ra
    attention_to_return: float = 0.0  # b_ar: a direct price-pressure link (off by default)
    lag_attention_flow: int = 1  # L_af
    lag_flow_return: int = 1  # L_fr
    lag_return_attention: int = 1  # L_ra
    lag_attention_return: int = 1  # L_ar
    reversal: float = 0.0  # later giving back of past returns (Da et al.)
    reversal_window: int = 10  # R
    base_attention: float = 30.0
    attention_vol: float = 0.15  # log-attention change per unit innovation
    flow_scale_usd: float = 5.0e7
    return_vol: float | None = None  # None: 0.02 weekly, 0.009 daily
    benchmark_vol: float | None = None
    benchmark_mean: float | None = None

    def __post_init__(self) -> None:
        for name in (
            "lag_attention_flow",
            "lag_flow_return",
            "lag_return_attention",
            "lag_attention_return",
            "reversal_window",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1 (got {getattr(self, name)})")
        for name in ("attention_persistence", "flow_persistence"):
            if not -1 < getattr(self, name) < 1:
                raise ValueError(f"{name} must be in (-1, 1) for a stationary world")

    @classmethod
    def planted(cls, **changes: Any) -> LoopParams:
        """The default planted loop (attention -> flows -> returns -> attention, lags 1/1/1)."""
        return dataclasses.replace(cls(), **changes)

    @classmethod
    def null(cls, **changes: Any) -> LoopParams:
        """Same persistence and noise, but no link between attention, flows and returns."""
        base = cls(
            attention_to_flow=0.0,
            flow_to_return=0.0,
            return_to_attention=0.0,
            attention_to_return=0.0,
            reversal=0.0,
        )
        return dataclasses.replace(base, **changes)

    def links(self) -> list[tuple[str, str, int]]:
        """The planted direct links as (causing, caused, lag); empty for the null world.

        The indirect attention -> excess_return link (through flows) is listed too, at lag
        ``L_af + L_fr``, because a bivariate test sees it there.
        """
        out: list[tuple[str, str, int]] = []
        if self.attention_to_flow:
            out.append(("attention", "flow", self.lag_attention_flow))
        if self.flow_to_return:
            out.append(("flow", "excess_return", self.lag_flow_return))
        if self.return_to_attention:
            out.append(("excess_return", "attention", self.lag_return_attention))
        if self.attention_to_return:
            out.append(("attention", "excess_return", self.lag_attention_return))
        elif self.attention_to_flow and self.flow_to_return:
            out.append(("attention", "excess_return", self.lag_attention_flow + self.lag_flow_return))
        return out

    def scales(self, freq: Freq) -> dict[str, float]:
        """Return/benchmark volatilities and benchmark mean for ``freq``."""
        defaults = _DEFAULT_VOLS[freq]
        return {k: defaults[k] if getattr(self, k) is None else float(getattr(self, k)) for k in defaults}


def simulate_loop(
    n_periods: int,
    params: LoopParams | None = None,
    seed: int | None = 0,
    freq: Freq = "W",
    start: str | dt.date = "2021-01-01",
) -> pd.DataFrame:
    """Simulate ``n_periods`` of a world driven by ``params`` (default: the planted loop).

    The index is business days (``freq="D"``) or week-ending Fridays (``freq="W"``, the last
    trading day of each week) starting at ``start``. The frame's ``attrs`` carry the params,
    frequency and seed so a result can always say what world it came from.
    """
    if freq not in _DEFAULT_VOLS:
        raise ValueError(f"freq must be 'D' or 'W' (got {freq!r})")
    if n_periods < 1:
        raise ValueError("n_periods must be at least 1")
    params = params or LoopParams.planted()
    rng = np.random.default_rng(seed)
    x, f, r = _state_paths(n_periods + BURN_IN, params, rng)
    x, f, r = x[BURN_IN:], f[BURN_IN:], r[BURN_IN:]
    scales = params.scales(freq)
    bench = rng.normal(scales["benchmark_mean"], scales["benchmark_vol"], n_periods)
    excess = scales["return_vol"] * r
    index = _index(n_periods, freq, start)
    frame = pd.DataFrame(
        {
            "attention": params.base_attention * np.exp(params.attention_vol * x),
            "flow": params.flow_scale_usd * f,
            "excess_return": excess,
            "benchmark_return": bench,
            "theme_return": bench + excess,
        },
        index=index,
    )
    frame.attrs.update({"params": dataclasses.asdict(params), "freq": freq, "seed": seed})
    return frame


def _state_paths(
    n: int, p: LoopParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the state equations in standardised units (a plain loop: n is a few thousand)."""
    ex, ef, er = rng.standard_normal((3, n))
    x, f, r = np.zeros(n), np.zeros(n), np.zeros(n)
    first = max(
        p.lag_attention_flow,
        p.lag_flow_return,
        p.lag_return_attention,
        p.lag_attention_return,
        p.reversal_window + 1,
    )
    for t in range(first, n):
        x[t] = (
            p.attention_persistence * x[t - 1] + p.return_to_attention * r[t - p.lag_return_attention] + ex[t]
        )
        f[t] = p.flow_persistence * f[t - 1] + p.attention_to_flow * x[t - p.lag_attention_flow] + ef[t]
        pull = p.reversal * r[t - 1 - p.reversal_window : t - 1].mean() if p.reversal else 0.0
        r[t] = (
            p.flow_to_return * f[t - p.lag_flow_return]
            + p.attention_to_return * x[t - p.lag_attention_return]
            - pull
            + er[t]
        )
    return x, f, r


def _index(n: int, freq: Freq, start: str | dt.date) -> pd.DatetimeIndex:
    if freq == "D":
        return pd.bdate_range(start=start, periods=n, name="date")
    return pd.date_range(start=start, periods=n, freq="W-FRI", name="date")
