"""VADER's rules (Hutto & Gilbert 2014) as vaderSentiment 3.3.2 implements them, operation for
operation and in the same order, over precomputed token facts: the valence of one lexicon word
(caps, boosters, negation, idioms), the "but" rule and the final score. The constants are read
from the installed package, never copied. The engine that feeds them is
:mod:`attention.sentiment.vader_engine`.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence

from vaderSentiment import vaderSentiment as _vs  # noqa: N813 - the module, read-only

B_INCR = _vs.B_INCR
C_INCR = _vs.C_INCR
N_SCALAR = _vs.N_SCALAR
BOOSTER_DICT: Mapping[str, float] = _vs.BOOSTER_DICT
SPECIAL_CASES: Mapping[str, float] = _vs.SPECIAL_CASES
NEGATE = frozenset(_vs.NEGATE)
PUNCT = string.punctuation
_SO_THIS = ("so", "this")
# Words that can take part in a multi-word SPECIAL_CASES or BOOSTER_DICT key: if none of them
# is near a lexicon word, the idiom check cannot change anything and is skipped.
_IDIOM_WORDS = frozenset(w for key in [*SPECIAL_CASES, *BOOSTER_DICT] if " " in key for w in key.split(" "))

# (neg, neu, pos, compound). A plain tuple: cheap to build and to pickle between processes.
Scores = tuple[float, float, float, float]
_ALL_NEUTRAL: Scores = (0.0, 1.0, 0.0, 0.0)
EMPTY: Scores = (0.0, 0.0, 0.0, 0.0)


def sentiment_valence(
    i: int,
    v: float,
    uppers: tuple[bool, ...],
    cap_diff: bool,
    lows: tuple[str, ...],
    vals: Sequence[float | None],
    boosts: Sequence[float | None],
    negs: Sequence[bool],
) -> float:
    """vaderSentiment's sentiment_valence for lexicon word i (same operations, same order)."""
    n = len(lows)
    valence = v
    if lows[i] == "no" and i != n - 1 and vals[i + 1] is not None:
        valence = 0.0
    if (
        (i > 0 and lows[i - 1] == "no")
        or (i > 1 and lows[i - 2] == "no")
        or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))
    ):
        valence = v * N_SCALAR
    if cap_diff and uppers[i]:
        if valence > 0:
            valence += C_INCR
        else:
            valence -= C_INCR
    for start_i in range(3):
        j = i - (start_i + 1)
        if j >= 0 and vals[j] is None:
            s = 0.0
            b = boosts[j]
            if b is not None:  # scalar_inc_dec
                s = b
                if valence < 0:
                    s *= -1
                if cap_diff and uppers[j]:
                    if valence > 0:
                        s += C_INCR
                    else:
                        s -= C_INCR
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = negation_check(valence, lows, negs, start_i, i)
            if start_i == 2 and not _IDIOM_WORDS.isdisjoint(lows[i - 3 : i + 3]):
                valence = special_idioms_check(valence, lows, i)
    if i > 0 and lows[i - 1] == "least" and vals[i - 1] is None:
        if i > 1:
            if lows[i - 2] != "at" and lows[i - 2] != "very":
                valence = valence * N_SCALAR
        else:
            valence = valence * N_SCALAR
    return valence


def negation_check(valence: float, lows: Sequence[str], negs: Sequence[bool], start_i: int, i: int) -> float:
    if start_i == 0:
        if negs[i - 1]:
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lows[i - 2] == "never" and (lows[i - 1] == "so" or lows[i - 1] == "this"):
            valence = valence * 1.25
        elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
            pass
        elif negs[i - 2]:
            valence = valence * N_SCALAR
    else:
        # vaderSentiment's precedence: (never and (so or this)) or (so or this one word back).
        if (lows[i - 3] == "never" and lows[i - 2] in _SO_THIS) or lows[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
            pass
        elif negs[i - 3]:
            valence = valence * N_SCALAR
    return valence


def special_idioms_check(valence: float, w: Sequence[str], i: int) -> float:
    onezero = f"{w[i - 1]} {w[i]}"
    twoonezero = f"{w[i - 2]} {w[i - 1]} {w[i]}"
    twoone = f"{w[i - 2]} {w[i - 1]}"
    threetwoone = f"{w[i - 3]} {w[i - 2]} {w[i - 1]}"
    threetwo = f"{w[i - 3]} {w[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(w) - 1 > i:
        zeroone = f"{w[i]} {w[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(w) - 1 > i + 1:
        zeroonetwo = f"{w[i]} {w[i + 1]} {w[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def but_check(bi: int, sentiments: list) -> None:
    """vaderSentiment's 'but' rule, quirks included: it finds each value's FIRST index, so
    repeated values can be scaled at another position (or twice)."""
    for k in range(len(sentiments)):
        sentiment = sentiments[k]
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5


def score_valence(sentiments: list, idx: list[int], text: str) -> Scores:
    """vaderSentiment's score_valence; only positions in ``idx`` can hold a non-zero value."""
    if not idx:  # no lexicon word: VADER's arithmetic always ends in exactly this
        return _ALL_NEUTRAL
    sum_s = float(sum(sentiments))
    ep_count = min(text.count("!"), 4)
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier: float = 0.0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0
    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = len(sentiments)
    for i in idx:  # same order as vaderSentiment's loop; zeros add nothing to the sums
        s = sentiments[i]
        if s > 0:
            pos_sum += float(s) + 1
            neu_count -= 1
        elif s < 0:
            neg_sum += float(s) - 1
            neu_count -= 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )
