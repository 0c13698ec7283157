"""Benchmark: how far one TFNS-trained model + rules can serve both tweets and headlines.

Measures, on the two held-out sets (TFNS validation: never trained on; SemEval-2017 headlines:
never trained on or tuned on), the 3-class macro-F1 of decision rules built from the shipped
finance-3 parts (the rule scores and the model's class probabilities), nothing refitted:

* ``finance-3``: the shipped blend (:func:`attention.sentiment.finance3.blend`);
* ``model``: the model's most probable class;
* ``model+rules t=.. shift=..``: the model's class, except that a text the model calls neutral
  takes the rules' sign when the rules' |compound| >= t; ``shift`` lowers the neutral class's
  log-probability first (a prior correction toward polar calls);
* ``gate p=..``: neutral only where the model gives neutral probability >= p (a threshold that
  does not move with a domain's neutral share), otherwise the sign of the mean of the model's
  P(positive) - P(negative) and the rules' compound;
* ``model prior shift=..``: the model's class after lowering the neutral log-probability by
  ``shift`` (what a prior correction for a domain with fewer neutral texts does, e.g. the EM
  re-estimation of Saerens et al. 2002). The best shift on the headlines is chosen there, with
  their labels: an upper bound on what any prior correction can do, not a usable setting;
* ``always polar``: never neutral, the sign of model and rules together; its sign accuracy on
  the polar texts bounds what any neutral rule can reach.

The figures show the trade-off behind the README's statement that no setting reaches both
targets (TFNS >= 0.75 and SemEval >= 0.58): every step toward headlines costs tweets.

    python benchmarks/finance_tradeoff.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from attention.sentiment.corpora import CorpusMissingError, read_semeval_headlines, read_tfns
from attention.sentiment.evaluation import classify, f1_per_class
from attention.sentiment.finance3 import Finance3Engine, blend

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
THRESHOLDS = (0.05, 0.3, 0.5, 0.7)
SHIFTS = (0.0, 0.5, 1.0)
GATES = (0.5, 0.7, 0.8, 0.9, 0.95)
PRIOR_SHIFTS = (2.0, 3.0, 4.0, 6.0)


def decisions(engine: Finance3Engine, texts: list[str]) -> dict[str, np.ndarray]:
    """-1 / 0 / +1 per text for each decision rule."""
    rules, tokens, _ = engine.rule_features(texts)
    probs = engine.model.predict(tokens, rules[:, [3, 2, 0]])
    out = {"finance-3": classify(blend(rules, probs)[:, 3]), "model": probs.argmax(axis=1) - 1}
    compound = rules[:, 3]
    for shift in SHIFTS:
        logp = np.log(np.maximum(probs, 1e-300))
        logp[:, 1] -= shift
        model = logp.argmax(axis=1) - 1
        for t in THRESHOLDS:
            rule = np.where(compound >= t, 1, np.where(compound <= -t, -1, 0))
            out[f"model+rules t={t} shift={shift}"] = np.where(model != 0, model, rule)
    signal = np.sign(0.5 * (probs[:, 2] - probs[:, 0]) + 0.5 * compound).astype(int)
    for gate in GATES:
        out[f"gate p={gate}"] = np.where(probs[:, 1] >= gate, 0, signal)
    for shift in PRIOR_SHIFTS:
        logp = np.log(np.maximum(probs, 1e-300))
        logp[:, 1] -= shift
        out[f"model prior shift={shift}"] = logp.argmax(axis=1) - 1
    out["always polar"] = np.where(signal >= 0, 1, -1)
    return out


def sign_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    """Share of the polar gold texts whose predicted sign is right (neutral calls count wrong)."""
    polar = gold != 0
    return float(np.mean(pred[polar] == gold[polar]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    try:
        sets = {
            "tfns_validation": read_tfns(args.data / "tfns_twitter_financial_news", "valid"),
            "semeval2017_headlines": read_semeval_headlines(args.data / "semeval2017_task5_headlines"),
        }
    except CorpusMissingError as exc:
        print(f"finance_tradeoff: {exc}. Pass --data PATH to the shared data folder.", file=sys.stderr)
        return 2
    engine = Finance3Engine()
    table: dict[str, dict[str, float]] = {}
    signs: dict[str, float] = {}
    for name, rows in sets.items():
        gold = classify([r.rating for r in rows])
        for rule, pred in decisions(engine, [r.text for r in rows]).items():
            f1 = f1_per_class(gold, pred)
            table.setdefault(rule, {})[name] = round(float(np.mean(list(f1.values()))), 3)
            if rule == "always polar":
                signs[name] = round(sign_accuracy(gold, pred), 3)
    print(json.dumps({"macro_f1": table, "always_polar_sign_accuracy": signs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
