"""Trader-language rules that need a window, not a fixed phrase (used by the finance-3 scorer).

* Who lost: "bears got crushed", "shorts are getting squeezed" is good news for the market;
  "bulls got wrecked" is bad. A subject (bears/shorts/bulls/longs) followed within three words
  by a loss word takes a valence by direction and the loss word is muted.
* Option payoffs: "puts on SPY printing" is the market falling, "calls printing" rising. An
  option word followed within three words by a payoff word takes the sign of its direction;
  followed by a loss word ("calls expired worthless") the opposite sign.
* Sarcasm: a text marked "/s", or carrying 🙄 (VADER: "face with rolling eyes"), means the
  opposite of its words; the compound flips sign at half strength (see :func:`apply_sarcasm`).

Every rule has a test sentence in tests/unit/test_trader_rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from attention.sentiment.vader_rules import Scores

WINDOW = 3
# +1: a loss for this side is good for prices; -1: bad for prices.
LOSING_SIDE = {"bears": 1, "bear": 1, "shorts": 1, "shorters": 1, "bulls": -1, "bull": -1, "longs": -1}
LOSS_WORDS = frozenset(
    """crushed rekt wrecked destroyed burned burnt slaughtered liquidated squeezed obliterated
    decimated killed fucked fuk rekted roasted trapped demolished annihilated""".split()
)
OPTION_SIDE = {"calls": 1, "call": 1, "puts": -1, "put": -1, "leaps": 1}
PAYOFF_WORDS = frozenset("printing print prints printed paid paying mooning itm tendies".split())
OPTION_LOSS_WORDS = frozenset("worthless expired rekt dead fucked evaporated".split())
# Keys that can start a window rule: the engine skips the rules for texts without one.
TRIGGERS = frozenset(LOSING_SIDE) | frozenset(OPTION_SIDE)
SIDE_VALENCE = 2.0
OPTION_VALENCE = 1.8
SARCASM_TOKENS = frozenset({"/s"})
SARCASM_PHRASE = "face with rolling eyes"
SARCASM_STRENGTH = 0.5


def apply_window_rules(
    keys: Sequence[str], vals: list, boosts: list, negs: list, fired: list[str] | None
) -> None:
    """Set valences in place for the window rules above (keys: lowercase, punctuation-stripped)."""
    n = len(keys)
    for i, key in enumerate(keys):
        side = LOSING_SIDE.get(key)
        option = OPTION_SIDE.get(key) if side is None else None
        if side is None and option is None:
            continue
        for j in range(i + 1, min(n, i + 1 + WINDOW)):
            word = keys[j]
            if side is not None and word in LOSS_WORDS:
                _set(vals, boosts, negs, i, j, side * SIDE_VALENCE)
            elif option is not None and word in PAYOFF_WORDS:
                _set(vals, boosts, negs, i, j, option * OPTION_VALENCE)
            elif option is not None and word in OPTION_LOSS_WORDS:
                _set(vals, boosts, negs, i, j, -option * OPTION_VALENCE)
            else:
                continue
            if fired is not None:
                fired.append(f"{key} ... {word}")
            break


def _set(vals: list, boosts: list, negs: list, i: int, j: int, value: float) -> None:
    vals[i], boosts[i], negs[i] = value, None, False
    vals[j], boosts[j], negs[j] = None, None, False


def is_sarcastic(lows: Sequence[str], text: str) -> bool:
    return any(w in SARCASM_TOKENS for w in lows[-3:]) or SARCASM_PHRASE in text


def apply_sarcasm(scores: Scores) -> Scores:
    """The literal score turned around: sign flipped at half strength, pos and neg swapped."""
    neg, neu, pos, compound = scores
    return (pos, neu, neg, round(-SARCASM_STRENGTH * compound, 4))
