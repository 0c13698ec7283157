"""Rebuild attention/data/finance_model.npz, the learned part of the finance-3 scorer.

Trains on the Twitter Financial News (TFNS, MIT licence) train split only; its validation split
is never read here (benchmarks/finance_overlay_eval.py scores it). Nothing else is read and
nothing is downloaded. Deterministic: the fold split uses a fixed seed and L-BFGS starts at zero,
so the same data gives the same weights, with the same BLAS threading: the shipped file was
built with OpenBLAS on its default two threads of a 2-core machine (about 4.5 minutes; that
rebuild is byte for byte). With ``OPENBLAS_NUM_THREADS=1`` training takes about 20 seconds
(L-BFGS makes many small BLAS calls that two threads slow down) and the weights differ from the
shipped ones by at most 2e-4, from the different order of floating-point sums.

Model: multinomial logistic regression, L2 penalty, classes weighted to equal total weight (the
train split is 65% neutral; headlines elsewhere are mostly not), over the binary word / word-pair
features of :mod:`attention.sentiment.finance_model` plus the rule scorer's compound, pos and neg.
The penalty is chosen by 5-fold cross-validated macro-F1 on the train split.

    python scripts/train_finance_model.py [--data ../shared/data] [--out attention/data/finance_model.npz]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from attention.sentiment.finance3 import Finance3Engine
from attention.sentiment.finance_model import DENSE, FinanceModel, default_model_path, normalise_token

SEED = 20261206
MIN_DF = 2
PENALTIES = (0.3, 1.0, 3.0)
FOLDS = 5
MODEL_VERSION = 3
# TFNS labels: 0 bearish, 1 bullish, 2 neutral -> our class index (negative, neutral, positive).
TFNS_CLASS = {"0": 0, "1": 2, "2": 1}
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def read_tfns(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([TFNS_CLASS[r["label"]] for r in rows])


def build_vocab(engine: Finance3Engine, texts: list[str]) -> dict[str, int]:
    df: Counter[str] = Counter()
    for text in texts:
        stripped, _ = engine.rules.tokens(text)
        words = [normalise_token(raw) for raw in stripped.split()]
        df.update({*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))})
    kept = sorted(w for w, n in df.items() if n >= MIN_DF and w)
    return {w: i for i, w in enumerate(kept)}


def fit(
    x: sp.csr_matrix, y: np.ndarray, penalty: float, weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features, 3) and bias (3,) minimising class-weighted log loss + penalty/2 |W|^2.

    ``weight`` (default: 1 per row) scales rows before the classes are balanced, so the classes
    still carry equal total weight (benchmarks/finance_ceiling.py weights two corpora equally)."""
    n, d = x.shape
    base = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    totals = np.bincount(y, weights=base, minlength=3)
    sample_w = base * (base.sum() / (3 * totals))[y]
    onehot = np.eye(3)[y]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * 3].reshape(d, 3), theta[d * 3 :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -(sample_w * (onehot * logp).sum(axis=1)).sum() + 0.5 * penalty * (w * w).sum()
        resid = (np.exp(logp) - onehot) * sample_w[:, None]
        grad_w = x.T @ resid + penalty * w
        return float(value), np.concatenate([np.asarray(grad_w).ravel(), resid.sum(axis=0)])

    result = minimize(loss, np.zeros(d * 3 + 3), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x[: d * 3].reshape(d, 3), result.x[d * 3 :]


def macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for c in range(3):
        tp = np.sum((pred == c) & (gold == c))
        denom = np.sum(pred == c) + np.sum(gold == c)
        scores.append(0.0 if tp == 0 else 2 * tp / denom)
    return float(np.mean(scores))


def vocab_engine(texts: list[str]) -> Finance3Engine:
    """An engine whose (all-zero) model holds the vocabulary of ``texts``: :func:`design` with it
    gives the training features of any text."""
    empty = FinanceModel({}, np.zeros((len(DENSE), 3)), np.zeros(3), MODEL_VERSION)
    vocab = build_vocab(Finance3Engine(empty), texts)
    return Finance3Engine(FinanceModel(vocab, np.zeros((len(vocab) + len(DENSE), 3)), np.zeros(3), 0))


def fold_ids(n: int) -> np.ndarray:
    """The fold (0 .. FOLDS-1) of each of n rows: a fixed-seed shuffle, so reruns split alike."""
    return np.random.default_rng(SEED).permutation(n) % FOLDS


def design(engine: Finance3Engine, texts: list[str]) -> sp.csr_matrix:
    rules, tokens, _ = engine.rule_features(texts)
    return engine.model.design(tokens, rules[:, [3, 2, 0]])


def cv_logits(
    x: sp.csr_matrix, y: np.ndarray, penalty: float, weight: np.ndarray | None = None
) -> np.ndarray:
    """Out-of-fold logits (n, 3): each fold of :func:`fold_ids` scored by a model fitted on the
    other folds."""
    folds = fold_ids(len(y))
    logits = np.empty((len(y), 3))
    for k in range(FOLDS):
        train = folds != k
        w, b = fit(x[train], y[train], penalty, None if weight is None else weight[train])
        logits[~train] = x[~train] @ w + b
    return logits


def choose_penalty(x: sp.csr_matrix, y: np.ndarray) -> tuple[float, dict[str, float]]:
    scores = {}
    for penalty in PENALTIES:
        preds = np.argmax(cv_logits(x, y, penalty), axis=1)
        scores[str(penalty)] = round(macro_f1(y, preds), 4)
    best = max(PENALTIES, key=lambda p: scores[str(p)])
    return best, scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=default_model_path())
    args = parser.parse_args(argv)
    texts, y = read_tfns(args.data / "tfns_twitter_financial_news" / "sent_train.csv")
    engine = vocab_engine(texts)
    vocab = engine.model.vocab
    x = design(engine, texts)
    penalty, cv = choose_penalty(x, y)
    weights, bias = fit(x, y, penalty)
    FinanceModel(vocab, weights, bias, MODEL_VERSION).save(args.out)
    print(
        json.dumps(
            {
                "texts": len(texts),
                "features": len(vocab),
                "penalty": penalty,
                "cv_macro_f1": cv,
                "out": str(args.out),
                "bytes": args.out.stat().st_size,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
