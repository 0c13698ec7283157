"""Benchmark: our VADER engine against vaderSentiment 3.3.2 on the same real texts, one run.

Corpus: VADER's four ground-truth sets and r/wallstreetbets titles, bodies and comments from
../shared/data (about 38,000 texts, 4.3 M characters). Measured, best of ``--repeat`` passes:

* vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores`` over every text;
* ours in one process with an empty token cache (the first batch of a run) and warm;
* ours over ``--processes`` worker processes (warm, as a long backfill runs).

Prints JSON: texts/s of each, ours/vaderSentiment ratios, the multi-process speed-up over our own
single process, and whether every output of ours (single and multi-process) equals
vaderSentiment's.

    python benchmarks/sentiment_speed.py [--data ../shared/data] [--repeat 3] [--processes 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import attention.sentiment as sentiment
from attention.sentiment_corpora import (
    GROUNDTRUTH_FILES,
    CorpusMissingError,
    read_vader_groundtruth,
    read_wsb_texts,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_corpus(data: Path) -> list[str]:
    texts = [row.text for name in sorted(GROUNDTRUTH_FILES)
             for row in read_vader_groundtruth(data / "vader_groundtruth", name)]
    texts += [text for _, text in read_wsb_texts(data / "reddit_wsb_posts")]
    return texts


def best_of(repeat: int, run: Callable[[], list]) -> tuple[float, list]:
    best, result = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        texts = load_corpus(args.data)
    except CorpusMissingError as exc:
        print(f"sentiment_speed: {exc}. Pass --data PATH to the shared data folder.",
              file=sys.stderr)
        return 2

    reference = SentimentIntensityAnalyzer()
    t_vader, expected = best_of(args.repeat,
                                lambda: [reference.polarity_scores(t) for t in texts])

    def ours_cold() -> list:
        sentiment._engine.cache_clear()  # a new engine: empty token cache, as a run starts
        return sentiment.SentimentScorer("vader").score(texts, processes=1).to_dict("records")

    t_cold, got_cold = best_of(args.repeat, ours_cold)
    scorer = sentiment.SentimentScorer("vader")
    t_warm, _ = best_of(args.repeat,
                        lambda: scorer.score(texts, processes=1).to_dict("records"))
    t_multi, got_multi = best_of(
        args.repeat, lambda: scorer.score(texts, processes=args.processes).to_dict("records"))
    n = len(texts)
    report = {
        "texts": n,
        "characters": sum(map(len, texts)),
        "repeat": args.repeat,
        "vadersentiment_texts_per_s": round(n / t_vader, 1),
        "ours_cold_texts_per_s": round(n / t_cold, 1),
        "ours_warm_texts_per_s": round(n / t_warm, 1),
        f"ours_{args.processes}proc_texts_per_s": round(n / t_multi, 1),
        "ratio_cold_vs_vadersentiment": round(t_vader / t_cold, 2),
        "ratio_warm_vs_vadersentiment": round(t_vader / t_warm, 2),
        f"ratio_{args.processes}proc_vs_vadersentiment": round(t_vader / t_multi, 2),
        f"speedup_{args.processes}proc_vs_ours_1proc": round(t_warm / t_multi, 2),
        "all_outputs_identical": got_cold == expected and got_multi == expected,
        "mismatches": sum(a != b for a, b in zip(got_cold, expected, strict=True)),
    }
    print(json.dumps(report, indent=2))
    return 0 if report["all_outputs_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
