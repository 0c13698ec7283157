"""Benchmark: long daily Google Trends series on one scale, against the replica's hidden truth.

Runs, in one process, against the Trends replica over loopback HTTP and a 5-year simulated world:

* ours: the google_trends collector through ``run_pipeline`` (anchor bank, weekly levels, ladder,
  grouped overlapping daily windows) and the ``search_series`` derivation;
* baseline: the per-keyword monthly stitching of ``pytrends.dailydata`` (one daily request per
  keyword and month, scaled by the keyword's monthly series / 100), reimplemented here because
  ``pytrends.dailydata`` itself returns NaNs under pandas 3. At 5 years Google answers the
  whole-span request weekly, so the monthly series is the mean of those weeks per month.

Prints JSON: payloads and HTTP requests per method; per term the Pearson correlation and median
relative error of the daily series against the truth; cross-term ratio errors.

    python benchmarks/trends_stitching.py [--years 5] [--seed 7] [--scenario both]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import collectors.core.http as http  # noqa: E402
from attention.config import validate_config  # noqa: E402
from attention.daily.collect import run_pipeline  # noqa: E402
from attention.sandbox.services import Sandbox, apply_overrides  # noqa: E402
from attention.sandbox.world import World  # noqa: E402
from attention.store import Store  # noqa: E402
from collectors.google_trends.protocol import TrendsFetcher, parse_multiline  # noqa: E402


def run_ours(
    raw: dict[str, Any], sandbox: Sandbox, start: dt.date, end: dt.date, store_path: Path
) -> tuple[dict[str, pd.Series], dict[str, Any]]:
    overrides = {
        "store.path": str(store_path),
        "analysis.history_start": start.isoformat(),
        "sources.google_trends.budget": 1000,
        **sandbox.config_overrides(),
    }
    config = validate_config(apply_overrides(raw, overrides))
    server = sandbox.servers["trends"]
    before = server.request_count("/trends/")
    began = time.perf_counter()
    report = run_pipeline(config, run_date=end, sources=["google_trends"])
    seconds = time.perf_counter() - began
    with Store(store_path) as store:
        payloads = store.count("trends_requests")
        kinds = store.query(
            "SELECT json_extract_string(provenance, '$.params.kind') AS kind, "
            "count(*) AS n FROM trends_requests GROUP BY 1 ORDER BY 1"
        )
        rows = store.query(
            "SELECT term, date, value FROM search_series WHERE granularity = 'day' AND NOT is_partial"
        )
    series = {
        term: grp.set_index(pd.to_datetime(grp["date"]))["value"].sort_index()
        for term, grp in rows.groupby("term")
    }
    cost = {
        "payloads": payloads,
        "http_requests": server.request_count("/trends/") - before,
        "payloads_by_kind": dict(zip(kinds["kind"], kinds["n"].astype(int), strict=True)),
        "status": report.results[0].status,
        "seconds": round(seconds, 2),
    }
    return series, cost


def run_baseline(
    terms: list[str], sandbox: Sandbox, start: dt.date, end: dt.date
) -> tuple[dict[str, pd.Series], dict[str, Any]]:
    """pytrends.dailydata's method: per keyword, monthly weights x month-by-month daily data."""
    server = sandbox.servers["trends"]
    client = http.HttpClient("baseline", budget=100_000, rewrites={"https://trends.google.com": server.url})
    fetcher = TrendsFetcher(client, geo="US")
    before, payloads, began = server.request_count("/trends/"), 0, time.perf_counter()
    out = {}
    for term in terms:
        whole = fetcher.fetch([term], f"{start} {end}")
        payloads += 1
        weekly = parse_multiline(whole.raw, [term]).values[term]
        monthly = weekly.groupby(weekly.index.to_period("M")).mean()
        parts = []
        month = pd.Period(start, "M")
        while month.start_time.date() <= end:
            first = max(month.start_time.date(), start)
            last = min(month.end_time.date(), end)
            got = fetcher.fetch([term], f"{first} {last}")
            payloads += 1
            daily = parse_multiline(got.raw, [term]).values[term]
            parts.append(daily * monthly.get(month, np.nan) / 100.0)
            month += 1
        out[term] = pd.concat(parts).sort_index()
    cost = {
        "payloads": payloads,
        "http_requests": server.request_count("/trends/") - before,
        "seconds": round(time.perf_counter() - began, 2),
    }
    return out, cost


def accuracy(series: dict[str, pd.Series], truth: dict[str, pd.Series]) -> dict[str, Any]:
    """Per-term correlation and relative errors, and cross-term ratio errors."""
    aligned = {
        t: pd.concat([s, truth[t]], axis=1, join="inner").dropna() for t, s in series.items() if t in truth
    }
    pooled = pd.concat([a.iloc[:, 1] / a.iloc[:, 0] for a in aligned.values()])
    global_k = float(pooled[np.isfinite(pooled)].median())  # one factor for every term
    per_term = {}
    for term, frame in aligned.items():
        rec, tru = frame.iloc[:, 0], frame.iloc[:, 1]
        own_k = float((tru / rec).replace(np.inf, np.nan).median())
        per_term[term] = {
            "days": len(frame),
            "pearson": round(float(np.corrcoef(rec, tru)[0, 1]), 4),
            "median_rel_error_own_scale": round(float(((rec * own_k - tru).abs() / tru).median()), 4),
            "median_rel_error_common_scale": round(float(((rec * global_k - tru).abs() / tru).median()), 4),
        }
    means = {t: (f.iloc[:, 0].mean(), f.iloc[:, 1].mean()) for t, f in aligned.items()}
    errors = {}
    names = sorted(means)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ratio = (means[a][0] / means[b][0]) / (means[a][1] / means[b][1])
            errors[f"{a} / {b}"] = abs(ratio - 1)
    values = np.array(list(errors.values()))
    correlations = [v["pearson"] for v in per_term.values()]
    return {
        "pearson_min": min(correlations),
        "pearson_median": round(float(np.median(correlations)), 4),
        "per_term": per_term,
        "cross_term_ratio_error": {
            "median": round(float(np.median(values)), 4),
            "max": round(float(values.max()), 4),
            "pairs": len(values),
            "pairs_within_5pct": int((values <= 0.05).sum()),
        },
    }


EXTRA_TERMS = {
    "small_caps": "small cap ETF",
    "ai_stocks": "AI ETF",
    "magnificent_seven": "Mag 7 ETF",
}  # a 4th, rarely searched term per theme


def scenario(
    raw: dict[str, Any], start: dt.date, end: dt.date, seed: int, noise: float = 0.0
) -> dict[str, Any]:
    """Both methods on one world; figures for every term with a daily series."""
    world = World(validate_config(raw), start, end, seed=seed)
    anchors = raw["sources"]["google_trends"]["anchor_terms"]
    with Sandbox(world, ["trends"]) as sandbox, tempfile.TemporaryDirectory() as tmp:
        sandbox.servers["trends"].replica.sampling_noise = noise
        ours, ours_cost = run_ours(raw, sandbox, start, end, Path(tmp) / "bench.duckdb")
        terms = sorted(ours)
        truth = {t: world.search_truth(t) for t in set(terms) | set(anchors)}
        base, base_cost = run_baseline(terms, sandbox, start, end)
    ref_peak = float(truth[anchors[0]].max())
    theme_terms = [t for theme in raw["themes"].values() for t in theme["search_terms"]]
    return {
        "theme_terms": len(theme_terms),
        "anchor_terms": len(anchors),
        "terms_with_daily_series": len(terms),
        "true_peak_pct_of_reference_anchor": {
            t: round(100 * float(truth[t].max()) / ref_peak, 2) for t in terms
        },
        "ours": {"cost": ours_cost, **(mine := accuracy(ours, truth))},
        "baseline_dailydata_monthly": {"cost": base_cost, **(theirs := accuracy(base, truth))},
        "terms_where_ours_correlates_better": sum(
            mine["per_term"][t]["pearson"] > theirs["per_term"][t]["pearson"]
            for t in mine["per_term"]
            if t in theirs["per_term"]
        ),
        "payload_ratio_baseline_over_ours": round(base_cost["payloads"] / max(ours_cost["payloads"], 1), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", default="2026-11-21")
    parser.add_argument(
        "--noise",
        type=float,
        default=0.0,
        help="Google sampling error, relative SD at a response's peak (0: exact)",
    )
    parser.add_argument(
        "--scenario",
        choices=["default", "twelve", "both"],
        default="both",
        help="default: config.yaml's 9 theme terms; twelve: plus a rare 4th term per theme (12 theme terms)",
    )
    args = parser.parse_args()
    http.sleep = lambda seconds: None  # the replica does not need pacing
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    end = dt.date.fromisoformat(args.end)
    start = end - dt.timedelta(days=round(365.25 * args.years) - 1)
    out: dict[str, Any] = {
        "world": {
            "start": str(start),
            "end": str(end),
            "seed": args.seed,
            "days": (end - start).days + 1,
            "sampling_noise": args.noise,
        }
    }
    if args.scenario in ("default", "both"):
        out["default_config"] = scenario(raw, start, end, args.seed, args.noise)
    if args.scenario in ("twelve", "both"):
        twelve = copy.deepcopy(raw)
        for theme, term in EXTRA_TERMS.items():
            twelve["themes"][theme]["search_terms"].append(term)
        out["twelve_theme_terms"] = scenario(twelve, start, end, args.seed, args.noise)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
