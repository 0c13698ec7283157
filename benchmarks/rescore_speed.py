"""Benchmark: `attention rescore` end to end against scoring the same texts in memory.

Builds a temporary store of ``--items`` comments whose bodies are real r/wallstreetbets texts
from ../shared/data (each made distinct by a suffix), all marked as scored by an older lexicon
version; then, in one run, times (a) ``SentimentScorer.score`` over the same texts in memory, the
baseline (its second pass, so that worker start and cold caches, which rescore reuses, do not
count against it), and (b) ``rescore`` (read batches from DuckDB, score, write back, refresh). Prints
JSON: items/s of each and the store overhead as a ratio.

    python benchmarks/rescore_speed.py [--items 1000000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from attention.config import load_config
from attention.derive.rescore import rescore
from attention.sentiment.corpora import CorpusMissingError, read_wsb_texts
from attention.sentiment.scorer import get_scorer
from attention.store import Store

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def synthetic_items(texts: list[str], n: int) -> pd.DataFrame:
    rng = random.Random(1)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return pd.DataFrame(
        {
            "source": "reddit",
            "item_id": [f"t1_{k:09d}" for k in range(n)],
            "kind": "comment",
            "created_utc": [start + dt.timedelta(minutes=k) for k in range(n)],
            "title": "",
            "body": [f"{texts[rng.randrange(len(texts))]} #{k}" for k in range(n)],
            "themes": [["small_caps"]] * n,
            "compound": 0.0,
            "lexicon_version": "finance-0",
            "scoreable": True,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    try:
        texts = [t for _, t in read_wsb_texts(args.data / "reddit_wsb_posts")]
    except CorpusMissingError as exc:
        print(f"rescore_speed: {exc}", file=sys.stderr)
        return 2
    items = synthetic_items(texts, args.items)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        config = load_config(REPO / "config.yaml", overrides={"store.path": str(path)})
        scorer = get_scorer(config.analysis.sentiment_lexicon)
        texts = list(items["body"])
        scorer.score(texts)  # warm-up: worker start and token caches, which rescore reuses
        started = time.perf_counter()
        scorer.score(texts)
        in_memory = time.perf_counter() - started
        with Store(path) as store:
            with store.transaction():
                store.upsert_frame("items", items, ("source", "item_id"))
            started = time.perf_counter()
            result = rescore(store, config)
            end_to_end = time.perf_counter() - started
    n = args.items
    print(
        json.dumps(
            {
                "items": n,
                "lexicon": result.version,
                "batches": result.batches,
                "load_average_1min": round(os.getloadavg()[0], 2),
                "score_in_memory_items_per_s": round(n / in_memory),
                "rescore_items_per_s": round(n / end_to_end),
                "rescore_seconds": round(end_to_end, 1),
                "store_overhead_ratio": round(end_to_end / in_memory, 2),
                "all_rescored": result.rescored == n,
            },
            indent=2,
        )
    )
    return 0 if result.rescored == n else 1


if __name__ == "__main__":
    sys.exit(main())
