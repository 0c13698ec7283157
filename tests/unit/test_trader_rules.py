"""Trader-language rules of the finance-3 scorer: each rule with a sentence that needs it.

Signs are checked with VADER's +-0.05 convention. The rules are also checked on their own
(the rule engine without the learned model), so a test fails when the rule, not the model,
stops working.
"""

from __future__ import annotations

import pytest

from attention.sentiment.finance3 import rule_engine, rule_scores
from attention.sentiment.scorer import SentimentScorer

# The sentences issue 19 found misread by finance-2, with the sign a trader means.
MISREAD = [
    ("Nvidia crushes earnings", 1),
    ("TSLA broke out of the wedge", 1),
    ("Bears got crushed today", 1),
    ("AI trade just broke out to new highs", 1),
    ("Puts on SPY printing, market crashing", -1),
]

# One sentence per rule: (sentence, expected sign, the rule entry that must fire).
RULES = [
    ("Nvidia crushed estimates again", 1, "crushed estimates"),
    ("AMD smashes expectations", 1, "smashes expectations"),
    ("Apple beat earnings", 1, "beat earnings"),
    ("SPY breaking out", 1, "breaking out"),
    ("QQQ broke down through support", -1, "broke down"),
    ("War broke out overnight", -1, "war broke out"),
    ("Shorts got squeezed hard", 1, "shorts ... squeezed"),
    ("Bulls got wrecked today", -1, "bulls ... wrecked"),
    ("My calls are printing", 1, "calls ... printing"),
    ("Puts printing today", -1, "puts ... printing"),
    ("My calls expired worthless", -1, "calls ... expired"),
    ("Bought calls on AAPL", 1, "bought calls"),
    ("Loading puts before CPI", -1, "loading puts"),
    ("Still bagholding this thing", -1, "bagholding"),
    ("Classic rug pull", -1, "rug pull"),
    ("NVDA 🚀🚀🚀", 1, "rocket"),
    ("Market tomorrow 🐻", -1, "bear face"),
    ("Semis 📈", 1, "chart increasing"),
    ("TSLA at new lows", -1, "new lows"),
]


@pytest.mark.parametrize(("text", "sign"), MISREAD)
def test_the_misread_sentences_get_the_right_sign(text: str, sign: int) -> None:
    compound = SentimentScorer("finance-3").polarity_scores(text)["compound"]
    assert compound * sign >= 0.05, (text, compound)


@pytest.mark.parametrize(("text", "sign"), MISREAD)
def test_the_rules_alone_read_the_misread_sentences(text: str, sign: int) -> None:
    scores, _ = rule_scores(rule_engine(), text)
    assert scores[3] * sign >= 0.05, (text, scores)


@pytest.mark.parametrize(("text", "sign", "entry"), RULES)
def test_each_trader_rule_fires_with_its_sign(text: str, sign: int, entry: str) -> None:
    _, fired = rule_engine().explain(text)
    assert entry in fired, fired
    assert rule_scores(rule_engine(), text)[0][3] * sign >= 0.05
    assert SentimentScorer("finance-3").polarity_scores(text)["compound"] * sign >= 0.05


def test_sarcasm_turns_the_literal_reading_around() -> None:
    literal, _ = rule_scores(rule_engine(), "Great job Powell, really helping")
    marked, _ = rule_scores(rule_engine(), "Great job Powell, really helping /s")
    rolled, _ = rule_scores(rule_engine(), "Great job Powell, really helping 🙄")
    assert literal[3] > 0.05
    assert marked[3] == pytest.approx(-0.5 * literal[3], abs=1e-4)
    assert rolled[3] < -0.05
    assert (
        SentimentScorer("finance-3").polarity_scores("Great job Powell, really helping /s")["compound"]
        < -0.05
    )


def test_vader_rules_still_apply_to_trader_phrases() -> None:
    """Negation reaches a phrase (its first word carries the valence), capitals still boost."""
    plain = rule_scores(rule_engine(), "Nvidia crushed earnings")[0][3]
    negated = rule_scores(rule_engine(), "Nvidia never crushed earnings")[0][3]
    assert plain > 0.05 and negated < 0
    assert rule_scores(rule_engine(), "My calls are PRINTING")[0][3] > 0.05


def test_window_rules_need_the_pair_within_three_words() -> None:
    _, fired = rule_engine().explain("Bears say the market will be crushed by rates")
    assert not any(" ... " in f for f in fired)
