"""Golden equivalence with vaderSentiment 3.3.2 on every real text we have, and the paper's check.

Corpora: VADER's four ground-truth sets (23,703 texts) and r/wallstreetbets titles, bodies and
comments (~14,000 texts) from ../shared/data. Every output must be identical, all texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy import stats
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from attention.sentiment.corpora import (
    GROUNDTRUTH_FILES,
    read_vader_groundtruth,
    read_wsb_texts,
)
from attention.sentiment.scorer import SentimentScorer, _engine

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def reference() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _assert_identical(texts: list[tuple[str, str]], reference: SentimentIntensityAnalyzer) -> None:
    _engine.cache_clear()  # a new engine: filling the token cache is part of what is tested
    ours = SentimentScorer("vader")
    frame = ours.score([t for _, t in texts])
    mismatches = [
        (ident, text[:80], expected, got)
        for (ident, text), got in zip(texts, frame.to_dict("records"), strict=True)
        if (expected := reference.polarity_scores(text)) != got
    ]
    assert not mismatches, f"{len(mismatches)} of {len(texts)} differ, e.g. {mismatches[:3]}"


@pytest.mark.parametrize("corpus", sorted(GROUNDTRUTH_FILES))
def test_groundtruth_corpus_identical(
    shared_data: Path, corpus: str, reference: SentimentIntensityAnalyzer
) -> None:
    rows = read_vader_groundtruth(shared_data / "vader_groundtruth", corpus)
    assert len(rows) > 3000
    _assert_identical([(r.id, r.text) for r in rows], reference)


@pytest.mark.slow
def test_wallstreetbets_texts_identical(shared_data: Path, reference: SentimentIntensityAnalyzer) -> None:
    texts = read_wsb_texts(shared_data / "reddit_wsb_posts")
    assert len(texts) > 10_000
    _assert_identical(texts, reference)


def test_wallstreetbets_identical_through_worker_processes(
    shared_data: Path, reference: SentimentIntensityAnalyzer
) -> None:
    texts = [t for _, t in read_wsb_texts(shared_data / "reddit_wsb_posts")[:6000]]
    frame = SentimentScorer("vader").score(texts, processes=2)
    assert frame.to_dict("records") == [reference.polarity_scores(t) for t in texts]


def test_paper_check_tweets_pearson(shared_data: Path) -> None:
    """Hutto & Gilbert's validation: compound vs the tweets' mean human rating.
    vaderSentiment 3.3.2 gives r = 0.872 (the paper reports 0.881 for the 2014 code)."""
    rows = read_vader_groundtruth(shared_data / "vader_groundtruth", "tweets")
    assert len(rows) == 4200
    compound = SentimentScorer("vader").score([r.text for r in rows])["compound"]
    r = stats.pearsonr(compound, [row.rating for row in rows])[0]
    assert round(r, 3) == 0.872
