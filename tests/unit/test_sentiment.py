"""SentimentScorer: every VADER rule against vaderSentiment itself, batch scoring, errors."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from attention.errors import ItemError
from attention.sentiment.scorer import SentimentScorer, get_scorer, vader_version


@pytest.fixture(scope="module")
def reference() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def vader() -> SentimentScorer:
    return SentimentScorer("vader")


# One or more sentences per rule of vaderSentiment 3.3.2, including its quirks.
RULE_CASES = {
    "plain": ["The book was good.", "The book was bad.", "A table."],
    "empty": ["", "   ", "\n\t", "!!!", "??"],
    "booster": [
        "VADER is very smart.",
        "It was extremely bad",
        "It is kinda good",
        "sort of good",
        "It was just enough good",
    ],
    "kind_of": ["The book was only kind of good.", "kind of", "so kind of you"],
    "caps": [
        "VADER is VERY SMART, handsome, and FUNNY.",
        "Today SUX!",
        "GOOD",
        "GOOD GREAT",
        "NO good news",
        "it is VERY bad",
    ],
    "negation": [
        "VADER is not smart, handsome, nor funny.",
        "It isn't good",
        "I don't not like it",
        "never good",
        "It is not really very good",
        "Not bad at all",
        "aint bad",
    ],
    "never_so_this": [
        "Sentiment analysis has never been this good!",
        "never so good",
        "never this bad",
        "It was so good",
        "this so this good",
    ],
    "without_doubt": [
        "Without a doubt, excellent idea.",
        "without doubt good",
        "without any doubt good",
        "without good",
    ],
    "no": ["no good", "no problem", "no", "no no good", "no love or hate", "no, or nor good"],
    "least": [
        "Roger Dodger is one of the least compelling variations on this theme.",
        "at least compelling",
        "very least good",
        "least good",
    ],
    "but": [
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "good good but good good",
        "bad but bad but good",
        "but good",
        "good but",
    ],
    "idioms": [
        "With VADER, sentiment analysis is the shit!",
        "On the other hand, VADER is quite bad ass",
        "This party was the bomb",
        "yeah right that is great",
        "it was a kiss of death for the good plan",
        "a cake to die for",
        "the bus stop was nice",
        "beating heart love",
    ],
    "punctuation": ["good!", "good!!!!!!", "bad??", "bad????", "good?", "ok!?!?"],
    "emoji": [
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "😁good",
        "good😁😁",
        "😁 😁",
        "©2024 great",
        "x💩y",
        "🚀🚀🚀 to the moon",
    ],
    "emoticons": ["Make sure you :) or :D today!", ":( sad", "<3", ":-)"],
    "punct_tokens": ["'good'", "--bad--", "a... ok", "(great)", "..."],
}


@pytest.mark.parametrize("rule,text", [(r, t) for r, ts in RULE_CASES.items() for t in ts])
def test_each_rule_matches_vadersentiment(
    rule: str, text: str, vader: SentimentScorer, reference: SentimentIntensityAnalyzer
) -> None:
    assert vader.polarity_scores(text) == reference.polarity_scores(text), rule


WORDS = [
    "good",
    "bad",
    "not",
    "no",
    "never",
    "so",
    "this",
    "but",
    "BUT",
    "very",
    "VERY",
    "kind",
    "of",
    "least",
    "at",
    "without",
    "doubt",
    "the",
    "shit",
    "GREAT",
    "or",
    "nor",
    "isn't",
    "love",
    "hate",
    ":)",
    "😁",
    "!",
    "?",
    "sort",
    "kinda",
    "bad",
    "ass",
    "a",
    "LOL",
    "yeah",
    "right",
    "Good!",
    "(bad)",
    "barely",
    "hardly",
    "don't",
    "nope",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14), st.sampled_from([" ", "  ", "\n", ""]))
def test_random_token_soup_matches_vadersentiment(words: list[str], sep: str) -> None:
    text = sep.join(words)
    assert get_scorer("vader").polarity_scores(text) == _REFERENCE.polarity_scores(text)


_REFERENCE = SentimentIntensityAnalyzer()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_matches_vadersentiment(text: str) -> None:
    assert get_scorer("vader").polarity_scores(text) == _REFERENCE.polarity_scores(text)


def test_score_returns_frame_in_input_order(
    vader: SentimentScorer, reference: SentimentIntensityAnalyzer
) -> None:
    texts = ["great day", "awful day", "a day", "great day"]
    frame = vader.score(texts)
    assert list(frame.columns) == ["neg", "neu", "pos", "compound"]
    assert frame.to_dict("records") == [reference.polarity_scores(t) for t in texts]


def test_score_keeps_a_series_index(vader: SentimentScorer) -> None:
    series = pd.Series(["good", "bad"], index=["t3_a", "t1_b"])
    frame = vader.score(series)
    assert list(frame.index) == ["t3_a", "t1_b"]
    assert frame.loc["t3_a", "compound"] > 0 > frame.loc["t1_b", "compound"]


def test_score_accepts_generators_and_empty_input(vader: SentimentScorer) -> None:
    assert len(vader.score(t for t in ["good", "bad"])) == 2
    empty = vader.score([])
    assert empty.empty and list(empty.columns) == ["neg", "neu", "pos", "compound"]


def test_non_text_is_a_clear_item_error(vader: SentimentScorer) -> None:
    with pytest.raises(ItemError, match=r"text #1 is float.*fill them with ''"):
        vader.score(["fine", float("nan")])


def test_worker_processes_give_the_same_frame(vader: SentimentScorer) -> None:
    texts = [f"{w} stock {k}" for k in range(1500) for w in ("good", "bad", "NOT good")]
    serial = vader.score(texts, processes=1)
    parallel = vader.score(texts, processes=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_small_batches_stay_in_process(vader: SentimentScorer) -> None:
    assert vader._workers(10, None) == 1
    assert vader._workers(10_000_000, None) >= 1
    assert SentimentScorer("vader", processes=2)._workers(50_000, None) == 2


def test_versions_name_the_lexicon() -> None:
    assert SentimentScorer("vader").version == f"vader-{vader_version()}" == "vader-3.3.2"
    assert SentimentScorer("finance").version == "finance-2"


def test_unknown_lexicon_is_a_config_error() -> None:
    from attention.errors import ConfigError

    with pytest.raises(ConfigError, match="analysis.sentiment_lexicon"):
        SentimentScorer("loughran")


def test_get_scorer_is_cached() -> None:
    assert get_scorer("finance") is get_scorer("finance")
