"""Sentiment scoring: exactly VADER (vaderSentiment 3.3.2), VADER plus our finance overlay
(``finance``, version finance-2), or the overlay with trader rules blended with a learned model
(``finance-3``, :mod:`attention.sentiment.finance3`).

>>> scorer = SentimentScorer("vader")
>>> scorer.polarity_scores("VADER is smart, handsome, and funny.")["compound"]
0.8316
>>> SentimentScorer("finance").version
'finance-2'
>>> SentimentScorer("finance-3").version
'finance-3'

``SentimentScorer("vader")`` returns what ``vaderSentiment``'s analyzer returns for every text
(tests/replay/test_vader_golden.py checks ~38,000 real texts), only faster (see
:mod:`attention.sentiment.vader_engine` and benchmarks/sentiment_speed.py). ``score(texts)`` scores a batch
into a DataFrame; large batches are spread over worker processes, small ones stay in-process.
The workers outlive a call (:mod:`attention.sentiment.workers`), so their token caches stay warm
across the batches of a long backfill. Installed from a wheel, VADER's rules run compiled
(:func:`rules_compiled`; see setup.py).
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from attention.errors import ConfigError, ItemError
from attention.sentiment import finance3, vader_engine, vader_rules
from attention.sentiment.finance3 import VERSION as FINANCE3_VERSION
from attention.sentiment.finance3 import Finance3Engine
from attention.sentiment.finance_overlay import load_finance_lexicon
from attention.sentiment.vader_engine import VaderEngine, load_vader_emojis, load_vader_lexicon
from attention.sentiment.workers import score_in_workers

LEXICONS = ("vader", "finance", "finance-3")
COLUMNS = ["neg", "neu", "pos", "compound"]
# Below this many texts a batch is scored in-process: starting workers costs more than it saves.
PARALLEL_THRESHOLD = 20_000


@dataclass(frozen=True)
class Explanation:
    """A score and the overlay entries (words, phrases) that set a valence in the text."""

    scores: dict[str, float]
    fired: tuple[str, ...]

    def summary(self) -> str:
        fired = ", ".join(self.fired) if self.fired else "none"
        return f"compound {self.scores['compound']:+.4f}; overlay entries fired: {fired}"


def vader_version() -> str:
    return metadata.version("vaderSentiment")


class SentimentScorer:
    """Scores texts with ``lexicon`` "vader" (exact vaderSentiment), "finance" (overlay) or
    "finance-3" (overlay + trader rules + learned model).

    ``processes`` caps the worker processes for large batches (default: the usable cores);
    ``parallel_threshold`` is the batch size from which workers are used.
    """

    def __init__(
        self,
        lexicon: str = "vader",
        *,
        processes: int | None = None,
        parallel_threshold: int = PARALLEL_THRESHOLD,
        lexicon_path: str | Path | None = None,
    ) -> None:
        if lexicon not in LEXICONS:
            raise ConfigError(
                f"unknown sentiment lexicon {lexicon!r}; use one of {LEXICONS} "
                "(analysis.sentiment_lexicon in config.yaml)"
            )
        if lexicon != "finance" and lexicon_path is not None:
            raise ConfigError("lexicon_path applies to the finance overlay (lexicon 'finance') only")
        self.lexicon = lexicon
        self.lexicon_path = str(lexicon_path) if lexicon_path is not None else None
        self.processes = processes
        self.parallel_threshold = parallel_threshold
        self._engine = _engine(lexicon, self.lexicon_path)
        self.version = _version(lexicon, self.lexicon_path)

    def __repr__(self) -> str:
        return f"SentimentScorer({self.lexicon!r}, version={self.version!r})"

    def polarity_scores(self, text: str) -> dict[str, float]:
        """{"neg", "neu", "pos", "compound"}, as vaderSentiment's analyzer returns them."""
        return self._engine.polarity_scores(text)

    def explain(self, text: str) -> Explanation:
        """The score plus which finance overlay entries fired (none for plain VADER)."""
        scores, fired = self._engine.explain(_checked(text, 0))
        return Explanation(dict(zip(COLUMNS, scores, strict=True)), tuple(fired))

    def score(self, texts: Iterable[str], *, processes: int | None = None) -> pd.DataFrame:
        """A DataFrame with columns neg, neu, pos, compound, one row per text, in input order."""
        index = texts.index if isinstance(texts, pd.Series) else None
        if isinstance(texts, pd.Series) or not isinstance(texts, Sequence):
            batch: Sequence[str] = list(texts)
        else:
            batch = texts
        for i, text in enumerate(batch):
            _checked(text, i)
        workers = self._workers(len(batch), processes)
        key = (self.lexicon, self.lexicon_path)
        if workers <= 1:
            flat = _score_chunk(key, batch)
        else:
            flat = score_in_workers(_score_chunk, key, batch, workers)
        frame = pd.DataFrame(
            np.frombuffer(flat, dtype=np.float64).reshape(-1, len(COLUMNS)), columns=COLUMNS, copy=True
        )
        if index is not None:
            frame.index = index
        return frame

    def _workers(self, n: int, processes: int | None) -> int:
        wanted = processes if processes is not None else self.processes
        if wanted is None:
            # Every large batch gets the same count, so the kept workers are reused.
            return 1 if n < self.parallel_threshold else usable_cores()
        return max(1, min(wanted, math.ceil(n / 1000)))


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def rules_compiled() -> bool:
    """Whether VADER's rules run as compiled extensions (a wheel install: setup.py compiles
    them with mypyc) or as Python (an editable install, ``ATTENTION_PURE_PYTHON=1``, or no C
    compiler at build time). Same outputs either way; speed figures say which they measured."""
    modules = (vader_engine, vader_rules, finance3)
    return not any(str(module.__file__).endswith(".py") for module in modules)


@lru_cache(maxsize=8)
def get_scorer(lexicon: str = "vader", lexicon_path: str | None = None) -> SentimentScorer:
    """A shared scorer per lexicon: building one reads a 430 KB lexicon."""
    return SentimentScorer(lexicon, lexicon_path=lexicon_path)


def _checked(text: object, i: int) -> str:
    if not isinstance(text, str):
        raise ItemError(
            f"text #{i} is {type(text).__name__} ({text!r:.40}), not str: drop "
            "missing texts or fill them with '' before scoring"
        )
    return text


@lru_cache(maxsize=8)
def _engine(lexicon: str, lexicon_path: str | None) -> VaderEngine | Finance3Engine:
    if lexicon == "finance-3":
        return Finance3Engine()
    base, emojis = _vader_files()
    if lexicon == "vader":
        return VaderEngine(base, emojis)
    overlay = load_finance_lexicon(lexicon_path)
    return VaderEngine(base, emojis, overlay=overlay.words, phrases=overlay.phrases)


@lru_cache(maxsize=1)
def _vader_files() -> tuple[dict[str, float], dict[str, str]]:
    return load_vader_lexicon(), load_vader_emojis()


def _version(lexicon: str, lexicon_path: str | None) -> str:
    if lexicon == "vader":
        return f"vader-{vader_version()}"
    if lexicon == "finance-3":
        return FINANCE3_VERSION
    return load_finance_lexicon(lexicon_path).tag


def _score_chunk(key: tuple[str, str | None], texts: Sequence[str]) -> array:
    """neg, neu, pos, compound of each text, flat; in a worker, the engine (and its token cache)
    is built once per worker process."""
    engine = _engine(*key)
    if isinstance(engine, Finance3Engine):
        flat = array("d")
        flat.frombytes(np.ascontiguousarray(engine.score_many(texts), dtype=np.float64).tobytes())
        return flat
    scores = engine.scores
    flat = array("d")
    extend = flat.extend
    for text in texts:
        extend(scores(text))
    return flat
