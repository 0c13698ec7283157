"""The finance-3 scorer: VADER + finance overlay + trader rules, blended with a learned model.

Two parts, each doing what it is good at:

* the rules (:class:`VaderEngine` with ``finance_lexicon.yaml``, ``finance_trader.yaml`` and
  :mod:`attention.sentiment.trader_rules`) keep VADER's negation, intensifiers, capitals and
  emoji, and read trader slang;
* the learned model (:mod:`attention.sentiment.finance_model`) reads the words of financial
  news and analyst actions that no hand list covers, with the rules' scores among its inputs.

The blend (see :func:`blend`) is the model's bullish-minus-bearish probability, pulled toward
the rules' compound where the rules found sentiment words. Columns: ``neg``/``neu``/``pos`` are
the blended class probabilities (not VADER's word proportions) and ``compound`` is in [-1, 1]
with VADER's convention (>= 0.05 positive, <= -0.05 negative).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path

import numpy as np

from attention.sentiment.finance_model import FinanceModel, TokenColumns, load_finance_model
from attention.sentiment.finance_overlay import load_finance_lexicon
from attention.sentiment.trader_rules import (
    SARCASM_PHRASE,
    TRIGGERS,
    apply_sarcasm,
    apply_window_rules,
    is_sarcastic,
)
from attention.sentiment.vader_engine import VaderEngine, load_vader_emojis, load_vader_lexicon
from attention.sentiment.vader_rules import Scores

VERSION = "finance-3"
# Weight of the rules' compound in the blend where the rules found sentiment (see blend()).
RULE_WEIGHT = 0.5
POLAR = 0.05  # VADER's convention: |compound| >= 0.05 is positive or negative
# A neutral call keeps the model's lean (for Pearson r) but stays inside the +-0.05 band.
NEUTRAL_SHRINK = 0.04
WORD_COLUMN = 7  # the token record's extra field (see build_rule_engine)


def trader_lexicon_path() -> Path:
    return Path(str(resources.files("attention") / "data" / "finance_trader.yaml"))


@lru_cache(maxsize=1)
def rule_engine() -> VaderEngine:
    """VADER with the finance-2 overlay, the trader entries on top, and the window rules."""
    return build_rule_engine()


def build_rule_engine(token_extra: Callable[[str], int] | None = None) -> VaderEngine:
    """:func:`rule_engine`, with ``token_extra`` (the model's word column of a raw token) kept in
    the engine's token cache so the model needs no lookup of its own."""
    base, trader = load_finance_lexicon(), load_finance_lexicon(trader_lexicon_path())
    words = {**base.words, **trader.words}
    phrases = {**base.phrases, **trader.phrases}
    return VaderEngine(
        load_vader_lexicon(),
        load_vader_emojis(),
        overlay=words,
        phrases=phrases,
        rules=apply_window_rules,
        rule_triggers=TRIGGERS,
        token_extra=token_extra,
    )


def rule_scores(engine: VaderEngine, text: str) -> tuple[Scores, list]:
    """The rule-based scores of one text (sarcasm applied) and its token records."""
    scores, stripped, _, toks = engine.scores_and_words(text)
    # Cheap substring tests first: almost no text has a sarcasm marker.
    if ("/s" in stripped or SARCASM_PHRASE in stripped) and is_sarcastic([t[0] for t in toks], stripped):
        scores = apply_sarcasm(scores)
    return scores, toks


def blend(rules: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """(n, 4) neg, neu, pos, compound from rule scores (n, 4) and model probabilities (n, 3).

    Where the rules found sentiment (|compound| >= 0.05) the compound is the mean of the rules'
    compound and the model's P(positive) - P(negative): a negated phrase or an emoji still moves
    the score, and the model can overrule a weak rule. Where the rules found nothing, the model
    alone speaks, and its "neutral" calls stay inside the +-0.05 band. Why not the model alone:
    trained on tweets (65% neutral), it calls most news headlines neutral (79% of BBC business
    titles; SemEval-2017 headline macro-F1 0.36); see benchmarks/RESULTS.md for the figures.
    """
    neg, neu, pos = probs[:, 0], probs[:, 1], probs[:, 2]
    signal = pos - neg
    banded = np.where(np.maximum(pos, neg) > neu, signal, NEUTRAL_SHRINK * signal)
    rule = rules[:, 3]
    mixed = RULE_WEIGHT * rule + (1 - RULE_WEIGHT) * signal
    compound = np.clip(np.where(np.abs(rule) >= POLAR, mixed, banded), -1.0, 1.0).round(4)
    return np.column_stack([neg.round(3), neu.round(3), pos.round(3), compound])


class Finance3Engine:
    """Scores texts with the rules and the model in one pass over VADER's tokens."""

    def __init__(self, model: FinanceModel | None = None) -> None:
        self.model = model or load_finance_model()
        self.rules = build_rule_engine(self.model.word_column)

    def scores(self, text: str) -> Scores:
        row = self.score_many([text])[0]
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    def polarity_scores(self, text: str) -> dict[str, float]:
        neg, neu, pos, compound = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def explain(self, text: str) -> tuple[Scores, list[str]]:
        _, fired = self.rules.explain(text)
        return self.scores(text), fired

    def score_many(self, texts: Sequence[str]) -> np.ndarray:
        rules, ids, empty = self.rule_features(texts)
        probs = self.model.predict(ids, rules[:, [3, 2, 0]])
        out = blend(rules, probs)
        out[empty] = 0.0  # nothing to read: VADER's all-zero scores
        return out

    def rule_features(self, texts: Sequence[str]) -> tuple[np.ndarray, TokenColumns, np.ndarray]:
        """Rule scores (n, 4), the model's word columns of every token, and which texts had no
        tokens. One pass: each text is split once, and each token's record in VADER's token cache
        carries the model's word column, so the model adds no lookup of its own."""
        engine, column = self.rules, itemgetter(WORD_COLUMN)
        flat, cols, lengths = array("d"), array("q"), array("q")
        extend, extend_cols, append_length = flat.extend, cols.extend, lengths.append
        for text in texts:
            scores, toks = rule_scores(engine, text)
            extend(scores)
            extend_cols(map(column, toks))  # the model's word column, kept in VADER's token cache
            append_length(len(toks))
        size = np.frombuffer(lengths, dtype=np.int64) if lengths else np.zeros(0, dtype=np.int64)
        tokens = TokenColumns(
            np.frombuffer(cols, dtype=np.int64) if cols else np.zeros(0, dtype=np.int64), size
        )
        rules = np.frombuffer(flat, dtype=np.float64).reshape(-1, 4) if flat else np.zeros((0, 4))
        return rules, tokens, size == 0
