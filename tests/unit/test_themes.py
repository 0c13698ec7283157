"""Theme matching rules, one by one, on the default config and on small custom themes."""

from __future__ import annotations

from pathlib import Path

import pytest

from attention.config import Theme, load_config
from attention.themes import ThemeMatcher, get_matcher, match_themes

S, A, M = "small_caps", "ai_stocks", "magnificent_seven"


@pytest.fixture(scope="module")
def matcher() -> ThemeMatcher:
    path = Path(__file__).resolve().parents[2] / "config.yaml"
    return ThemeMatcher(load_config(path).themes)


def theme(**match: list[str]) -> Theme:
    return Theme.model_validate(
        {"label": "T", "search_terms": ["t"], "match": match, "proxy": {"etf": "SPY"}}
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        # cashtags: strong evidence, any case, even for word-like tickers
        ("$NVDA to the moon", {A, M}),
        ("loaded $nvda", {A, M}),
        ("$META looks cheap", {M}),
        ("$ARM earnings", {A}),
        ("$IWMX rallies", set()),
        # bare tickers: whole words only
        ("NVDA calls", {A, M}),
        ("nvda calls", {A, M}),
        ("r/NVDA_Stock is wild", set()),
        ("NVDAX fund", set()),
        ("GOOGL and GOOG", {M}),
        # word-like tickers need capitals and market context, and no shouting
        ("I hurt my arm", set()),
        ("I hurt my ARM", set()),
        ("ARM 150c expiring Friday", {A}),
        ("bought ARM shares", {A}),
        ("MU, NVDA, ARM, TSM", {A, M}),
        ("that is so meta", set()),
        ("META shares up", {M}),
        ("THE META IS STRONG WITH THIS ONE TODAY", set()),
        ("BUYING META SHARES NOW BOYS", set()),
        ("my mags are full of ammo", set()),
        # tickers that are common words are never theme evidence unless a theme lists them
        ("Come ON, it is ALL going to GO up NOW", set()),
        # phrases: case-insensitive, word boundaries
        ("Small caps are cheap", {S}),
        ("small-cap value", {S}),
        ("The Russell 2000 fell", {S}),
        ("smallcapital letters", set()),
        ("Magnificent Seven rally", {M}),
        ("mag 7 calls", {M}),
        ("Mag7 is crowded", {M}),
        # case-sensitive phrases
        ("AI stocks are in a bubble", {A}),
        ("RUT down 2% today", {S}),
        ("stuck IN A RUT AGAIN WHAT NOW", set()),
        # the word AI vs the ticker AI (C3.ai)
        ("$AI earnings tomorrow", set()),
        ("Bought AI 30c", set()),
        ("AI calls printing", set()),
        ("the AI trade is crowded", {A}),
        # needs_context: the bare term AI counts only with market words or other evidence
        ("this post was written by AI", set()),
        ("ai is overrated", set()),
        ("AI is the only thing holding this market up", {A}),
        ("MSFT fumbled the AI bag", {A, M}),
        # exclusions: overlapping removes that match, elsewhere vetoes phrases, never tickers
        ("The Magnificent Seven with Denzel was great", set()),
        ("Watched the film Magnificent Seven", set()),
        ("Mag 7 earthquake hits coast", set()),
        ("Mag 7 rally while I watched the movie, $NVDA up", {A, M}),
        ("AI Dungeon is fun", set()),
        ("# AI Discussion Summary - MU and NVIDIA will be green", {A, M}),
        ("Nikola Tesla invented AC", set()),
        ("Tesla deliveries beat", {M}),
        ("Big Apple real estate", set()),
        ("Apple is my biggest position", {M}),
        ("an apple a day", set()),
        # URLs are not text
        ("see https://example.com/nvidia-small-cap-stocks", set()),
    ],
)
def test_rules(matcher: ThemeMatcher, text: str, expected: set[str]) -> None:
    assert matcher.match(text) == expected


def test_explain_names_each_piece_of_evidence(matcher: ThemeMatcher) -> None:
    kinds = {(e.theme, e.kind, e.text) for e in matcher.explain("$NVDA and small caps")}
    assert kinds == {(A, "cashtag", "$NVDA"), (M, "cashtag", "$NVDA"), (S, "phrase", "small caps")}


def test_empty_text_matches_nothing(matcher: ThemeMatcher) -> None:
    assert matcher.match("") == set()
    assert matcher.match_many(["", "IWM"]) == [set(), {S}]


def test_custom_ambiguous_ticker_needs_context() -> None:
    themes = {"cars": theme(tickers=["F", "CAR"], ambiguous_tickers=["F"])}
    m = ThemeMatcher(themes)
    assert m.match("F this") == set()
    assert m.match("F shares jumped") == {"cars"}
    assert m.match("$F") == {"cars"}
    assert m.match("CAR rental") == set()  # CAR is in the built-in list of word tickers


def test_phrase_whitespace_runs_match(matcher: ThemeMatcher) -> None:
    assert matcher.match("Russell\n2000 index") == {S}


def test_themes_without_rules_match_nothing() -> None:
    assert ThemeMatcher({"empty": theme()}).match("anything at all NVDA") == set()


def test_match_themes_compiles_once_per_mapping(matcher: ThemeMatcher) -> None:
    themes = dict(matcher.themes)
    first = get_matcher(themes)
    assert get_matcher(themes) is first
    assert match_themes("IWM", themes) == {S}
    assert get_matcher(dict(themes)) is not first


def test_a_member_of_two_baskets_is_split_between_them(matcher: ThemeMatcher) -> None:
    assert matcher.weights("NVDA calls printing") == {"ai_stocks": 0.5, "magnificent_seven": 0.5}
    assert matcher.weights("$NVDA and $NVDA again") == {"ai_stocks": 0.5, "magnificent_seven": 0.5}


def test_a_theme_with_its_own_evidence_counts_fully(matcher: ThemeMatcher) -> None:
    assert matcher.weights("AI stocks rally, NVDA up") == {"ai_stocks": 1.0, "magnificent_seven": 0.5}
    assert matcher.weights("Mag 7 earnings: MSFT and NVDA") == {"ai_stocks": 0.5, "magnificent_seven": 1.0}
    assert matcher.weights("Small caps lag, IWM flat") == {"small_caps": 1.0}
    assert matcher.weights("Lunch thread") == {}


def test_capitalised_common_nouns_need_market_context(matcher: ThemeMatcher) -> None:
    assert matcher.match("Apple pie recipe") == set()
    assert matcher.match("Meta Quest review") == set()
    assert matcher.match("Apple earnings beat") == {"magnificent_seven"}
    assert matcher.match("Meta shares jump") == {"magnificent_seven"}
