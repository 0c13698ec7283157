"""Which themes a text (post, comment, headline) is about. Precision over recall.

A false theme match pollutes every downstream number, so evidence is weighed:

* Cashtags (``$NVDA``, ``$nvda``) are strong evidence: they count for every theme listing the
  ticker, even when the ticker is also a word (``$ARM``, ``$META``).
* A bare ticker counts as a whole word (not ``NVDA_Stock`` or ``nvdaa``). Tickers that are not
  words count in any case (``NVDA``, ``nvda``). Tickers that are also ordinary words (``ARM``,
  ``META``, ``ON``, ``ALL``, ``MAGS`` ...: :data:`AMBIGUOUS_TICKERS` plus a theme's
  ``ambiguous_tickers``) count only in capitals, with market context within two words
  (``META shares``, ``ARM 150c``, ``NVDA, ARM and TSM``), and never in a shouted text.
* ``phrases`` match case-insensitively on word boundaries; ``case_sensitive_phrases`` exactly
  as written (``AI`` but not ``ai``). A phrase never matches inside a cashtag (``$AI`` is the
  C3.ai ticker), and a capitalised word used as a ticker (``AI 30c``, ``AI calls``) is the
  ticker, not the term.
* ``needs_context`` phrases (the bare term ``AI``; "Apple", "Meta") count only when the text has
  market words or other theme evidence: "this post was written by AI" is not about AI stocks,
  "Apple pie recipe" not about the Magnificent Seven. A capitalised company name also counts
  with company words (:data:`COMPANY_WORDS`: "Meta must face lawsuit").
* ``exclude`` phrases: one that overlaps a phrase match removes just that match ("AI Dungeon",
  "Big Apple", "Nikola Tesla"); one elsewhere vetoes the theme's phrase matches ("the film",
  "Denzel" for "The Magnificent Seven"). Cashtags and tickers are never vetoed.
* URLs are removed first: a link's slug is not what the author wrote about.

Weights (:meth:`ThemeMatcher.weights`): a text counts fully (1.0) for every theme it has its own
evidence for (a phrase, ticker or cashtag that names only that theme). A theme matched only by
evidence shared with other themes (NVDA is in both AI stocks and the Magnificent Seven) gets an
equal split of that mention: "NVDA calls printing" is 0.5 AI stocks + 0.5 Magnificent Seven, so
share-of-attention sums do not count one mention twice; "AI stocks rally, NVDA up" is 1.0 AI
stocks + 0.5 Magnificent Seven (about AI stocks; the NVDA mention is split).

All themes are compiled into a handful of regular expressions once (:class:`ThemeMatcher`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from attention.config import Theme

# Real tickers that are everyday words or abbreviations. Bare, they need capitals and context.
AMBIGUOUS_TICKERS = frozenset(
    """
A AI ALL AM AN ARE ARM AT BE BIG BIT BOX CAN CAR CASH CAT COST DD DOG EAT EDIT EV EVER FAST FOR
FUN GO GOOD HAS HE HOLD HOME HOPE IT JOB KEY LIFE LOVE LOW MAGS MAIN MAN META MOM MOVE NEW NEXT
NICE NOW OLD ON ONE OPEN OR OUT PEAK PLAY POST REAL RUN RUT SAFE SEE SHIP SO SUN TALK TECH TRUE
TWO U UP VERY WELL WORK YOU
""".split()
)
# Capitalised words a case-sensitive phrase may collide with in a shouted text (RUT = "in a rut").
# AI is left out: in capitals it is the term AI even when the whole text is shouted.
_WORDLIKE = AMBIGUOUS_TICKERS - {"AI"}
# Words within two words of a bare ambiguous ticker that say "this is the stock".
NEIGHBOUR_WORDS = frozenset(
    """
stock stocks share shares call calls put puts option options earnings ticker price pt position
positions leaps ipo bought buy buying sell selling sold long short holding holders bagholder
bagholders dip rally squeeze chart valuation cap dividend er guidance eps revenue dd
""".split()
)
# Words anywhere in a text that make it about markets (for ``needs_context`` phrases).
MARKET_WORDS = NEIGHBOUR_WORDS | frozenset(
    """
invest invested investing investment investments investor investors trade trades trading
trader traders play plays bubble hype market markets portfolio port undervalued overvalued
mispriced bull bullish bear bearish rally rallies calls puts stonks tendies nasdaq sp500 spy
qqq etf etfs fund funds money profit profits sales semis semiconductor semiconductors capex
""".split()
)
# Words that make a capitalised company name ("Apple", "Meta") the company, when the text has no
# market words: "Meta must face lawsuit", "Apple unplugs electric car project". Not for "AI".
COMPANY_WORDS = frozenset(
    """
company companies ceo boss bosses deal deals lawsuit sues sued sales profit profits revenue
announce announced announces launch launches launched iphone iphones ipad mac
instagram whatsapp facebook supply supplier suppliers competition antitrust acquisition takeover
merger layoffs fined regulator regulators project projects imports tariffs ban banned
""".split()
)
# 150c, 90p, +5%, -3.2%, $120, $1.5B: an options strike, a move or a price next to the symbol.
_STRIKE = re.compile(r"^(?:[+-]?\d+(?:\.\d+)?%|\$\d+(?:\.\d+)?[kmb]?|\d+(?:\.\d+)?[cp])$", re.IGNORECASE)
_TICKER_USE = frozenset({"calls", "puts", "shares", "leaps", "options"})
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z]{1,6}(?:\.[A-Za-z])?)(?![\w])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'&.-]*")
_EDGE = ".,;:!?()[]{}\"'*#"
_SHOUT_MIN_WORDS = 4
_SHOUT_SHARE = 0.7


@dataclass(frozen=True)
class Evidence:
    """One reason a theme matched: kind is cashtag | ticker | phrase | case_phrase."""

    theme: str
    kind: str
    text: str
    start: int = 0
    end: int = 0


def _alternation(items: Iterable[str]) -> str:
    # Longest first so GOOGL wins over GOOG; whitespace in a phrase matches any whitespace run.
    parts = sorted(set(items), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


def _bounded(items: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    alternation = _alternation(items)
    if not alternation:
        return None
    return re.compile(rf"(?<![\w$])(?:{alternation})(?![\w])", flags)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


class ThemeMatcher:
    """All themes' rules compiled once; ``match(text)`` returns the matching theme names."""

    def __init__(self, themes: Mapping[str, Theme]) -> None:
        self.themes = dict(themes)
        phrase: dict[str, set[str]] = {}
        case_phrase: dict[str, set[str]] = {}
        ticker: dict[str, set[str]] = {}
        exclude: dict[str, set[str]] = {}
        self._needs_context: set[tuple[str, str]] = set()  # (theme, normalised phrase)
        ambiguous: set[str] = set(AMBIGUOUS_TICKERS)
        for name, theme in self.themes.items():
            rules = theme.match
            for p in rules.phrases:
                phrase.setdefault(_norm(p), set()).add(name)
            for p in rules.case_sensitive_phrases:
                case_phrase.setdefault(" ".join(p.split()), set()).add(name)
            for t in rules.tickers:
                ticker.setdefault(t, set()).add(name)
            ambiguous.update(rules.ambiguous_tickers)
            for p in rules.exclude:
                exclude.setdefault(_norm(p), set()).add(name)
            self._needs_context.update((name, _norm(p)) for p in rules.needs_context)
        self._phrase, self._case_phrase, self._ticker = phrase, case_phrase, ticker
        self._exclude = exclude
        self._ambiguous = frozenset(ambiguous)
        self._plain_tickers = frozenset(t for t in ticker if t not in self._ambiguous)
        self._phrase_re = _bounded(phrase, re.IGNORECASE)
        self._case_re = _bounded(case_phrase)
        self._plain_re = _bounded(self._plain_tickers, re.IGNORECASE)
        self._ambiguous_re = _bounded(set(ticker) & self._ambiguous)
        self._exclude_re = _bounded(exclude, re.IGNORECASE)

    def match(self, text: str) -> set[str]:
        return {e.theme for e in self.explain(text)}

    def match_many(self, texts: Iterable[str]) -> list[set[str]]:
        return [self.match(t) for t in texts]

    def weights(self, text: str) -> dict[str, float]:
        """Each matched theme's weight for this text (see the module docstring)."""
        return evidence_weights(self.explain(text))

    def explain(self, text: str) -> list[Evidence]:
        """Every piece of evidence that made a theme match, after the collision rules."""
        if not text:
            return []
        text = _URL.sub(" ", text)
        found = self._symbols(text)
        phrases = self._phrases(text)
        if phrases and self._exclude_re is not None:
            phrases = self._apply_exclusions(text, phrases)
        if any((e.theme, _norm(e.text)) in self._needs_context for e in phrases):
            has_context = (
                bool(found)
                or _has_market_words(text)
                or any((e.theme, _norm(e.text)) not in self._needs_context for e in phrases)
            )
            # A capitalised company name ("Apple", "Meta") with company words is the company, and
            # then theme evidence for the other context-needing phrases too ("Apple ... Open AI").
            if not has_context and any(_is_name(e) for e in phrases) and _has_company_words(text):
                has_context = True
            if not has_context:
                phrases = [e for e in phrases if (e.theme, _norm(e.text)) not in self._needs_context]
        return found + phrases

    def _symbols(self, text: str) -> list[Evidence]:
        found: list[Evidence] = []
        for m in _CASHTAG.finditer(text):
            names = self._ticker.get(m.group(1).upper(), ())
            found += [Evidence(n, "cashtag", m.group(), m.start(), m.end()) for n in sorted(names)]
        if self._plain_re is not None:
            for m in self._plain_re.finditer(text):
                names = self._ticker[m.group().upper()]
                found += [Evidence(n, "ticker", m.group(), m.start(), m.end()) for n in sorted(names)]
        if self._ambiguous_re is not None:
            matches = list(self._ambiguous_re.finditer(text))
            if matches and not _is_shouting(text):
                for m in matches:
                    if self._in_market_context(text, m.start(), m.end()):
                        found += [
                            Evidence(n, "ticker", m.group(), m.start(), m.end())
                            for n in sorted(self._ticker[m.group()])
                        ]
        return found

    def _phrases(self, text: str) -> list[Evidence]:
        found: list[Evidence] = []
        if self._phrase_re is not None:
            for m in self._phrase_re.finditer(text):
                names = self._phrase[_norm(m.group())]
                found += [Evidence(n, "phrase", m.group(), m.start(), m.end()) for n in sorted(names)]
        if self._case_re is not None:
            shouting: bool | None = None
            for m in self._case_re.finditer(text):
                phrase = " ".join(m.group().split())
                if phrase in AMBIGUOUS_TICKERS and _used_as_ticker(text, m.end()):
                    continue  # "AI 30c", "AI calls": the ticker AI (C3.ai), not the term
                if phrase in _WORDLIKE:
                    shouting = _is_shouting(text) if shouting is None else shouting
                    if shouting:
                        continue  # an all-caps word like RUT is trusted in mixed-case text only
                found += [
                    Evidence(n, "case_phrase", m.group(), m.start(), m.end())
                    for n in sorted(self._case_phrase[phrase])
                ]
        return found

    def _apply_exclusions(self, text: str, phrases: list[Evidence]) -> list[Evidence]:
        """Overlapping exclusions remove that match; others veto the theme's phrase matches."""
        if self._exclude_re is None:
            return phrases
        vetoed: set[str] = set()
        removed: set[int] = set()
        for m in self._exclude_re.finditer(text):
            for name in self._exclude[_norm(m.group())]:
                hits = [
                    k
                    for k, e in enumerate(phrases)
                    if e.theme == name and e.start < m.end() and m.start() < e.end
                ]
                if hits:
                    removed.update(hits)
                else:
                    vetoed.add(name)
        return [e for k, e in enumerate(phrases) if k not in removed and e.theme not in vetoed]

    def _in_market_context(self, text: str, start: int, end: int) -> bool:
        """A market word, a strike/percent, or another ticker within two words either side."""
        before = text[max(0, start - 48) : start].split()[-2:]
        after = text[end : end + 48].split()[:2]
        for raw in before + after:
            token = raw.strip(_EDGE)
            if token.lower() in NEIGHBOUR_WORDS or _STRIKE.match(token):
                return True
            if token.startswith("$") or token.upper() in self._plain_tickers:
                return True
        return False


def evidence_weights(evidence: list[Evidence]) -> dict[str, float]:
    """1.0 for a theme with evidence of its own; otherwise 1/k for a mention shared by k themes
    (the largest share among its mentions). One span naming k themes is one shared mention."""
    themes_at: dict[tuple[int, int, str], set[str]] = {}
    for e in evidence:
        themes_at.setdefault((e.start, e.end, e.text), set()).add(e.theme)
    weights: dict[str, float] = {}
    for names in themes_at.values():
        share = 1.0 / len(names)
        for name in names:
            weights[name] = max(weights.get(name, 0.0), share)
    return dict(sorted(weights.items()))


def _used_as_ticker(text: str, end: int) -> bool:
    after = text[end : end + 24].split()[:1]
    if not after:
        return False
    token = after[0].strip(_EDGE)
    return token.lower() in _TICKER_USE or bool(_STRIKE.match(token))


def _has_market_words(text: str) -> bool:
    return any(w.strip(_EDGE).lower() in MARKET_WORDS for w in text.split())


def _is_name(evidence: Evidence) -> bool:
    """A capitalised company name (Apple, Meta), not an acronym such as AI."""
    return evidence.kind == "case_phrase" and evidence.text.istitle()


def _has_company_words(text: str) -> bool:
    return any(w.strip(_EDGE).lower() in COMPANY_WORDS for w in text.split())


def _is_shouting(text: str) -> bool:
    """Most words in capitals: then capitals say nothing about tickers."""
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    if len(words) < _SHOUT_MIN_WORDS:
        return False
    upper = sum(1 for w in words if w.isupper())
    return upper >= _SHOUT_SHARE * len(words)


_MATCHERS: dict[int, tuple[Mapping[str, Theme], ThemeMatcher]] = {}


def get_matcher(themes: Mapping[str, Theme]) -> ThemeMatcher:
    """The compiled matcher for this themes mapping (compiled once per mapping object)."""
    cached = _MATCHERS.get(id(themes))
    if cached is None or cached[0] is not themes:
        if len(_MATCHERS) > 16:
            _MATCHERS.clear()
        cached = (themes, ThemeMatcher(themes))
        _MATCHERS[id(themes)] = cached
    return cached[1]


def match_themes(text: str, themes: Mapping[str, Theme]) -> set[str]:
    """Names of the themes ``text`` is about (see the module docstring for the rules)."""
    return get_matcher(themes).match(text)
