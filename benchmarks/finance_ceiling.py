"""Diagnostic: do TFNS and SemEval-2017 mean the same thing by "neutral"? (issue 19)

The finance-3 targets are 3-class macro-F1 >= 0.75 on TFNS validation (tweets, 65% neutral) and
>= 0.58 on the SemEval-2017 Task 5 headlines (93% polar at the +-0.05 split). The hypothesis
tested here: the two sets define "neutral" differently (TFNS: not bullish or bearish for
markets; SemEval: no sentiment toward the company), so no scorer trained on TFNS alone meets
both. Every model below is the shipped model's family: the features and fit of
``scripts/train_finance_model.py`` (imported, not copied), each vocabulary built from its own
training texts only. Measured:

1. ``tfns_trained``: the shipped weights (TFNS train only) on TFNS validation and SemEval.
2. ``semeval_trained``: trained on SemEval, 5-fold cross-validated (the script's fixed-seed
   folds; penalty by the script's inner CV): pooled held-out folds, and TFNS validation (mean of
   the five fold models).
3. ``joint``: TFNS train + the SemEval training folds, same 5-fold CV over SemEval, scored the
   same way; rows weighted 1 each (``pooled``) or so each corpus carries equal weight
   (``corpora_equal``). Decided by argmax, and by a neutral gate (neutral when P(neutral) >= p,
   else the likelier polar side) whose p is picked on the training data only: the out-of-fold
   probabilities of an inner 5-fold CV, maximising the smaller margin over the two targets.
   ``held_out_best_gate`` is the same choice made on the held-out data: an optimistic bound
   (tuned on what it scores), shown only to say whether any gate could reach both.
4. ``agreement``: how often the TFNS-trained and SemEval-trained models agree on polar vs
   neutral on each set, and what each calls the other's neutral texts; ``neutral_ranking_auc``:
   how well each model's P(neutral) ranks a set's gold neutral texts above its polar ones (free
   of the 65% vs 7% neutral priors that dominate the agreement figures).

Each row also gives a bootstrap 90% interval (texts resampled; fold-to-fold variation not
included) and the TFNS validation score with links and cashtags removed: half the tweets carry
one and no headline does, so a joint model could tell the corpora apart by them alone.

SemEval is licensed for research only: here it trains throwaway models in memory, which answer
whether the licence rule (only TFNS may train what ships) or the labels themselves stand
between finance-3 and the targets. Nothing here ships and nothing is written anywhere.

The joint models use the shipped model's penalty (0.3, the script's CV choice on TFNS train)
instead of the script's penalty search, which would take about 2.5 times as long. BLAS runs on
one thread: L-BFGS-B over ~55k weights makes many tiny BLAS calls that OpenBLAS threads badly
(one 9.5k-text fit took ~35 s with two threads, ~2.5 s with one). 100-160 s on the shared
2-core VM.

    python benchmarks/finance_ceiling.py [--data ../shared/data]
"""

from __future__ import annotations

import os

if __name__ == "__main__":  # before numpy loads; a library user keeps their own BLAS setting
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.stats import rankdata  # noqa: E402

from attention.sentiment.corpora import (  # noqa: E402
    CorpusMissingError,
    LabelledText,
    read_semeval_headlines,
    read_tfns,
)
from attention.sentiment.evaluation import classify  # noqa: E402
from attention.sentiment.finance3 import Finance3Engine  # noqa: E402
from attention.sentiment.finance_model import normalise_token  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_finance_model.py"
TARGETS = {"tfns_validation": 0.75, "semeval2017_headlines": 0.58}
JOINT_PENALTY = 0.3  # the shipped model's: the script's CV choice on TFNS train
GATES = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95
NEUTRAL = 1  # class index: 0 negative, 1 neutral, 2 positive (the model's order)
CUES = ("<url>", "<cashtag>")  # the model's placeholders for a link and a cashtag
BOOTSTRAP = 1000


def _training_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_finance_model", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRAIN = _training_script()


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    y: np.ndarray  # class index per text


def corpus(rows: list[LabelledText]) -> Corpus:
    return Corpus([r.text for r in rows], classify([r.rating for r in rows]) + 1)


def subset(data: Corpus, mask: np.ndarray) -> Corpus:
    return Corpus([t for t, keep in zip(data.texts, mask, strict=True) if keep], data.y[mask])


def without_cues(text: str) -> str:
    """The text without its links and cashtags: half the TFNS tweets carry one and no SemEval
    headline does, so a model trained on both could use them to tell the corpora apart."""
    return " ".join(t for t in text.split() if normalise_token(t) not in CUES)


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def gate(probs: np.ndarray, p: float) -> np.ndarray:
    """Neutral where P(neutral) >= p, otherwise the likelier polar side (a tie stays neutral)."""
    polar = np.where(probs[:, 2] > probs[:, 0], 2, np.where(probs[:, 0] > probs[:, 2], 0, NEUTRAL))
    return np.where(probs[:, NEUTRAL] >= p, NEUTRAL, polar)


def f1s(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """F1 of negative, neutral, positive (0 where a class has no true positive)."""
    out = np.zeros(3)
    for c in range(3):
        tp = np.sum((pred == c) & (gold == c))
        out[c] = 0.0 if tp == 0 else 2 * tp / (np.sum(pred == c) + np.sum(gold == c))
    return out


def margin(tfns_f1: float, semeval_f1: float) -> float:
    """How far the weaker of the two macro-F1s clears its target (negative: missed)."""
    return min(tfns_f1 - TARGETS["tfns_validation"], semeval_f1 - TARGETS["semeval2017_headlines"])


def choose_gate(probs: np.ndarray, y: np.ndarray, is_semeval: np.ndarray) -> float:
    """The gate p that best meets both targets on the rows given (training rows only)."""

    def score(p: float) -> float:
        pred = gate(probs, p)
        tfns = f1s(y[~is_semeval], pred[~is_semeval]).mean()
        return margin(float(tfns), float(f1s(y[is_semeval], pred[is_semeval]).mean()))

    return max(GATES, key=score)


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for ``positive`` rows vs the rest (ties count half)."""
    ranks = rankdata(score)
    n_pos = int(positive.sum())
    n_neg = len(score) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def design_matrices(train_texts: list[str], *text_sets: list[str]) -> list[sp.csr_matrix]:
    """The script's features of each text set, with the vocabulary of ``train_texts`` alone."""
    engine = TRAIN.vocab_engine(train_texts)
    return [TRAIN.design(engine, texts) for texts in (train_texts, *text_sets)]


@dataclass
class Predictions:
    """Classes on the held-out sets: SemEval pooled over held-out folds, TFNS validation (as
    given and without links or cashtags) one array per fold model."""

    semeval: np.ndarray
    tfns: list[np.ndarray]
    tfns_no_cues: list[np.ndarray]

    def macro_f1(self, semeval_y: np.ndarray, tfns_y: np.ndarray) -> tuple[float, float]:
        tfns = np.mean([f1s(tfns_y, pred).mean() for pred in self.tfns])
        return float(tfns), float(f1s(semeval_y, self.semeval).mean())

    def row(self, semeval_y: np.ndarray, tfns_y: np.ndarray) -> dict[str, object]:
        tfns, semeval = self.macro_f1(semeval_y, tfns_y)
        per_class = {
            "tfns_validation": np.mean([f1s(tfns_y, pred) for pred in self.tfns], axis=0),
            "semeval2017_headlines": f1s(semeval_y, self.semeval),
        }
        return {
            "tfns_validation": round(tfns, 3),
            "semeval2017_headlines": round(semeval, 3),
            "reaches_both": margin(tfns, semeval) >= 0,
            "bootstrap_90pct": {
                "tfns_validation": interval(tfns_y, self.tfns),
                "semeval2017_headlines": interval(semeval_y, [self.semeval]),
            },
            "f1_neg_neu_pos": {k: " / ".join(f"{v:.3f}" for v in f) for k, f in per_class.items()},
            "tfns_validation_without_links_cashtags": round(
                float(np.mean([f1s(tfns_y, pred).mean() for pred in self.tfns_no_cues])), 3
            ),
        }


def interval(gold: np.ndarray, preds: list[np.ndarray]) -> list[float]:
    """5th and 95th percentile of the (fold-mean) macro-F1 over texts resampled with replacement:
    the spread from which texts were scored, not from which folds were drawn."""
    draws = np.random.default_rng(TRAIN.SEED).integers(0, len(gold), size=(BOOTSTRAP, len(gold)))
    values = [np.mean([f1s(gold[i], pred[i]).mean() for pred in preds]) for i in draws]
    return [round(float(v), 3) for v in np.percentile(values, [5, 95])]


@dataclass
class Held:
    """Held-out class probabilities of one kind of model (one per fold; the shipped model is a
    single "fold" holding everything out), and the gate each fold chose on its training data."""

    semeval: np.ndarray
    tfns: list[np.ndarray] = field(default_factory=list)
    tfns_no_cues: list[np.ndarray] = field(default_factory=list)
    gates: list[float] = field(default_factory=list)

    def add(self, held: np.ndarray, probs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        """One fold model's probabilities on its held-out headlines and on TFNS validation."""
        self.semeval[held] = probs[0]
        self.tfns.append(probs[1])
        self.tfns_no_cues.append(probs[2])

    def decide(self, rule: Callable[[np.ndarray], np.ndarray]) -> Predictions:
        return Predictions(
            rule(self.semeval), [rule(p) for p in self.tfns], [rule(p) for p in self.tfns_no_cues]
        )

    def gated(self, folds: np.ndarray) -> Predictions:
        """Each fold model with the gate it chose on its own training data."""
        semeval = np.empty(len(folds), dtype=int)
        for k, p in enumerate(self.gates):
            semeval[folds == k] = gate(self.semeval[folds == k], p)
        tfns = [gate(probs, p) for probs, p in zip(self.tfns, self.gates, strict=True)]
        bare = [gate(probs, p) for probs, p in zip(self.tfns_no_cues, self.gates, strict=True)]
        return Predictions(semeval, tfns, bare)


def argmax(probs: np.ndarray) -> np.ndarray:
    return np.asarray(probs.argmax(axis=1))


def fold_probs(w: np.ndarray, b: np.ndarray, *xs: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    held, valid, bare = (softmax(x @ w + b) for x in xs)
    return held, valid, bare


def tfns_trained(valid: Corpus, semeval: Corpus) -> Held:
    """The shipped model (TFNS train only)."""
    engine = Finance3Engine()

    def probs(texts: list[str]) -> np.ndarray:
        rules, tokens, _ = engine.rule_features(texts)
        return np.asarray(engine.model.predict(tokens, rules[:, [3, 2, 0]]))

    held = Held(np.empty((len(semeval.y), 3)))
    bare = [without_cues(t) for t in valid.texts]
    held.add(np.ones(len(semeval.y), dtype=bool), (probs(semeval.texts), probs(valid.texts), probs(bare)))
    return held


def semeval_trained(valid: Corpus, semeval: Corpus, folds: np.ndarray) -> tuple[Held, list[float]]:
    """5-fold CV on SemEval; the penalty of each fold by the script's inner CV."""
    held = Held(np.empty((len(semeval.y), 3)))
    bare = [without_cues(t) for t in valid.texts]
    penalties = []
    for k in range(TRAIN.FOLDS):
        train, test = subset(semeval, folds != k), subset(semeval, folds == k)
        x_train, *xs = design_matrices(train.texts, test.texts, valid.texts, bare)
        penalty, _ = TRAIN.choose_penalty(x_train, train.y)
        held.add(folds == k, fold_probs(*TRAIN.fit(x_train, train.y, penalty), *xs))
        penalties.append(penalty)
    return held, penalties


def row_weights(is_semeval: np.ndarray, equal_corpora: bool) -> np.ndarray | None:
    """None (every row 1) or weights giving the two corpora equal total weight."""
    if not equal_corpora:
        return None
    n, n_sem = len(is_semeval), int(is_semeval.sum())
    return np.where(is_semeval, n / (2 * n_sem), n / (2 * (n - n_sem)))


def joint_trained(train_tfns: Corpus, valid: Corpus, semeval: Corpus, folds: np.ndarray) -> dict[str, Held]:
    """TFNS train + the SemEval training folds, for both row weightings (features built once a
    fold); each fold's gate is chosen on inner out-of-fold probabilities of its training rows."""
    runs = {name: Held(np.empty((len(semeval.y), 3))) for name in ("pooled", "corpora_equal")}
    bare = [without_cues(t) for t in valid.texts]
    for k in range(TRAIN.FOLDS):
        sem_train, test = subset(semeval, folds != k), subset(semeval, folds == k)
        texts = train_tfns.texts + sem_train.texts
        y = np.concatenate([train_tfns.y, sem_train.y])
        is_semeval = np.arange(len(y)) >= len(train_tfns.y)
        x_train, *xs = design_matrices(texts, test.texts, valid.texts, bare)
        for name, run in runs.items():
            weight = row_weights(is_semeval, name == "corpora_equal")
            inner = softmax(TRAIN.cv_logits(x_train, y, JOINT_PENALTY, weight))
            run.gates.append(choose_gate(inner, y, is_semeval))
            run.add(folds == k, fold_probs(*TRAIN.fit(x_train, y, JOINT_PENALTY, weight), *xs))
    return runs


def held_out_best_gate(run: Held, semeval_y: np.ndarray, tfns_y: np.ndarray) -> dict[str, object]:
    """The one gate that would do best on the held-out data itself: an optimistic bound."""

    def f1(p: float) -> tuple[float, float]:
        return run.decide(lambda probs: gate(probs, p)).macro_f1(semeval_y, tfns_y)

    best = max(GATES, key=lambda p: margin(*f1(p)))
    tfns, semeval = f1(best)
    return {
        "p": best,
        "tfns_validation": round(tfns, 3),
        "semeval2017_headlines": round(semeval, 3),
        "reaches_both": margin(tfns, semeval) >= 0,
    }


def neutral_auc(held: Held, valid: Corpus, semeval: Corpus) -> dict[str, float]:
    """How well P(neutral) ranks each set's gold neutral texts above its polar ones, whatever
    the threshold: near 0.5, a model's "neutral" says nothing about the other set's."""
    tfns = np.mean([auc(p[:, NEUTRAL], valid.y == NEUTRAL) for p in held.tfns])
    return {
        "tfns_validation": round(float(tfns), 3),
        "semeval2017_headlines": round(auc(held.semeval[:, NEUTRAL], semeval.y == NEUTRAL), 3),
    }


def share(masks: list[np.ndarray]) -> float:
    """The share of True, averaged over one boolean array per model."""
    return round(float(np.mean([np.mean(m) for m in masks])), 3)


def agreement(
    tfns_model: Predictions, semeval_model: Predictions, valid: Corpus, semeval: Corpus
) -> dict[str, dict[str, float]]:
    """Polar-vs-neutral agreement of the two single-corpus models, and what each calls the other
    corpus's texts (on TFNS validation: the mean over the five SemEval fold models)."""
    tfns_valid = tfns_model.tfns[0] == NEUTRAL
    semeval_valid = [pred == NEUTRAL for pred in semeval_model.tfns]
    tfns_sem, semeval_sem = tfns_model.semeval == NEUTRAL, semeval_model.semeval == NEUTRAL
    gold_neutral, gold_polar = valid.y == NEUTRAL, semeval.y != NEUTRAL
    return {
        "tfns_validation": {
            "polar_vs_neutral_agreement": share([tfns_valid == other for other in semeval_valid]),
            "gold_neutral_called_polar_by_semeval_model": share([~m[gold_neutral] for m in semeval_valid]),
            "gold_neutral_called_polar_by_tfns_model": share([~tfns_valid[gold_neutral]]),
            "called_neutral_by_tfns_model": share([tfns_valid]),
            "called_neutral_by_semeval_model": share(semeval_valid),
        },
        "semeval2017_headlines": {
            "polar_vs_neutral_agreement": share([tfns_sem == semeval_sem]),
            "gold_polar_called_neutral_by_tfns_model": share([tfns_sem[gold_polar]]),
            "gold_polar_called_neutral_by_semeval_model": share([semeval_sem[gold_polar]]),
            "called_neutral_by_tfns_model": share([tfns_sem]),
            "called_neutral_by_semeval_model": share([semeval_sem]),
        },
    }


def load(data: Path) -> tuple[Corpus, Corpus, Corpus]:
    tfns = data / "tfns_twitter_financial_news"
    return (
        corpus(read_tfns(tfns, "train")),
        corpus(read_tfns(tfns, "valid")),
        corpus(read_semeval_headlines(data / "semeval2017_task5_headlines")),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    try:
        train_tfns, valid, semeval = load(args.data)
    except CorpusMissingError as exc:
        print(f"finance_ceiling: {exc}. Pass --data PATH to the shared data folder.", file=sys.stderr)
        return 2
    start = time.perf_counter()
    folds = TRAIN.fold_ids(len(semeval.y))
    shipped = tfns_trained(valid, semeval)
    own, penalties = semeval_trained(valid, semeval, folds)
    joint = joint_trained(train_tfns, valid, semeval, folds)
    models = {"tfns_trained (shipped weights)": shipped, "semeval_trained (5-fold CV)": own}
    models.update({f"joint {name}": run for name, run in joint.items()})
    rows = {f"{name}, argmax": held.decide(argmax) for name, held in models.items()}
    rows.update(
        {f"joint {name}, gate chosen on training data": run.gated(folds) for name, run in joint.items()}
    )
    report = {
        "targets": TARGETS,
        "texts": {
            "tfns_train": len(train_tfns.y),
            "tfns_validation": len(valid.y),
            "semeval": len(semeval.y),
        },
        "gold_neutral_share": {
            name: round(float(np.mean(data.y == NEUTRAL)), 3)
            for name, data in (("tfns_train", train_tfns), ("tfns_validation", valid), ("semeval", semeval))
        },
        "macro_f1": {name: pred.row(semeval.y, valid.y) for name, pred in rows.items()},
        "held_out_best_gate (optimistic bound: tuned on the held-out data)": {
            f"joint {name}": held_out_best_gate(run, semeval.y, valid.y) for name, run in joint.items()
        },
        "neutral_ranking_auc": {name: neutral_auc(held, valid, semeval) for name, held in models.items()},
        "agreement": agreement(
            rows["tfns_trained (shipped weights), argmax"],
            rows["semeval_trained (5-fold CV), argmax"],
            valid,
            semeval,
        ),
        "chosen": {
            "semeval_trained_penalty_per_fold": penalties,
            "joint_penalty": JOINT_PENALTY,
            **{f"joint_{name}_gate_per_fold": run.gates for name, run in joint.items()},
        },
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
