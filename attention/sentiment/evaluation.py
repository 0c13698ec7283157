"""Measuring a scorer against labelled sentiment: Pearson r, 3-class accuracy and macro-F1.

Classes follow VADER's convention: compound >= 0.05 positive, <= -0.05 negative, otherwise
neutral. Continuous gold labels (SemEval-2017 Task 5 scores in [-1, 1]) are split the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from attention.sentiment.scorer import SentimentScorer

THRESHOLD = 0.05
CLASSES = ("negative", "neutral", "positive")


def classify(values: Sequence[float] | np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """-1 / 0 / +1 per value with the +-threshold rule."""
    arr = np.asarray(values, dtype=float)
    return np.where(arr >= threshold, 1, np.where(arr <= -threshold, -1, 0))


def f1_per_class(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for label, name in zip((-1, 0, 1), CLASSES, strict=True):
        tp = int(np.sum((pred == label) & (gold == label)))
        fp = int(np.sum((pred == label) & (gold != label)))
        fn = int(np.sum((pred != label) & (gold == label)))
        out[name] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return out


@dataclass(frozen=True)
class SentimentEvaluation:
    """How one scorer's compound scores agree with gold labels on one data set."""

    dataset: str
    scorer_version: str
    nobs: int
    pearson_r: float
    accuracy: float
    macro_f1: float
    f1: dict[str, float]

    def summary(self) -> str:
        per_class = ", ".join(f"{k} {v:.3f}" for k, v in self.f1.items())
        return (
            f"{self.dataset} ({self.nobs} texts), {self.scorer_version}: Pearson r "
            f"{self.pearson_r:.3f}, 3-class accuracy {self.accuracy:.3f}, macro-F1 "
            f"{self.macro_f1:.3f} (F1 {per_class})"
        )


def evaluate(
    scorer: SentimentScorer, texts: Sequence[str], gold: Sequence[float], dataset: str = "data"
) -> SentimentEvaluation:
    """Score ``texts`` and compare compound with continuous gold scores (same sign convention)."""
    if len(texts) != len(gold) or len(texts) < 3:
        raise ValueError("need at least 3 texts and exactly one gold score per text")
    compound = scorer.score(list(texts))["compound"].to_numpy()
    gold_arr = np.asarray(gold, dtype=float)
    gold_cls, pred_cls = classify(gold_arr), classify(compound)
    f1 = f1_per_class(gold_cls, pred_cls)
    return SentimentEvaluation(
        dataset=dataset,
        scorer_version=scorer.version,
        nobs=len(texts),
        pearson_r=float(stats.pearsonr(compound, gold_arr)[0]),
        accuracy=float(np.mean(gold_cls == pred_cls)),
        macro_f1=float(np.mean(list(f1.values()))),
        f1=f1,
    )
