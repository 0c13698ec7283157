"""The panel from coverage: for random coverage patterns and items, no cell of a period that was
not (fully) watched is ever a number, and a fully watched period without items is a real 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention.config import load_config
from attention.panel.build import PanelInputs, build_theme_panel
from attention.panel.text import FULL_COVERAGE

START = pd.Timestamp("2024-06-24", tz="UTC")  # a Monday; 07-04 is a holiday inside the window
HOURS = 24 * 28
SESSIONS = pd.bdate_range("2024-06-24", "2024-07-19").drop(pd.Timestamp("2024-07-04"))


@pytest.fixture
def config(default_config_path: Path):
    return load_config(default_config_path)


def _prices() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # closes that move: a close repeated on 5 bars is a frozen feed, dropped as missing
            {"ticker": t, "date": d.date(), "close": 100.0 + i % 2, "adj_close": 100.0 + i % 2, "volume": 1.0}
            for t in ("IWM", "SPY")
            for i, d in enumerate(SESSIONS)
        ]
    )


def _inputs(spans: list[tuple[int, int]], items: list[tuple[int, bool]]) -> PanelInputs:
    coverage = pd.DataFrame(
        {
            "source": "reddit",
            "unit_kind": "subreddit",
            "unit": "wallstreetbets",
            "span_start": [START + pd.Timedelta(hours=a) for a, _ in spans],
            "span_end": [START + pd.Timedelta(hours=a + n) for a, n in spans],
        }
    )
    mentions = pd.DataFrame(
        [
            {
                "source": "reddit",
                "item_id": f"t3_{k}",
                "created_utc": START + pd.Timedelta(hours=hour, minutes=7),
                "theme": "small_caps" if mine else "ai_stocks",
                "compound": 0.1,
                "scoreable": True,
            }
            for k, (hour, mine) in enumerate(items)
        ],
        columns=["source", "item_id", "created_utc", "theme", "compound", "scoreable"],
    )
    e = PanelInputs.empty()
    return PanelInputs(_prices(), e.flows, mentions, e.search, coverage)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(0, HOURS), st.integers(1, 24 * 6)), max_size=6),
    st.lists(st.tuples(st.integers(0, HOURS), st.booleans()), max_size=40),
)
def test_no_uncovered_cell_is_ever_a_number(
    config, spans: list[tuple[int, int]], items: list[tuple[int, bool]]
) -> None:
    panel = build_theme_panel(_inputs(spans, items), config, "small_caps")
    for frame, parts in zip((panel.daily, panel.weekly), panel.index_parts, strict=True):
        fraction = frame["reddit_coverage"]
        assert fraction.between(0, 1).all()
        partial = fraction < FULL_COVERAGE
        assert frame.loc[partial, "reddit_mentions"].isna().all()
        unwatched = fraction == 0
        for column in ("reddit_share", "reddit_sentiment"):
            assert frame.loc[unwatched, column].isna().all()
        assert not parts[partial].str.contains("reddit").any()
        full = frame.loc[~partial, "reddit_mentions"]
        assert full.notna().all() and (full >= 0).all()
    if not spans:
        assert panel.daily["reddit_mentions"].isna().all()


def test_a_watched_period_without_items_is_zero_and_a_half_watched_one_is_missing(config) -> None:
    # watched from Monday 06-24 00:00 UTC to Friday 06-28 00:00 UTC; no item at all
    panel = build_theme_panel(_inputs([(0, 96)], []), config, "small_caps")
    daily = panel.daily
    # 06-25's period runs from 06-24 20:00 to 06-25 20:00 UTC: watched in full -> a real 0
    assert daily.loc["2024-06-25", "reddit_mentions"] == 0
    assert daily.loc["2024-06-26", "reddit_mentions"] == 0
    # 06-27 ends at 20:00, watched to 06-28 00:00: covered; 06-28 is watched 4 of 24 hours
    assert daily.loc["2024-06-28", "reddit_coverage"] == pytest.approx(4 / 24)
    assert np.isnan(daily.loc["2024-06-28", "reddit_mentions"])
    assert daily.loc["2024-07-01":, "reddit_mentions"].isna().all()


def test_a_step_search_series_is_used_only_after_its_month_ends(config) -> None:
    """Monthly values on weekly labels: the panel takes each month's value from the first
    trading week after the month ended and its notes say so."""
    term = config.themes["small_caps"].search_terms[0]
    weeks = pd.date_range("2023-01-07", "2024-07-13", freq="W-SAT")
    values = weeks.to_period("M").month.to_numpy().astype(float) * 10
    search = pd.DataFrame(
        {"term": term, "date": weeks.date, "granularity": "week", "value": values, "is_partial": False}
    )
    days = pd.bdate_range("2023-01-03", "2024-07-12")
    prices = pd.DataFrame(
        [
            {"ticker": t, "date": d.date(), "close": 1.0, "adj_close": 1.0, "volume": 1.0}
            for t in ("IWM", "SPY")
            for d in days
        ]
    )
    e = PanelInputs.empty()
    panel = build_theme_panel(PanelInputs(prices, e.flows, e.mentions, search), config, "small_caps")
    assert any("values repeat over each calendar month" in note for note in panel.notes)
    weekly = panel.weekly["search"]
    # the Google week ending Sat 07-06 (labelled in July: 70 as given) is usable in the trading
    # week to 07-12, when only June (60) had ended; the week to Sat 06-29 holds May (50)
    assert weekly.loc["2024-07-12"] == 60 and weekly.loc["2024-07-05"] == 50
    assert not (weekly.loc["2024-07-01":] == 70).any()


def test_a_thin_basket_is_noted(config) -> None:
    """A basket with prices for one of its members only: the weight covered per session is
    a column and the notes warn below 80%."""
    theme = next(k for k, t in config.themes.items() if len(t.proxy.members) > 1)
    members = config.themes[theme].proxy.members
    days = pd.bdate_range("2025-01-02", "2025-03-31")
    prices = pd.DataFrame(
        [
            {"ticker": t, "date": d.date(), "close": 1.0 + i / 100, "adj_close": 1.0 + i / 100, "volume": 1.0}
            for t in (members[0], "SPY")
            for i, d in enumerate(days)
        ]
    )
    e = PanelInputs.empty()
    panel = build_theme_panel(PanelInputs(prices, e.flows, e.mentions, e.search), config, theme)
    weight = panel.daily["basket_weight"].dropna()
    assert (
        len(weight)
        and (weight < 0.8).all()
        and weight.iloc[-1] == pytest.approx(config.themes[theme].proxy.weight_map()[members[0]])
    )
    assert any("had prices for under 80% of its weight" in note for note in panel.notes)


def test_a_benchmark_equal_to_the_proxy_is_an_error_not_zero_excess(config) -> None:
    spy_theme = config.themes["small_caps"].model_copy(
        update={"proxy": config.themes["small_caps"].proxy.model_copy(update={"etf": "SPY"})}
    )
    same = config.model_copy(update={"themes": {**config.themes, "small_caps": spy_theme}})
    e = PanelInputs.empty()
    panel = build_theme_panel(PanelInputs(_prices(), e.flows, e.mentions, e.search), same, "small_caps")
    assert panel.daily["excess_return"].isna().all() and panel.daily["theme_return"].notna().any()
    assert any(
        n.startswith("error: theme 'small_caps': the benchmark SPY is also its proxy") for n in panel.notes
    )


def test_a_source_that_starts_changes_the_index_composition_and_says_so(config) -> None:
    # search every week; Reddit watched from Friday 06-28's close on: three full weeks of it
    term = config.themes["small_caps"].search_terms[0]
    weeks = pd.date_range("2024-06-08", "2024-07-20", freq="W-SAT")
    rng = np.random.default_rng(3)
    values = rng.uniform(20, 80, len(weeks))
    search = pd.DataFrame(
        {"term": term, "date": weeks.date, "granularity": "week", "value": values, "is_partial": False}
    )
    base = _inputs([(24 * 4 + 20, 24 * 21)], [(h, True) for h in range(120, 620, 11)])
    inputs = PanelInputs(base.prices, base.flows, base.mentions, search, base.coverage)
    panel = build_theme_panel(inputs, config, "small_caps")
    weekly_parts = panel.index_parts[1]
    assert weekly_parts.loc["2024-06-28"] == "search"
    assert (weekly_parts.loc["2024-07-05":] == "search+reddit").all()
    assert any(
        n.startswith("the attention index is made of different sources over time") for n in panel.notes
    )


def _two_sources(spans: dict[str, list[tuple[int, int]]], items: list[tuple[int, str]]) -> PanelInputs:
    """Reddit and news, each watched in its own random spans, items of both (all the theme's)."""
    units = {"reddit": ("subreddit", "wallstreetbets"), "news": ("feed", "reuters")}
    coverage = pd.DataFrame(
        [
            {
                "source": source,
                "unit_kind": units[source][0],
                "unit": units[source][1],
                "span_start": START + pd.Timedelta(hours=a),
                "span_end": START + pd.Timedelta(hours=a + n),
            }
            for source, pairs in spans.items()
            for a, n in pairs
        ],
        columns=["source", "unit_kind", "unit", "span_start", "span_end"],
    )
    mentions = pd.DataFrame(
        [
            {
                "source": source,
                "item_id": f"{source}_{k}",
                "created_utc": START + pd.Timedelta(hours=hour, minutes=7),
                "theme": "small_caps",
                "compound": 0.1,
                "scoreable": True,
            }
            for k, (hour, source) in enumerate(items)
        ],
        columns=["source", "item_id", "created_utc", "theme", "compound", "scoreable"],
    )
    e = PanelInputs.empty()
    return PanelInputs(_prices(), e.flows, mentions, e.search, coverage)


SPANS = st.lists(st.tuples(st.integers(0, HOURS), st.integers(1, 24 * 6)), max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    SPANS,
    SPANS,
    st.lists(st.tuples(st.integers(0, HOURS), st.sampled_from(["reddit", "news"])), max_size=40),
)
def test_no_uncovered_cell_of_either_source_nor_of_the_index_is_a_number(
    config, reddit: list[tuple[int, int]], news: list[tuple[int, int]], items: list[tuple[int, str]]
) -> None:
    """Two text sources watched at different random times: every cell of a source in a period it
    did not watch in full is missing, the index is made only of the sources watched, and with
    no source watched (no search or page views here) the attention index is missing, not 0."""
    panel = build_theme_panel(_two_sources({"reddit": reddit, "news": news}, items), config, "small_caps")
    for frame, parts in zip((panel.daily, panel.weekly), panel.index_parts, strict=True):
        partial = {}
        for source in ("reddit", "news"):
            partial[source] = frame[f"{source}_coverage"] < FULL_COVERAGE
            assert frame.loc[partial[source], f"{source}_mentions"].isna().all()
            unwatched = frame[f"{source}_coverage"] == 0
            for column in (f"{source}_share", f"{source}_sentiment"):
                assert frame.loc[unwatched, column].isna().all()
            assert not parts[partial[source]].fillna("").str.contains(source).any()
        neither = partial["reddit"] & partial["news"]
        assert frame.loc[neither, "attention_index"].isna().all()


def test_prices_that_end_before_the_panel_are_noted_stale(config) -> None:
    """The proxy's prices end four sessions before the panel's last session (built up to a
    report date, or to the end of another input): the notes, which the report's data-quality
    section lists, say so; a lag of three sessions or fewer is current."""
    e = PanelInputs.empty()
    prices = _prices()
    cut = prices[~((prices["ticker"] == "IWM") & (pd.to_datetime(prices["date"]) > "2024-07-12"))]
    panel = build_theme_panel(PanelInputs(cut, e.flows, e.mentions, e.search), config, "small_caps")
    stale = [n for n in panel.notes if n.startswith("prices of ")]
    # 07-15..07-19 are five sessions after 07-12
    assert stale == [
        "prices of the proxy (IWM) end 2024-07-12, 5 sessions before 2024-07-19: stale, no return after"
    ]
    near = prices[~((prices["ticker"] == "IWM") & (pd.to_datetime(prices["date"]) > "2024-07-16"))]
    panel = build_theme_panel(PanelInputs(near, e.flows, e.mentions, e.search), config, "small_caps")
    assert not [n for n in panel.notes if n.startswith("prices of ")]
