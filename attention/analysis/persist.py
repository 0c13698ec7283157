"""Analysis results as rows for the result tables (see ``attention.store.schema``, migrations
``analysis_results_v1``, ``analysis_results_v2_irf``, ``stats_0001``..``stats_0003`` and
``asof_0001_data_span``, ``truth_0001_context_asof``; the store writes them with
``Store.replace_analysis_results``). The exports read these tables."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from attention.analysis.context import MarketContext
from attention.analysis.wording import excluded_sentence

if TYPE_CHECKING:
    from attention.analysis.beyond import BeyondPrice
    from attention.analysis.granger import GrangerResult
    from attention.analysis.run import AnalysisResults, ThemeAnalysis
    from attention.analysis.stability import Stability


def _num(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def result_frames(results: AnalysisResults) -> dict[str, pd.DataFrame]:
    at = results.computed_at
    tests, verdicts, events, contexts, irfs = [], [], [], [], []
    for key, theme in results.themes.items():
        fb = theme.feedback
        span = _span_columns(theme)
        for t in fb.tests:
            tests.append(
                {
                    "theme": key,
                    "freq": fb.freq,
                    "causing": t.causing,
                    "caused": t.caused,
                    "statistic": _num(t.statistic),
                    "pvalue": _num(t.pvalue),
                    "qvalue": _num(t.qvalue),
                    "lags": t.lags,
                    "nobs": t.nobs,
                    "df_num": t.df[0],
                    "df_denom": t.df[1],
                    "effect_size": _num(t.effect_size),
                    "cumulative_effect": _num(t.cumulative_effect),
                    "lead_lags": json.dumps(list(t.lead_lags)),
                    "transforms": "/".join(tr.describe() for tr in t.transforms),
                    "ic": t.ic,
                    "null_hypothesis": t.null_hypothesis,
                    "significant": t.significant(fb.alpha),
                    "shift_pvalue": _num(t.shift_pvalue),
                    "computed_at": at,
                    **span,
                    **_beyond_columns(t, fb.beyond_for(t.causing, t.caused), fb.alpha),
                    **_stability_columns(fb.stability_for(t.causing, t.caused)),
                }
            )
        verdicts.append(
            {
                "theme": key,
                "verdict": theme.verdict,
                "n_tests": len(fb.tests),
                "skipped": json.dumps(list(fb.skipped)),
                "notes": json.dumps(list(theme.notes)),
                "computed_at": at,
                **span,
                "stale": theme.span.stale if theme.span else None,
                "excluded": excluded_sentence(theme.excluded),
            }
        )
        for study in theme.events:
            for i, h in enumerate(study.horizons):
                events.append(
                    {
                        "theme": key,
                        "signal": study.signal,
                        "freq": study.freq,
                        "horizon": h,
                        "mean_car": _num(study.mean_car[i]),
                        "lower": _num(study.lower[i]),
                        "upper": _num(study.upper[i]),
                        "placebo_lower": _num(study.placebo_lower[i]),
                        "placebo_upper": _num(study.placebo_upper[i]),
                        "n_events": study.n_events,
                        "n_obs": study.n_by_horizon[i],
                        "threshold": study.threshold,
                        "computed_at": at,
                        **span,
                    }
                )
        for r in fb.impulse_responses:
            irfs += [
                {
                    "theme": key,
                    "freq": fb.freq,
                    "impulse": r.impulse,
                    "response": r.response,
                    "horizon": h,
                    "irf": _num(r.irf[h]),
                    "lower": _num(r.lower[h]),
                    "upper": _num(r.upper[h]),
                    "computed_at": at,
                    **span,
                }
                for h in range(len(r.irf))
            ]
        if theme.context is not None:
            contexts.append(_context_row(key, theme.context, at))
    return {
        "feedback_tests": pd.DataFrame(tests),
        "feedback_verdicts": pd.DataFrame(verdicts),
        "event_studies": pd.DataFrame(events),
        "context": pd.DataFrame(contexts),
        "impulse_responses": pd.DataFrame(irfs),
    }


def _span_columns(theme: ThemeAnalysis) -> dict[str, object]:
    """Migration ``asof_0001_data_span``: the first and last date of the data analysed."""
    span = theme.span
    return {
        "data_from": span.data_from if span else None,
        "data_as_of": span.data_as_of if span else None,
    }


def _beyond_columns(test: GrangerResult, check: BeyondPrice | None, alpha: float) -> dict[str, object]:
    """Migration ``stats_0001_beyond_price``: the effect in units, dates, the price-only check."""
    return {
        "effect_in_units": _num(test.effect_in_units),
        "sample_start": test.start.date() if test.start is not None else None,
        "sample_end": test.end.date() if test.end is not None else None,
        "beyond_price": check.call(alpha) if check else None,
        "beyond_f_pvalue": _num(check.f_pvalue) if check else None,
        "beyond_mse_ratio": _num(check.mse_ratio) if check else None,
        "beyond_cw_pvalue": _num(check.cw_pvalue) if check else None,
    }


def _stability_columns(found: Stability | None) -> dict[str, object]:
    """Migration ``stats_0002_stability``: the call, the break test and each part as JSON."""
    parts = [
        {"label": p.label, "nobs": p.nobs, "pvalue": _num(p.pvalue), "effect": _num(p.effect)}
        for p in (found.parts if found else ())
    ]
    return {
        "stability": found.call if found else None,
        "break_pvalue": _num(found.break_pvalue) if found else None,
        "subperiods": json.dumps(parts) if found else None,
    }


def _context_row(key: str, c: MarketContext, at: dt.datetime) -> dict:
    seasonal = c.seasonal
    window = None
    if seasonal is not None:
        window = (
            f"{seasonal.start[0]:02d}-{seasonal.start[1]:02d}..{seasonal.end[0]:02d}-{seasonal.end[1]:02d}"
        )
    return {
        "theme": key,
        "as_of": c.asof,
        "ytd_return": _num(c.ytd_return),
        "benchmark_ytd_return": _num(c.benchmark_ytd_return),
        "streak": c.streak,
        "streak_start": c.streak_start,
        "streak_longest_since": c.streak_longest_since,
        "rsi14": _num(c.rsi14),
        "return_vs_other_3m": _num(c.return_vs_other_3m),
        "seasonal_window": window,
        "seasonal_mean": _num(seasonal.mean) if seasonal else None,
        "seasonal_years": seasonal.n_years if seasonal else None,
        "notes": json.dumps(list(c.notes)),
        "computed_at": at,
        # migration truth_0001_context_asof
        "data_from": c.data_from,
        "requested": c.requested,
        "stale": c.stale,
        "stale_sessions": c.stale_sessions,
        "streak_gaps": json.dumps([d.isoformat() for d in c.streak_gaps]),
        "basket_weight": _num(c.basket_weight),
    }
