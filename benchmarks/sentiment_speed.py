"""Benchmark: our VADER engine against vaderSentiment 3.3.2 on the same real texts, one run.

Corpus: VADER's four ground-truth sets and r/wallstreetbets titles, bodies and comments from
../shared/data (about 38,000 texts, 4.3 M characters). Measured in ``--repeat`` interleaved
rounds (medians reported):

* vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores`` over every text;
* ours in one process with an empty token cache (the first batch of a run) and warm;
* ours over ``--processes`` worker processes (kept between calls, so warm from the second
  round on, as the batches of a long backfill run).

Prints JSON: texts/s of each (wall clock), ours/vaderSentiment ratios (single process: CPU time,
which a busy shared machine does not distort; also wall clock), the multi-process ratio and
speed-up over our own single process (wall clock), the load average, and whether every output
of ours (single and multi-process) equals vaderSentiment's.

    python benchmarks/sentiment_speed.py [--data ../shared/data] [--repeat 3] [--processes 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import attention.sentiment.scorer as sentiment
from attention.sentiment.corpora import (
    GROUNDTRUTH_FILES,
    CorpusMissingError,
    read_vader_groundtruth,
    read_wsb_texts,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_corpus(data: Path) -> list[str]:
    texts = [
        row.text
        for name in sorted(GROUNDTRUTH_FILES)
        for row in read_vader_groundtruth(data / "vader_groundtruth", name)
    ]
    texts += [text for _, text in read_wsb_texts(data / "reddit_wsb_posts")]
    return texts


def timed(run: Callable[[], list]) -> tuple[float, float, list]:
    """(wall seconds, this process's CPU seconds, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        texts = load_corpus(args.data)
    except CorpusMissingError as exc:
        print(f"sentiment_speed: {exc}. Pass --data PATH to the shared data folder.", file=sys.stderr)
        return 2
    reference = SentimentIntensityAnalyzer()
    runs = {
        "vadersentiment": lambda: [reference.polarity_scores(t) for t in texts],
        "ours_cold": lambda: _ours(texts, 1, cold=True),
        "ours_warm": lambda: _ours(texts, 1, cold=False),
        "ours_multi": lambda: _ours(texts, args.processes, cold=False),
    }
    # Interleaved rounds: a busy machine slows every method of a round alike.
    wall: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    results: dict[str, list] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            w, c, results[name] = timed(run)
            wall[name].append(w)
            cpu[name].append(c)
    report = _report(texts, args, wall, cpu)
    # Compared outside the timed runs: converting a frame to dicts is not scoring.
    for name in ("ours_cold", "ours_warm", "ours_multi"):
        results[name] = results[name].to_dict("records")
    expected = results["vadersentiment"]
    report["all_outputs_identical"] = results["ours_cold"] == expected and results["ours_multi"] == expected
    report["mismatches"] = sum(a != b for a, b in zip(results["ours_cold"], expected, strict=True))
    print(json.dumps(report, indent=2))
    return 0 if report["all_outputs_identical"] else 1


def _ours(texts: list[str], processes: int, cold: bool) -> pd.DataFrame:
    if cold:
        sentiment._engine.cache_clear()  # a new engine: empty token cache, as a run starts
    scorer = sentiment.SentimentScorer("vader")
    return scorer.score(texts, processes=processes)


def _report(texts: list[str], args: argparse.Namespace, wall: dict, cpu: dict) -> dict:
    n, p = len(texts), args.processes
    w = {k: statistics.median(v) for k, v in wall.items()}
    c = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "texts": n,
        "characters": sum(map(len, texts)),
        "rounds": args.repeat,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cores": sentiment.usable_cores(),
        "rules_compiled": sentiment.rules_compiled(),  # a wheel install compiles them (setup.py)
        "wall_texts_per_s": {k: round(n / v, 1) for k, v in w.items()},
        # Single-process ratios from CPU time: what one core does, whatever else the machine runs.
        "ratio_cold_vs_vadersentiment_cpu": round(c["vadersentiment"] / c["ours_cold"], 2),
        "ratio_warm_vs_vadersentiment_cpu": round(c["vadersentiment"] / c["ours_warm"], 2),
        "ratio_cold_vs_vadersentiment_wall": round(w["vadersentiment"] / w["ours_cold"], 2),
        f"ratio_{p}proc_vs_vadersentiment_wall": round(w["vadersentiment"] / w["ours_multi"], 2),
        f"speedup_{p}proc_vs_ours_1proc_wall": round(w["ours_warm"] / w["ours_multi"], 2),
        # 1.0 is perfectly linear: p processes doing p times the work of one.
        f"scaling_efficiency_{p}proc": round(w["ours_warm"] / w["ours_multi"] / p, 2),
    }


if __name__ == "__main__":
    sys.exit(main())
