"""A faster VADER that returns exactly what vaderSentiment 3.3.2 returns.

vaderSentiment's ``polarity_scores`` re-lowercases the whole token list inside every negation
and idiom check (quadratic in the text length), scans the negation words as a list and walks
the text one character at a time looking for emoji. This engine keeps every rule, every
quirk and every floating-point operation in the same order, but:

* looks each distinct raw token up once (lowercase form, ALL-CAPS flag, lexicon valence,
  booster scalar, negation flag) and caches it, so a token costs one dict lookup;
* replaces emoji with one regular expression over the single-character emoji keys;
* keeps lowercase tokens in a list built once per text; negation words are a set.

The rules are VADER's (Hutto & Gilbert 2014) as implemented in vaderSentiment 3.3.2; the
lexicon, emoji lexicon and rule constants are read from the installed package, never copied.
The finance overlay (see :mod:`attention.sentiment.finance_overlay`) plugs in through ``overlay`` and
``phrases``; with neither, the output is VADER's exactly (tests/replay/test_vader_golden.py).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from itertools import compress
from pathlib import Path

from vaderSentiment import vaderSentiment as _vs  # noqa: N813 - the module, read-only

B_INCR = _vs.B_INCR
C_INCR = _vs.C_INCR
N_SCALAR = _vs.N_SCALAR
BOOSTER_DICT: Mapping[str, float] = _vs.BOOSTER_DICT
SPECIAL_CASES: Mapping[str, float] = _vs.SPECIAL_CASES
NEGATE = frozenset(_vs.NEGATE)
_PUNCT = string.punctuation
_SO_THIS = ("so", "this")
# Words that can take part in a multi-word SPECIAL_CASES or BOOSTER_DICT key: if none of them
# is near a lexicon word, the idiom check cannot change anything and is skipped.
_IDIOM_WORDS = frozenset(w for key in [*SPECIAL_CASES, *BOOSTER_DICT] if " " in key for w in key.split(" "))
_CACHE_LIMIT = 500_000  # distinct raw tokens kept; the cache is cleared when it grows past this


# (neg, neu, pos, compound). A plain tuple: cheap to build and to pickle between processes.
Scores = tuple[float, float, float, float]
_ALL_NEUTRAL: Scores = (0.0, 1.0, 0.0, 0.0)
_EMPTY: Scores = (0.0, 0.0, 0.0, 0.0)


# Everything the rules ask about one token, computed once per distinct raw token, as a plain
# tuple (a NamedTuple's Python-level constructor costs more than the rest of the record):
#   low     VADER's token (punctuation stripped unless that leaves <= 2 chars), lowercased
#   upper   token.isupper()
#   val     lexicon valence, None when not in the lexicon
#   boost   booster/dampener scalar, None when not a booster
#   neg     a negation word (in NEGATE or contains "n't")
#   key     lowercase with all edge punctuation stripped (overlay phrase matching only)
#   scored  in the lexicon and not a booster: the only tokens whose valence can be != 0
_Tok = tuple[str, bool, float | None, float | None, bool, str, bool]


def vader_package_dir() -> Path:
    return Path(_vs.__file__).resolve().parent


def load_vader_lexicon(path: Path | None = None) -> dict[str, float]:
    """vader_lexicon.txt as a dict, parsed exactly as vaderSentiment's make_lex_dict does."""
    text = (path or vader_package_dir() / "vader_lexicon.txt").read_bytes().decode("utf-8")
    lex: dict[str, float] = {}
    for line in text.rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lex[word] = float(measure)
    return lex


def load_vader_emojis(path: Path | None = None) -> dict[str, str]:
    """emoji_utf8_lexicon.txt as a dict, parsed exactly as vaderSentiment's make_emoji_dict."""
    text = (path or vader_package_dir() / "emoji_utf8_lexicon.txt").read_bytes().decode("utf-8")
    emojis: dict[str, str] = {}
    for line in text.rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


class VaderEngine:
    """VADER scoring with optional overlay words and multi-word phrases.

    ``overlay`` maps lowercase single tokens to valences that replace (or add to) VADER's
    lexicon; ``phrases`` maps tuples of lowercase words to a valence that the phrase's first
    word carries (the other words become neutral fillers), so VADER's negation, booster and
    capitalisation rules still apply to the phrase as a unit.
    """

    def __init__(
        self,
        lexicon: Mapping[str, float],
        emojis: Mapping[str, str],
        overlay: Mapping[str, float] | None = None,
        phrases: Mapping[tuple[str, ...], float] | None = None,
    ) -> None:
        self.lexicon = dict(lexicon)
        self.overlay = dict(overlay or {})
        self.lexicon.update(self.overlay)
        self.emojis = dict(emojis)
        # Only single characters can ever match: vaderSentiment tests `chr in self.emojis`.
        singles = sorted(k for k in self.emojis if len(k) == 1)
        self._emoji_chars = frozenset(singles)
        self._emoji_re = re.compile(_char_class(singles))
        self.phrases = {tuple(k): float(v) for k, v in (phrases or {}).items()}
        self._phrase_index: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for words, value in sorted(self.phrases.items(), key=lambda kv: -len(kv[0])):
            self._phrase_index.setdefault(words[0], []).append((words, value))
        self._cache: dict[str, _Tok] = {}

    # -- tokens -----------------------------------------------------------------------------
    def _tok(self, raw: str) -> _Tok:
        stripped = raw.strip(_PUNCT)
        token = raw if len(stripped) <= 2 else stripped
        low = token.lower()
        val, boost = self.lexicon.get(low), BOOSTER_DICT.get(low)
        return (
            low,
            token.isupper(),
            val,
            boost,
            low in NEGATE or "n't" in low,
            stripped.lower() or low,
            val is not None and boost is None,
        )

    def _demoji(self, text: str) -> str:
        """Replace emoji by their descriptions with vaderSentiment's exact spacing rule."""
        emojis = self.emojis

        def repl(match: re.Match[str]) -> str:
            start = match.start()
            # vaderSentiment adds a space unless the previous character was a plain space (or
            # this is the first character); never a space after the description.
            lead = " " if start > 0 and text[start - 1] != " " else ""
            return lead + emojis[match.group()]

        return self._emoji_re.sub(repl, text)

    def tokens(self, text: str) -> tuple[str, list[_Tok]]:
        """The emoji-free, stripped text and its token records (VADER's tokenisation)."""
        # Every emoji key is non-ASCII: most texts skip the emoji pass after one C-level check.
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._demoji(text)
        text = text.strip()
        words = text.split()
        cache = self._cache
        try:
            return text, list(map(cache.__getitem__, words))
        except KeyError:  # first sighting of some token: build the missing records once
            missing = set(words).difference(cache)
            if len(cache) + len(missing) > _CACHE_LIMIT:
                cache.clear()  # a bound on memory; tokens are rebuilt on demand
                missing = set(words)
            for w in missing:
                cache[w] = self._tok(w)
            return text, list(map(cache.__getitem__, words))

    # -- scoring ----------------------------------------------------------------------------
    def polarity_scores(self, text: str) -> dict[str, float]:
        """Same dict as vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores``."""
        neg, neu, pos, compound = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def scores(self, text: str) -> Scores:
        if not isinstance(text, str):
            raise TypeError(f"VADER scores text (str), not {type(text).__name__}")
        text, toks = self.tokens(text)
        if not toks:
            return _EMPTY
        sentiments, idx = self._valences(toks, None)
        return _score_valence(sentiments, idx, text)

    def explain(self, text: str) -> tuple[Scores, list[str]]:
        """Scores plus the overlay entries (words and phrases) that set a valence."""
        text, toks = self.tokens(text)
        if not toks:
            return _EMPTY, []
        fired: list[str] = []
        sentiments, idx = self._valences(toks, fired)
        return _score_valence(sentiments, idx, text), fired

    def _valences(self, toks: list[_Tok], fired: list[str] | None) -> tuple[list, list[int]]:
        """Per-token valences (VADER's ``sentiments`` list) and the positions that can be != 0."""
        lows, uppers, vals, boosts, negs, keys, scored = zip(*toks, strict=True)
        n = len(toks)
        if self._phrase_index:
            vals, boosts, negs = list(vals), list(boosts), list(negs)
            covered = self._apply_phrases(keys, vals, boosts, negs, fired)
            scored = [v is not None and b is None for v, b in zip(vals, boosts, strict=True)]
            if fired is not None:
                fired.extend(w for k, w in enumerate(lows) if w in self.overlay and k not in covered)
        elif fired is not None and self.overlay:
            fired.extend(w for w in lows if w in self.overlay)
        upper_count = sum(uppers)
        cap_diff = 0 < n - upper_count < n
        sentiments: list = [0] * n
        idx = list(compress(range(n), scored))
        for i in idx:
            if i < n - 1 and lows[i] == "kind" and lows[i + 1] == "of":
                continue
            sentiments[i] = _valence(i, vals[i], uppers, cap_diff, lows, vals, boosts, negs)
        if idx and "but" in lows:
            _but_check(lows.index("but"), sentiments)
        return sentiments, idx

    def _apply_phrases(
        self, keys: tuple[str, ...], vals: list, boosts: list, negs: list, fired: list[str] | None
    ) -> set[int]:
        """Give each matched phrase's valence to its first word; mute the other words.

        Returns the token positions the phrases covered."""
        covered: set[int] = set()
        index = self._phrase_index
        n, i = len(keys), 0
        while i < n:
            candidates = index.get(keys[i])
            if candidates:
                for words, value in candidates:
                    k = len(words)
                    if tuple(keys[i : i + k]) == words:
                        vals[i], boosts[i], negs[i] = value, None, False
                        for j in range(i + 1, i + k):
                            vals[j], boosts[j], negs[j] = None, None, False
                        covered.update(range(i, i + k))
                        if fired is not None:
                            fired.append(" ".join(words))
                        i += k - 1
                        break
            i += 1
        return covered


def _valence(
    i: int,
    v: float,
    uppers: tuple[bool, ...],
    cap_diff: bool,
    lows: tuple[str, ...],
    vals: list,
    boosts: list,
    negs: list,
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
            valence = _negation_check(valence, lows, negs, start_i, i)
            if start_i == 2 and not _IDIOM_WORDS.isdisjoint(lows[i - 3 : i + 3]):
                valence = _special_idioms_check(valence, lows, i)
    if i > 0 and lows[i - 1] == "least" and vals[i - 1] is None:
        if i > 1:
            if lows[i - 2] != "at" and lows[i - 2] != "very":
                valence = valence * N_SCALAR
        else:
            valence = valence * N_SCALAR
    return valence


def _char_class(chars: list[str]) -> str:
    """A regex character class with consecutive code points collapsed into ranges."""
    parts: list[str] = []
    codes = sorted(ord(c) for c in chars)
    k = 0
    while k < len(codes):
        end = k
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = re.escape(chr(codes[k])), re.escape(chr(codes[end]))
        parts.append(first if k == end else f"{first}-{last}")
        k = end + 1
    return "[" + "".join(parts) + "]"


def _negation_check(valence: float, lows: list[str], negs: list, start_i: int, i: int) -> float:
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


def _special_idioms_check(valence: float, w: list[str], i: int) -> float:
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


def _but_check(bi: int, sentiments: list) -> None:
    """vaderSentiment's 'but' rule, quirks included: it finds each value's FIRST index, so
    repeated values can be scaled at another position (or twice)."""
    for k in range(len(sentiments)):
        sentiment = sentiments[k]
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5


def _score_valence(sentiments: list, idx: list[int], text: str) -> Scores:
    """vaderSentiment's score_valence; only positions in ``idx`` can hold a non-zero value."""
    if not idx:  # no lexicon word: VADER's arithmetic always ends in exactly this
        return _ALL_NEUTRAL
    sum_s = float(sum(sentiments))
    ep_count = min(text.count("!"), 4)
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
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
