"""annotate_items: themes + sentiment + lexicon version on TextItems, unscoreable items kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from attention.config import Config, load_config
from attention.scoring import annotate_items, scorer_for
from attention.sentiment.scorer import SentimentScorer
from collectors.core.records import Provenance, TextItem

NOW = dt.datetime(2024, 7, 1, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(Path(__file__).resolve().parents[2] / "config.yaml")


def item(item_id: str, title: str, body: str = "", scoreable: bool = True) -> TextItem:
    return TextItem(
        source="reddit",
        item_id=item_id,
        kind="post",
        created_utc=NOW,
        title=title,
        body=body,
        url=None,
        scoreable=scoreable,
        provenance=Provenance("https://example.invalid", "test", NOW),
    )


def test_items_get_themes_scores_and_version(config: Config) -> None:
    items = [
        item("t3_a", "NVDA calls printing", "Best day ever!"),
        item("t3_b", "Small caps look awful"),
        item("t3_c", "Lunch thread"),
    ]
    out = annotate_items(items, config)
    assert [i.item_id for i in out] == ["t3_a", "t3_b", "t3_c"]
    assert out[0].themes == ("ai_stocks", "magnificent_seven")
    assert out[0].theme_weights == (0.5, 0.5)  # NVDA alone: one mention split between its baskets
    assert out[1].theme_weights == (1.0,) and out[2].theme_weights == ()
    assert out[1].themes == ("small_caps",) and out[2].themes == ()
    assert out[0].compound > 0 > out[1].compound
    assert {i.lexicon_version for i in out} == {"finance-3"}  # config.yaml's lexicon
    assert items[0].themes == () and items[0].compound is None  # inputs are not modified


def test_unscoreable_items_get_themes_but_no_sentiment(config: Config) -> None:
    out = annotate_items([item("t3_d", "Sold my $TSLA", "[removed]", scoreable=False)], config)
    assert out[0].themes == ("magnificent_seven",)
    assert (out[0].neg, out[0].neu, out[0].pos, out[0].compound) == (None,) * 4
    assert out[0].lexicon_version is None


def test_vader_lexicon_gives_exact_vader_scores(config: Config) -> None:
    text_item = item("t1_e", "Not bad at all", "but the ending was TERRIBLE!!")
    out = annotate_items([text_item], config, SentimentScorer("vader"))
    expected = SentimentIntensityAnalyzer().polarity_scores(text_item.text)
    assert (out[0].neg, out[0].neu, out[0].pos, out[0].compound) == (
        expected["neg"],
        expected["neu"],
        expected["pos"],
        expected["compound"],
    )
    assert out[0].lexicon_version == "vader-3.3.2"


def test_repeated_texts_score_identically(config: Config) -> None:
    out = annotate_items([item("t1_x", "to the moon"), item("t1_y", "to the moon")], config)
    assert out[0].compound == out[1].compound and out[0].item_id != out[1].item_id


def test_lexicon_comes_from_config(config: Config) -> None:
    vader_config = config.model_copy(
        update={"analysis": config.analysis.model_copy(update={"sentiment_lexicon": "vader"})}
    )
    assert scorer_for(vader_config).version == "vader-3.3.2"
    assert scorer_for(config) is scorer_for(config)


def test_empty_batch(config: Config) -> None:
    assert annotate_items([], config) == []
