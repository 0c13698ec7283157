"""The simulated world's text reads like real posts: varied, with trader slang and tickers, and
its mood survives the real theme matcher and sentiment scorer. The Reddit replica's search
matches whole words, as Reddit does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from attention.config import Config, load_config
from attention.sandbox.reddit import _matching
from attention.sandbox.world import SimText, World
from attention.sandbox.world_text import headlines_for_day, posts_for_day
from attention.scoring import scorer_for
from attention.themes import get_matcher

REPO = Path(__file__).resolve().parents[2]
START, DAYS = dt.date(2025, 1, 1), 120


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml", environ={})


@pytest.fixture(scope="module")
def texts(config: Config) -> list[SimText]:
    world = World(config, START, START + dt.timedelta(days=DAYS - 1), seed=3)
    days = [START + dt.timedelta(days=d) for d in range(DAYS)]
    return [t for day in days for t in [*posts_for_day(world, day), *headlines_for_day(world, day)]]


def test_titles_are_mostly_distinct(texts: list[SimText]) -> None:
    posts = [t.title for t in texts if t.kind == "post" and t.theme]
    headlines = [t.title for t in texts if t.kind == "headline"]
    assert len(posts) > 500 and len(headlines) > 200
    # the old fixed templates gave about 10% distinct titles
    assert len(set(posts)) / len(posts) > 0.8
    assert len(set(headlines)) / len(headlines) > 0.5


def test_posts_carry_slang_tickers_and_numbers(texts: list[SimText]) -> None:
    reddit = [f"{t.title} {t.body}" for t in texts if t.kind in ("post", "comment")]
    lowered = [text.lower() for text in reddit]
    for slang in ("calls printing", "puts printing", "bagholding", "tendies", "bears got crushed", "🚀"):
        assert any(slang in text for text in lowered), slang
    assert sum("$" in text for text in reddit) / len(reddit) > 0.2  # cashtags and dollar amounts
    titles = [t.title for t in texts if t.kind == "post" and t.theme]
    assert sum(any(c.isdigit() for c in title) for title in titles) / len(titles) > 0.3  # 4.2%, $15k, 220c


def test_every_themed_text_names_its_theme(config: Config, texts: list[SimText]) -> None:
    matcher = get_matcher(config.themes)
    themed = [t for t in texts if t.theme and t.kind != "comment"]
    found = [t.theme in matcher.match(f"{t.title}\n{t.body}") for t in themed]
    assert all(found)
    filler = [t for t in texts if t.kind == "post" and t.theme is None]
    assert filler and not any(matcher.match(t.title) for t in filler)


def test_the_scorer_reads_the_simulated_mood(config: Config, texts: list[SimText]) -> None:
    written = [t for t in texts if abs(t.mood) > 0.25]
    scores = scorer_for(config).score([f"{t.title}\n{t.body}" for t in written])["compound"].to_numpy()
    moods = np.array([t.mood for t in written])
    agree = np.sign(scores[scores != 0]) == np.sign(moods[scores != 0])
    assert agree.mean() > 0.8
    assert np.corrcoef(moods, scores)[0, 1] > 0.5


def _post(title: str) -> SimText:
    when = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    return SimText("a1", "post", None, when, title, "", "u", "stocks", 1)


def test_replica_search_matches_whole_words_only() -> None:
    titles = ["$IWM ripping", "IWMX is not it", "small caps up", "Small cap, finally"]
    posts = [_post(title) for title in titles]
    assert [p.title for p in _matching(posts, "IWM")] == ["$IWM ripping"]
    assert [p.title for p in _matching(posts, '"small cap"')] == ["Small cap, finally"]
    assert len(_matching(posts, '"small cap" OR "small caps" OR IWM')) == 3
