"""The finance overlay: words, phrases, VADER's rules on top, reporting, lexicon validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from attention.errors import ConfigError
from attention.sentiment.finance_overlay import load_finance_lexicon
from attention.sentiment.scorer import SentimentScorer, get_scorer


@pytest.fixture(scope="module")
def finance() -> SentimentScorer:
    return get_scorer("finance")


@pytest.fixture(scope="module")
def vader() -> SentimentScorer:
    return get_scorer("vader")


def compound(scorer: SentimentScorer, text: str) -> float:
    return scorer.polarity_scores(text)["compound"]


@pytest.mark.parametrize(
    "text,sign",
    [
        ("Shares soar after Nvidia beats estimates", 1),
        ("Stock plunges as company cuts guidance", -1),
        ("Analyst upgrades Apple to overweight", 1),
        ("Morgan Stanley downgrades Tesla", -1),
        ("I'm bullish on small caps", 1),
        ("Very bearish on tech here", -1),
        ("Bought calls, this is going to the moon 🚀🚀", 1),
        ("Loaded up on puts before earnings", -1),
        ("Another bagholder of this rug pull", -1),
        ("Retailer files for bankruptcy", -1),
        ("Chipmaker rallies to record high", 1),
        ("Oil selloff deepens", -1),
        # version 2 entries
        ("Retailer swung to a loss in the third quarter", -1),
        ("Bank raised its forecast for the year", 1),
        ("Rate fears weighed on small caps", -1),
        ("Margins deteriorated as demand softness spread", -1),
        ("Chipmaker returned to profit", 1),
        ("Nasdaq slides into correction territory", -1),
        ("Analysts see limited upside for the stock", -1),
        ("Automaker halted production and laid off 2,000 workers", -1),
    ],
)
def test_market_language_gets_the_right_sign(finance: SentimentScorer, text: str, sign: int) -> None:
    assert compound(finance, text) * sign > 0.05


def test_vader_misses_what_the_overlay_catches(vader: SentimentScorer, finance: SentimentScorer) -> None:
    # Plain VADER calls these neutral or gets the sign wrong; that is why the overlay exists.
    # "shares" is +1.2 in VADER and "plunge" is unknown: a crash headline comes out positive.
    assert compound(vader, "Shares plunge after earnings") > 0.05
    assert compound(finance, "Shares plunge after earnings") < -0.05
    assert compound(vader, "Crude inventories") < 0 == compound(finance, "Crude inventories")


@pytest.mark.parametrize(
    "text",
    [
        "Magnificent Seven earnings this week",
        "The Magnificent 7 and artificial intelligence",
        "Advanced Micro Devices and Super Micro report on Tuesday",
        "Natural gas futures and the fair value of securities",
    ],
)
def test_names_of_themes_and_instruments_carry_no_sentiment(
    finance: SentimentScorer, vader: SentimentScorer, text: str
) -> None:
    # VADER reads "magnificent" (2.9), "intelligence" (2.1), "super" (2.9) as praise, so every
    # mention of our Mag 7 and AI themes would lean positive before saying anything.
    assert compound(vader, text) > 0.05
    assert compound(finance, text) == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "Correction: an earlier version misstated the date",  # not a market correction
        "Infosys Limited files its annual report",  # VADER: limited -0.9
        "Shoppers stock up on supplies",  # not "stock up 3%"
    ],
)
def test_everyday_uses_of_market_words_stay_neutral(finance: SentimentScorer, text: str) -> None:
    assert compound(finance, text) == 0.0


def test_phrase_is_one_unit_under_negation(finance: SentimentScorer) -> None:
    assert compound(finance, "Results beat expectations") > 0.3
    assert compound(finance, "Results did not beat expectations") < 0


def test_phrase_ignores_edge_punctuation_and_case(finance: SentimentScorer) -> None:
    a = finance.explain("Q2 results: Beat Expectations!")
    assert "beat expectations" in a.fired and a.scores["compound"] > 0


@pytest.mark.parametrize("text", ["beat estimates", "Nvidia beat estimates", "beat estimates, again"])
def test_phrase_found_at_the_start_end_or_as_the_whole_text(finance: SentimentScorer, text: str) -> None:
    assert finance.explain(text).fired == ("beat estimates",)


def test_a_phrase_first_word_alone_is_no_phrase(finance: SentimentScorer) -> None:
    assert "beat estimates" not in finance.explain("estimates beat").fired
    assert "beat estimates" not in finance.explain("they beat").fired


def test_longest_phrase_wins(finance: SentimentScorer) -> None:
    fired = finance.explain("going to the moon").fired
    assert fired == ("to the moon",)


def test_neutral_phrases_mute_their_words(finance: SentimentScorer) -> None:
    explained = finance.explain("short interest is high")
    assert explained.fired == ("short interest",) and explained.scores["compound"] == 0.0
    assert compound(finance, "short term outlook") == 0.0


def test_explain_reports_words_and_phrases(finance: SentimentScorer) -> None:
    explained = finance.explain("Bullish: shares surge after the short squeeze")
    assert explained.fired == ("short squeeze", "bullish", "shares", "surge")
    assert "overlay entries fired: short squeeze" in explained.summary()


def test_plain_vader_reports_nothing(vader: SentimentScorer) -> None:
    assert vader.explain("bullish surge").fired == ()


def test_overlay_keeps_vader_rules_for_other_words(finance: SentimentScorer, vader: SentimentScorer) -> None:
    text = "The movie was not good, but the popcorn was GREAT!!"
    assert finance.polarity_scores(text) == vader.polarity_scores(text)


def test_bundled_lexicon_is_valid_and_versioned() -> None:
    lex = load_finance_lexicon()
    assert lex.tag == "finance-2"
    assert {
        "bullish",
        "bearish",
        "moon",
        "bagholder",
        "downgrade",
        "upgrade",
        "calls",
        "puts",
        "short",
        "selloff",
        "rally",
    } <= set(lex.words)
    assert {("rug", "pull"), ("guidance", "cut"), ("beat", "expectations"), ("miss", "expectations")} <= set(
        lex.phrases
    )


@pytest.mark.parametrize(
    "body,message",
    [
        ("version: 1\nwords: {bullish: high}\n", "valence must be a number"),
        ("version: 1\nwords: {bullish: 9}\n", "outside VADER's scale"),
        ("version: 1\nwords: {'rug pull': -2}\n", "move multi-word entries to 'phrases'"),
        ("version: 1\nphrases: {moon: 2}\n", "move single words to 'words'"),
        ("words: {}\n", "integer 'version'"),
        ("version: 1\nwords: [a, b]\n", "must be a mapping"),
        ("version: [\n", "not valid YAML"),
        ("version: 1\nwords: {moon: 2, moon: -1}\n", "'moon' appears twice"),
        ("version: 1\nphrases: {'rug pull': -2, 'rug  pull': -1}\n", "spacing differs"),
    ],
)
def test_bad_lexicon_files_fail_clearly(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "lex.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_finance_lexicon(path)


def test_missing_lexicon_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        SentimentScorer("finance", lexicon_path=tmp_path / "nope.yaml")


def test_custom_lexicon_path_is_used(tmp_path: Path) -> None:
    path = tmp_path / "lex.yaml"
    path.write_text("version: 7\nwords: {widget: 2.0}\nphrases: {gizmo fail: -2}\n")
    scorer = SentimentScorer("finance", lexicon_path=path)
    assert scorer.version == "finance-7"
    assert compound(scorer, "widget") > 0 > compound(scorer, "total gizmo fail")
