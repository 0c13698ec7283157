"""Benchmark: plain VADER, the finance overlay (finance-2) and finance-3 on labelled finance texts.

Data sets, all from ../shared/data unless passed: SemEval-2017 Task 5 headlines (evaluation only:
research licence, never trained on), the Twitter Financial News validation split (finance-3's
model is trained on the train split only; the validation split is never read by training), our
1,200 hand-labelled BBC business and GDELT TSLA headlines (benchmarks/data/, never trained on by
what ships), and
any ``--labelled FILE`` CSV of your own (a text and a label column; labels negative/neutral/
positive or signed numbers), for example a copy of the Financial PhraseBank, which we do not
ship. Per data set and scorer: Pearson r, 3-class accuracy and macro-F1 (compound thresholds
+-0.05). Also the share of BBC business RSS titles each scorer calls neutral (no labels: a
sanity check that headlines are not all called neutral), and texts per second on one core
(CPU time, median of ``--repeat`` interleaved rounds over the SemEval, TFNS, BBC and
r/wallstreetbets texts)
against vaderSentiment's ``polarity_scores``.

    python benchmarks/finance_overlay_eval.py [--data ../shared/data] [--labelled FILE ...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import attention.sentiment.scorer as scoring
from attention.sentiment.corpora import (
    CorpusMissingError,
    LabelledText,
    read_labelled_csv,
    read_our_headlines,
    read_semeval_headlines,
    read_tfns,
    read_wsb_texts,
)
from attention.sentiment.evaluation import CLASSES, SentimentEvaluation, classify, evaluate

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# 1,200 BBC business and GDELT TSLA headlines we labelled (benchmarks/data/headline_sentiment.md)
OUR_HEADLINES = Path(__file__).resolve().parent / "data" / "headline_sentiment_labels.csv"
LEXICONS = ("vader", "finance", "finance-3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--labelled", type=Path, action="append", default=[], help="repeatable")
    parser.add_argument("--text-column")
    parser.add_argument("--label-column")
    parser.add_argument("--repeat", type=int, default=3, help="speed rounds (0: skip speed)")
    args = parser.parse_args(argv)
    try:
        sets = {
            "semeval2017_headlines": read_semeval_headlines(args.data / "semeval2017_task5_headlines"),
            "tfns_validation": read_tfns(args.data / "tfns_twitter_financial_news", "valid"),
            "our_headlines": read_our_headlines(OUR_HEADLINES, args.data),
        }
        for path in args.labelled:
            sets[path.name] = read_labelled_csv(path, args.text_column, args.label_column)
        wsb = [text for _, text in read_wsb_texts(args.data / "reddit_wsb_posts")]
        bbc = _bbc_titles(args.data / "bbc_business_rss_items_2022-2024" / "bbc_business_rss_items.csv")
    except CorpusMissingError as exc:
        print(f"finance_overlay_eval: {exc}. Pass --data PATH to the shared data folder.", file=sys.stderr)
        return 2
    scorers = [scoring.SentimentScorer(name) for name in LEXICONS]
    report: dict = {name: _compare(rows, scorers) for name, rows in sets.items()}
    report["bbc_business_titles_share_neutral"] = {
        "texts": len(bbc),
        **{s.version: round(float(np.mean(classify(s.score(bbc)["compound"]) == 0)), 3) for s in scorers},
    }
    if args.repeat > 0:
        corpus = [r.text for rows in sets.values() for r in rows] + bbc + wsb
        report["speed_one_core"] = _speed(corpus, args.repeat)
    print(json.dumps(report, indent=2))
    return 0


def _bbc_titles(path: Path) -> list[str]:
    if not path.exists():
        raise CorpusMissingError(f"{path} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["title"] for row in csv.DictReader(handle) if row.get("title")]


def _compare(rows: list[LabelledText], scorers: list[scoring.SentimentScorer]) -> dict:
    texts, gold = [r.text for r in rows], [r.rating for r in rows]
    results = [evaluate(s, texts, gold) for s in scorers]
    return {
        "texts": len(rows),
        "gold_classes": _class_counts(gold),
        **{r.scorer_version: _figures(r) for r in results},
    }


def _figures(result: SentimentEvaluation) -> dict:
    return {
        "pearson_r": round(result.pearson_r, 3),
        "accuracy": round(result.accuracy, 3),
        "macro_f1": round(result.macro_f1, 3),
        "f1": {k: round(v, 3) for k, v in result.f1.items()},
    }


def _class_counts(gold: list[float]) -> dict[str, int]:
    classes = classify(gold)
    return {name: int((classes == label).sum()) for label, name in zip((-1, 0, 1), CLASSES, strict=True)}


def _speed(texts: list[str], repeat: int) -> dict:
    """Texts per CPU-second in this process (one core); engines built before timing (a one-off
    cost), token caches warm after the first round, as in a long run."""
    reference = SentimentIntensityAnalyzer()
    scorers = {name: scoring.SentimentScorer(name) for name in LEXICONS}
    runs = {"vadersentiment": lambda: [reference.polarity_scores(t) for t in texts]}
    runs.update({name: (lambda s=s: s.score(texts, processes=1)) for name, s in scorers.items()})
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.process_time()
            run()
            cpu[name].append(time.process_time() - start)
    median = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "texts": len(texts),
        "rounds": repeat,
        "rules_compiled": scoring.rules_compiled(),  # a wheel install compiles them (setup.py)
        "texts_per_cpu_s": {k: round(len(texts) / v) for k, v in median.items()},
        "ratio_vs_vadersentiment": {k: round(median["vadersentiment"] / median[k], 2) for k in LEXICONS},
    }


if __name__ == "__main__":
    sys.exit(main())
