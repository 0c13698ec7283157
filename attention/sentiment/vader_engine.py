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

import re
from collections.abc import Callable, Mapping, Sequence
from itertools import compress
from pathlib import Path
from typing import Any

from vaderSentiment import vaderSentiment as _vs  # noqa: N813 - the module, read-only

from attention.sentiment.vader_rules import (
    BOOSTER_DICT,
    EMPTY,
    NEGATE,
    PUNCT,
    Scores,
    but_check,
    score_valence,
    sentiment_valence,
)

_CACHE_LIMIT = 500_000  # distinct raw tokens kept; the cache is cleared when it grows past this


# Everything the rules ask about one token, computed once per distinct raw token, as a plain
# tuple (a NamedTuple's Python-level constructor costs more than the rest of the record):
#   low     VADER's token (punctuation stripped unless that leaves <= 2 chars), lowercased
#   upper   token.isupper()
#   val     lexicon valence, None when not in the lexicon
#   boost   booster/dampener scalar, None when not a booster
#   neg     a negation word (in NEGATE or contains "n't")
#   key     lowercase with all edge punctuation stripped (overlay phrase matching only)
#   scored  in the lexicon and not a booster: the only tokens whose valence can be != 0
#   extra   (only with ``token_extra``) what that function returns for the raw token, e.g. the
#           finance model's word column, so a caller's per-token lookup rides on this cache
_Tok = tuple[Any, ...]
# A rule over (keys, vals, boosts, negs, fired) that sets valences in place after the phrases.
WindowRules = Callable[[Sequence[str], list, list, list, "list[str] | None"], None]


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
        rules: WindowRules | None = None,
        rule_triggers: frozenset[str] = frozenset(),
        token_extra: Callable[[str], Any] | None = None,
    ) -> None:
        self.lexicon = dict(lexicon)
        self._token_extra = token_extra
        self._rules = rules
        self._rule_triggers = rule_triggers  # the rules run only when one of these keys is present
        self.overlay = dict(overlay or {})
        self.lexicon.update(self.overlay)
        self.emojis = dict(emojis)
        # Only single characters can ever match: vaderSentiment tests `chr in self.emojis`.
        singles = sorted(k for k in self.emojis if len(k) == 1)
        self._emoji_chars = frozenset(singles)
        self._emoji_re = re.compile(_char_class(singles))
        self.phrases = {tuple(k): float(v) for k, v in (phrases or {}).items()}
        # Phrases by their first two words (every phrase has two or more), longest first.
        self._phrase_index: dict[tuple[str, str], list[tuple[tuple[str, ...], float]]] = {}
        for words, value in sorted(self.phrases.items(), key=lambda kv: -len(kv[0])):
            self._phrase_index.setdefault((words[0], words[1]), []).append((words, value))
        self._phrase_firsts = frozenset(first for first, _ in self._phrase_index)
        self._cache: dict[str, _Tok] = {}

    # -- tokens -----------------------------------------------------------------------------
    def _tok(self, raw: str) -> _Tok:
        stripped = raw.strip(PUNCT)
        token = raw if len(stripped) <= 2 else stripped
        low = token.lower()
        val, boost = self.lexicon.get(low), BOOSTER_DICT.get(low)
        record = (
            low,
            token.isupper(),
            val,
            boost,
            low in NEGATE or "n't" in low,
            stripped.lower() or low,
            val is not None and boost is None,
        )
        return record if self._token_extra is None else (*record, self._token_extra(raw))

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
        text, _, toks = self.split_tokens(text)
        return text, toks

    def split_tokens(self, text: str) -> tuple[str, list[str], list[_Tok]]:
        """The emoji-free, stripped text, its whitespace tokens and their records."""
        # Every emoji key is non-ASCII: most texts skip the emoji pass after one C-level check.
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._demoji(text)
        text = text.strip()
        words = text.split()
        cache = self._cache
        try:
            return text, words, list(map(cache.__getitem__, words))
        except KeyError:  # first sighting of some token: build the missing records once
            missing = set(words).difference(cache)
            if len(cache) + len(missing) > _CACHE_LIMIT:
                cache.clear()  # a bound on memory; tokens are rebuilt on demand
                missing = set(words)
            for w in missing:
                cache[w] = self._tok(w)
            return text, words, list(map(cache.__getitem__, words))

    # -- scoring ----------------------------------------------------------------------------
    def polarity_scores(self, text: str) -> dict[str, float]:
        """Same dict as vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores``."""
        neg, neu, pos, compound = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def scores(self, text: str) -> Scores:
        if not isinstance(text, str):
            raise TypeError(f"VADER scores text (str), not {type(text).__name__}")
        text, _, toks = self.split_tokens(text)
        if not toks:
            return EMPTY
        sentiments, idx = self._valences(toks, None)
        return score_valence(sentiments, idx, text)

    def scores_and_words(self, text: str) -> tuple[Scores, str, list[str], list[_Tok]]:
        """Scores plus the stripped text, its whitespace tokens and their records (for models
        that reuse VADER's tokens)."""
        text, words, toks = self.split_tokens(text)
        if not toks:
            return EMPTY, text, words, toks
        sentiments, idx = self._valences(toks, None)
        return score_valence(sentiments, idx, text), text, words, toks

    def explain(self, text: str) -> tuple[Scores, list[str]]:
        """Scores plus the overlay entries (words and phrases) that set a valence."""
        text, toks = self.tokens(text)
        if not toks:
            return EMPTY, []
        fired: list[str] = []
        sentiments, idx = self._valences(toks, fired)
        return score_valence(sentiments, idx, text), fired

    def _valences(self, toks: list[_Tok], fired: list[str] | None) -> tuple[list, list[int]]:
        """Per-token valences (VADER's ``sentiments`` list) and the positions that can be != 0."""
        vals: list[float | None] | tuple[float | None, ...]
        boosts: list[float | None] | tuple[float | None, ...]
        negs: list[bool] | tuple[bool, ...]
        scored: Sequence[bool]
        if self._token_extra is None:
            lows, uppers, vals, boosts, negs, keys, scored = zip(*toks, strict=True)
        else:  # the records carry one extra field, not read here
            lows, uppers, vals, boosts, negs, keys, scored, _ = zip(*toks, strict=True)
        n = len(toks)
        if self._phrase_index or self._rules is not None:
            # Positions where a phrase's first two words occur: the first word is tested at C
            # speed, the pair only where a phrase can start (most texts have few or none).
            index = self._phrase_index
            starts = [
                i
                for i in compress(range(n - 1), map(self._phrase_firsts.__contains__, keys))
                if (keys[i], keys[i + 1]) in index
            ]
            matches = self._phrase_matches(keys, starts) if starts else []
            rules_due = self._rules is not None and not self._rule_triggers.isdisjoint(keys)
            covered: set[int] = set()
            if matches or rules_due:
                vals, boosts, negs = list(vals), list(boosts), list(negs)
                for i, words, value in matches:
                    vals[i], boosts[i], negs[i] = value, None, False
                    for j in range(i + 1, i + len(words)):
                        vals[j], boosts[j], negs[j] = None, None, False
                    covered.update(range(i, i + len(words)))
                    if fired is not None:
                        fired.append(" ".join(words))
                if rules_due and self._rules is not None:
                    self._rules(keys, vals, boosts, negs, fired)
                scored = [v is not None and b is None for v, b in zip(vals, boosts, strict=True)]
            if fired is not None:
                fired.extend(w for k, w in enumerate(lows) if w in self.overlay and k not in covered)
        elif fired is not None and self.overlay:
            fired.extend(w for w in lows if w in self.overlay)
        idx = list(compress(range(n), scored))
        if not idx:  # nothing can score: score_valence gives VADER's all-neutral result
            return [], idx
        upper_count = sum(uppers)
        cap_diff = 0 < n - upper_count < n
        sentiments: list = [0] * n
        for i in idx:
            if i < n - 1 and lows[i] == "kind" and lows[i + 1] == "of":
                continue
            v = vals[i]
            assert v is not None  # a scored position has a lexicon valence
            sentiments[i] = sentiment_valence(i, v, uppers, cap_diff, lows, vals, boosts, negs)
        if idx and "but" in lows:
            but_check(lows.index("but"), sentiments)
        return sentiments, idx

    def _phrase_matches(
        self, keys: tuple[str, ...], starts: list[int]
    ) -> list[tuple[int, tuple[str, ...], float]]:
        """The phrases in a text as (position, words, valence); each gives its valence to its
        first word and mutes the others (applied by the caller).

        ``starts``: the positions whose key and the next begin some phrase, in order. Left to right, the
        longest phrase at a position wins and the words it covers start no other phrase."""
        index = self._phrase_index
        found: list[tuple[int, tuple[str, ...], float]] = []
        last = -1
        for i in starts:
            if i <= last:
                continue
            for words, value in index[keys[i], keys[i + 1]]:
                k = len(words)
                if tuple(keys[i : i + k]) == words:
                    found.append((i, words, value))
                    last = i + k - 1
                    break
        return found


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
