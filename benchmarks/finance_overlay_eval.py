"""Benchmark: the finance overlay against plain VADER on labelled financial sentences.

Always scores SemEval-2017 Task 5 headlines from ../shared/data; ``--labelled FILE`` adds any
labelled CSV of your own (a text and a label column; labels negative/neutral/positive or signed
numbers), for example a copy of the Financial PhraseBank, which we do not ship. Both lexicons
score the same texts in one run; prints JSON per data set: Pearson r, 3-class accuracy and
macro-F1 of each (compound thresholds +-0.05), and the macro-F1 gain of the overlay.

    python benchmarks/finance_overlay_eval.py [--data ../shared/data] [--labelled FILE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from attention.sentiment.corpora import (
    CorpusMissingError,
    LabelledText,
    read_labelled_csv,
    read_semeval_headlines,
)
from attention.sentiment.evaluation import CLASSES, SentimentEvaluation, classify, evaluate
from attention.sentiment.scorer import SentimentScorer

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--labelled",
        type=Path,
        action="append",
        default=[],
        help="a labelled CSV to evaluate as well (repeatable)",
    )
    parser.add_argument("--text-column")
    parser.add_argument("--label-column")
    args = parser.parse_args(argv)
    try:
        sets = {"semeval2017_headlines": read_semeval_headlines(args.data / "semeval2017_task5_headlines")}
        for path in args.labelled:
            sets[path.name] = read_labelled_csv(path, args.text_column, args.label_column)
    except CorpusMissingError as exc:
        print(f"finance_overlay_eval: {exc}", file=sys.stderr)
        return 2
    scorers = [SentimentScorer("vader"), SentimentScorer("finance")]
    report = {name: _compare(name, rows, scorers) for name, rows in sets.items()}
    print(json.dumps(report, indent=2))
    return 0


def _compare(name: str, rows: list[LabelledText], scorers: list[SentimentScorer]) -> dict:
    texts, gold = [r.text for r in rows], [r.rating for r in rows]
    results = [evaluate(s, texts, gold, name) for s in scorers]
    base, overlay = results
    return {
        "texts": len(rows),
        "gold_classes": _class_counts(gold),
        **{r.scorer_version: _figures(r) for r in results},
        "macro_f1_gain": round(overlay.macro_f1 - base.macro_f1, 3),
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


if __name__ == "__main__":
    sys.exit(main())
