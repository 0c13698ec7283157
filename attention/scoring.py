"""Annotate collected text items with themes and sentiment, in batches, before they are stored.

``annotate_items`` returns new items (``dataclasses.replace``) with ``themes`` and their
``theme_weights`` (see :mod:`attention.themes`), ``neg``/``neu``/
``pos``/``compound`` and ``lexicon_version`` set. Items whose body was deleted or removed
(``scoreable=False``) still get themes from the text that remains (usually the title) but no
sentiment, so "[removed]" never drags a theme's mood toward neutral.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from attention.config import Config
from attention.sentiment.scorer import SentimentScorer, get_scorer
from attention.themes import get_matcher
from collectors.core.records import TextItem


def scorer_for(config: Config) -> SentimentScorer:
    """The shared scorer for ``analysis.sentiment_lexicon`` (built once per process)."""
    return get_scorer(config.analysis.sentiment_lexicon)


def annotate_items(
    items: Sequence[TextItem],
    config: Config,
    scorer: SentimentScorer | None = None,
    *,
    match_themes: bool = True,
) -> list[TextItem]:
    """Items with themes, sentiment and the lexicon version filled in, in input order.

    ``match_themes=False``: the items already carry the themes the caller matched (the dump
    import matches first to drop off-theme lines); keep them rather than match every text twice.
    """
    scorer = scorer or scorer_for(config)
    matcher = get_matcher(config.themes) if match_themes else None
    texts = [item.text for item in items]
    # Score each distinct scoreable text once (reposts and cross-posted headlines repeat).
    unique = list(dict.fromkeys(t for t, item in zip(texts, items, strict=True) if item.scoreable))
    frame = scorer.score(unique)
    scores = {
        text: tuple(float(v) for v in row)
        for text, row in zip(unique, frame.itertuples(index=False, name=None), strict=True)
    }
    out: list[TextItem] = []
    for item, text in zip(items, texts, strict=True):
        if matcher is not None:
            weights = matcher.weights(text)
            themes, theme_weights = tuple(weights), tuple(weights.values())
        else:
            themes, theme_weights = item.themes, item.theme_weights
        if item.scoreable:
            neg, neu, pos, compound = scores[text]
            out.append(
                dataclasses.replace(
                    item,
                    themes=themes,
                    theme_weights=theme_weights,
                    neg=neg,
                    neu=neu,
                    pos=pos,
                    compound=compound,
                    lexicon_version=scorer.version,
                )
            )
        else:
            out.append(
                dataclasses.replace(
                    item,
                    themes=themes,
                    theme_weights=theme_weights,
                    neg=None,
                    neu=None,
                    pos=None,
                    compound=None,
                    lexicon_version=None,
                )
            )
    return out
