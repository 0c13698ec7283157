"""Posts, comments and headlines of the simulated world.

Volume follows each theme's attention (amplified by ``World.attention_swing``), tone follows
its recent excess return, and each text names its theme the way people do ("small caps", "$IWM",
"Mag 7"), in words assembled by :mod:`attention.sandbox.world_words`, so the real theme matcher
and sentiment scorer have something true to find. Deterministic per (seed, day).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from attention.sandbox.world import SimText, World, stable_seed
from attention.sandbox.world_words import comment_text, filler_title, headline_text, post_text

OUTLETS = ["Example Wire", "Market Daily", "The Sim Street Journal"]


def _theme_names(world: World, theme: str) -> list[str]:
    """How people name the theme: its first phrases, cashtags, and bare tickers the theme
    matcher takes on their own (not "MAGS" or "ARM", which are words too)."""
    from attention.themes import get_matcher

    rules = world.config.themes[theme].match
    matcher = get_matcher(world.config.themes)
    bare = [t for t in rules.tickers[:2] if theme in matcher.match(t)]
    names = list(rules.phrases[:5]) + [f"${t}" for t in rules.tickers[:3]] + bare
    return names or [world.config.themes[theme].label]


def _tone(world: World, theme: str, day: pd.Timestamp) -> float:
    """Mean tone in [-1, 1]: the theme's excess return over the last five sessions."""
    state = world.theme_state(theme)["excess_return"]
    recent = state.loc[:day].tail(5).sum()
    return float(np.tanh(recent * 60))


def _mood(rng: np.random.Generator, tone: float) -> float:
    """One writer's tone: the theme's tone plus personal noise."""
    return float(tone + rng.normal(0, 0.6))


def _attention_ratio(world: World, theme: str, day: pd.Timestamp) -> float:
    """Text volume relative to the mean: attention on ``day``, or on a weekend or holiday that
    of the next session (the panel counts those days' texts in the next session's period)."""
    attention = world.theme_state(theme)["attention"]
    later = attention.index >= day
    level = attention[later].iloc[0] if later.any() else attention.iloc[-1]
    return float((level / attention.mean()) ** world.attention_swing)


def posts_for_day(world: World, day: dt.date, per_theme: float = 3.0) -> list[SimText]:
    """Reddit posts (with comments) created on ``day`` (UTC) across the themes' subreddits."""
    stamp = pd.Timestamp(day)
    rng = np.random.default_rng(stable_seed(world.seed, "posts", day))
    out: list[SimText] = []
    for theme_name, theme in world.config.themes.items():
        count = rng.poisson(per_theme * _attention_ratio(world, theme_name, stamp))
        tone = _tone(world, theme_name, stamp)
        for i in range(count):
            subreddit = str(rng.choice(theme.subreddits or ["stocks"]))
            mood = _mood(rng, tone)
            title, body = post_text(rng, str(rng.choice(_theme_names(world, theme_name))), mood)
            post_id = f"{stable_seed(world.seed, 'post', day, theme_name, i) % 36**6:06x}"
            created = _time_on(day, rng)
            comments = _comments(rng, post_id, created, mood, subreddit)
            out.append(
                SimText(
                    post_id,
                    "post",
                    theme_name,
                    created,
                    title,
                    body,
                    _author(rng),
                    subreddit,
                    int(rng.integers(1, 500)),
                    None,
                    len(comments),
                    mood,
                )
            )
            out.extend(comments)
    for i in range(int(rng.poisson(1.0))):  # off-topic chatter the matcher must not claim
        created = _time_on(day, rng)
        post_id = f"{stable_seed(world.seed, 'filler', day, i) % 36**6:06x}"
        out.append(
            SimText(
                post_id,
                "post",
                None,
                created,
                filler_title(rng, day.isoformat()),
                "",
                _author(rng),
                "investing",
                int(rng.integers(1, 50)),
            )
        )
    return out


def _comments(
    rng: np.random.Generator, post_id: str, created: dt.datetime, mood: float, subreddit: str
) -> list[SimText]:
    out = []
    for j in range(int(rng.integers(0, 4))):
        reply = mood + rng.normal(0, 0.5)
        text = comment_text(rng, reply)
        when = created + dt.timedelta(minutes=int(rng.integers(1, 600)))
        out.append(
            SimText(
                f"{post_id}c{j}",
                "comment",
                None,
                when,
                "",
                text,
                _author(rng),
                subreddit,
                int(rng.integers(-5, 100)),
                parent_id=f"t3_{post_id}",
                mood=reply,
            )
        )
    return out


def headlines_for_day(world: World, day: dt.date, per_theme: float = 1.5) -> list[SimText]:
    stamp = pd.Timestamp(day)
    rng = np.random.default_rng(stable_seed(world.seed, "news", day))
    out = []
    for theme_name in world.config.themes:
        count = rng.poisson(per_theme * _attention_ratio(world, theme_name, stamp))
        tone = _tone(world, theme_name, stamp)
        rules = world.config.themes[theme_name].match
        subjects = rules.phrases[:3] or [world.config.themes[theme_name].label]
        tickers = rules.tickers[:3] or [world.config.themes[theme_name].label]
        for i in range(count):
            mood = _mood(rng, tone)
            title, summary = headline_text(rng, str(rng.choice(subjects)), str(rng.choice(tickers)), mood)
            item_id = f"sim-{stable_seed(world.seed, 'headline', day, theme_name, i) % 10**10}"
            out.append(
                SimText(
                    item_id,
                    "headline",
                    theme_name,
                    _time_on(day, rng),
                    title,
                    f"<p>{summary}</p>",
                    "newsdesk",
                    str(rng.choice(OUTLETS)),
                    0,
                    mood=mood,
                )
            )
    return out


def _time_on(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    seconds = int(rng.integers(0, 86400))
    return dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(seconds=seconds)


def _author(rng: np.random.Generator) -> str:
    return f"user_{int(rng.integers(0, 5000))}"
