"""Calibration of the feedback-loop tests on simulated worlds; prints JSON.

For each of N seeded worlds with the planted loop (attention -> flows -> returns -> attention,
``LoopParams.planted()``) and N null worlds (``LoopParams.null()``), run the same tests
``attention analyze`` runs (Granger on stationary transforms, BIC lag order capped at 4, BH
within the world) and report, per link: detection power (planted) and false-positive rate
(null), at the 5% level without and with BH; plus how often the test located the planted lag.

Three more worlds check the verdict as a reader gets it (issue 18):

* ``echo_world``: attention only echoes past returns (``LoopParams.null(return_to_attention=...)``);
  ``adds_nothing_rate`` is the share of worlds where attention is not judged to add to price
  (:mod:`attention.analysis.beyond`) for excess returns (target >= 0.90);
* ``break_world``: the planted loop for the first half, no links in the second;
  ``flagged_rate`` is the share of planted links (over worlds) whose stability call is not
  "stable" (target >= 0.80); ``planted.stability_false_flag_rate`` is the same share in worlds
  without a break (the price of the check);
* ``null.verdict_false_positive_rate``: the share of null worlds whose verdict reports anything
  (a loop or partial loop, or attention adding to price) (target <= 0.05).

    python benchmarks/analysis_calibration.py --worlds 300 --periods 260
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
import warnings

import numpy as np
import pandas as pd

from attention.analysis.feedback import FeedbackResult, feedback_tests
from attention.analysis.simulate import LoopParams, simulate_loop

PAIRS = [
    ("attention", "excess_return"),
    ("excess_return", "attention"),
    ("attention", "flow"),
    ("flow", "excess_return"),
]


def _tests(world: pd.DataFrame, alpha: float) -> FeedbackResult:
    return feedback_tests(
        world,
        attention="attention",
        capital=("flow",),
        max_lag=4,
        alpha=alpha,
        log=("attention",),
        freq="W",
        n_shifts=0,  # the verdict's claims rest on the BH q-values; shifts only add a caveat
    )


def _verdict_claims(result: FeedbackResult) -> bool:
    """Does the verdict report a finding (a loop, part of one, or attention adding to price)?"""
    adds = any(
        b.adds_to_price(result.alpha) and result.test(b.causing, b.caused).significant(result.alpha)  # type: ignore[union-attr]
        for b in result.beyond
    )
    return result.loop_status != "none" or adds


def _flags(result: FeedbackResult, links: list[tuple[str, str, int]]) -> list[bool]:
    """Per planted direct link: is its stability call anything but 'stable'?"""
    calls = [result.stability_for(c, e) for c, e, _ in links]
    return [s is not None and s.call != "stable" for s in calls]


def _run(params: LoopParams, worlds: int, periods: int, seed0: int, alpha: float) -> dict:
    raw = {f"{c}->{e}": [] for c, e in PAIRS}
    adj = {k: [] for k in raw}
    lag_hit = {k: [] for k in raw}
    truth = {(c, e): lag for c, e, lag in params.links()}
    claims, flags = [], []
    direct = [link for link in params.links() if link[:2] != ("attention", "excess_return")]
    for w in range(worlds):
        world = simulate_loop(periods, params, seed=seed0 + w, freq="W")
        result = _tests(world, alpha)
        claims.append(_verdict_claims(result))
        flags += _flags(result, direct)
        for c, e in PAIRS:
            t = result.test(c, e)
            key = f"{c}->{e}"
            raw[key].append(t.pvalue < alpha)
            adj[key].append(t.qvalue < alpha)
            if (c, e) in truth:
                lag_hit[key].append(truth[(c, e)] in t.lead_lags)
    out = {k: {"rate_raw": float(np.mean(raw[k])), "rate_bh": float(np.mean(adj[k]))} for k in raw}
    for k, hits in lag_hit.items():
        if hits:
            out[k]["planted_lag"] = truth[tuple(k.split("->"))]  # type: ignore[index]
            out[k]["planted_lag_found"] = float(np.mean(hits))
    pooled_raw = float(np.mean([v for k in raw for v in raw[k]]))
    pooled_bh = float(np.mean([v for k in adj for v in adj[k]]))
    any_bh = float(np.mean([any(adj[k][i] for k in adj) for i in range(worlds)]))
    return {
        "links": out,
        "pooled_rate_raw": pooled_raw,
        "pooled_rate_bh": pooled_bh,
        "any_rejection_bh": any_bh,
        "verdict_false_positive_rate" if not direct else "verdict_claim_rate": float(np.mean(claims)),
        **({"stability_false_flag_rate": float(np.mean(flags))} if flags else {}),
    }


def _echo_world(worlds: int, periods: int, seed0: int, alpha: float) -> dict:
    """Attention only echoes past returns: it must not be judged to add to price."""
    params = LoopParams.null(return_to_attention=LoopParams().return_to_attention)
    adds = []
    for w in range(worlds):
        result = _tests(simulate_loop(periods, params, seed=seed0 + w, freq="W"), alpha)
        check = result.beyond_for("attention", "excess_return")
        adds.append(check is not None and check.adds_to_price(alpha))
    return {"worlds": worlds, "adds_nothing_rate": 1.0 - float(np.mean(adds)), "target_min": 0.9}


def _break_world(worlds: int, periods: int, seed0: int, alpha: float) -> dict:
    """The planted loop in the first half, none in the second: stability must flag it."""
    half = periods // 2
    links = [link for link in LoopParams.planted().links() if link[:2] != ("attention", "excess_return")]
    flags: list[bool] = []
    for w in range(worlds):
        first = simulate_loop(half, LoopParams.planted(), seed=seed0 + w, freq="W")
        second = simulate_loop(periods - half, LoopParams.null(), seed=seed0 + 50_000 + w, freq="W")
        second.index = pd.date_range(
            first.index[-1] + pd.Timedelta(weeks=1), periods=len(second), freq="W-FRI"
        )
        flags += _flags(_tests(pd.concat([first, second]), alpha), links)
    return {
        "worlds": worlds,
        "links_per_world": len(links),
        "flagged_rate": float(np.mean(flags)),
        "target_min": 0.8,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=300)
    parser.add_argument("--periods", type=int, default=260)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    planted = _run(LoopParams.planted(), args.worlds, args.periods, 10_000, args.alpha)
    null = _run(LoopParams.null(), args.worlds, args.periods, 20_000, args.alpha)
    echo = _echo_world(args.worlds, args.periods, 30_000, args.alpha)
    broken = _break_world(args.worlds, args.periods, 40_000, args.alpha)
    se = float(np.sqrt(args.alpha * (1 - args.alpha) / (args.worlds * len(PAIRS))))
    print(
        json.dumps(
            {
                "worlds": args.worlds,
                "periods": args.periods,
                "freq": "W",
                "alpha": args.alpha,
                "params_planted": dataclasses.asdict(LoopParams.planted()),
                "planted": planted,
                "null": null,
                "null_pooled_rate_standard_error": se,
                "echo_world": echo,
                "break_world": broken,
                "targets": {
                    "power_min": 0.9,
                    "false_positive_rate": [0.03, 0.07],
                    "echo_world.adds_nothing_rate_min": 0.9,
                    "break_world.flagged_rate_min": 0.8,
                    "null.verdict_false_positive_rate_max": 0.05,
                },
                "seconds": round(time.perf_counter() - start, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
