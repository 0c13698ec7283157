"""Posts, comments and headlines of the simulated world.

Volume follows each theme's attention, tone follows its recent excess return, and each text
names its theme the way people do ("small caps", "$IWM", "Mag 7"), so the real theme matcher and
sentiment scorer have something true to find. Deterministic per (seed, day).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from attention.sandbox.world import SimText, World, stable_seed

POSITIVE = [
    "are ripping higher",
    "look great here",
    "beat expectations again",
    "are rallying hard",
    "keep winning, very bullish",
    "just broke out to new highs",
]
NEGATIVE = [
    "are getting crushed",
    "look terrible",
    "missed badly",
    "are selling off hard",
    "keep losing, very bearish",
    "just broke down, ugly",
]
NEUTRAL = ["are trading sideways", "were flat today", "are in focus this week", "are on my watchlist"]
COMMENTS_POS = ["Agreed, great setup.", "Love this, bought more.", "Strong move, nice gains."]
COMMENTS_NEG = ["Terrible idea, I lost money.", "This is a trap, be careful.", "Awful, I sold."]
OUTLETS = ["Example Wire", "Market Daily", "The Sim Street Journal"]
FILLER_TITLES = [
    "What are you all buying this week?",
    "Daily discussion thread",
    "Best brokerage for beginners?",
    "Bond yields and the Fed",
]


def _theme_names(world: World, theme: str) -> list[str]:
    rules = world.config.themes[theme].match
    names = list(rules.phrases[:4]) + [f"${t}" for t in rules.tickers[:2]]
    return names or [world.config.themes[theme].label]


def _tone(world: World, theme: str, day: pd.Timestamp) -> float:
    """Mean tone in [-1, 1]: the theme's excess return over the last five sessions."""
    state = world.theme_state(theme)["excess_return"]
    recent = state.loc[:day].tail(5).sum()
    return float(np.tanh(recent * 60))


def _phrase(rng: np.random.Generator, tone: float) -> tuple[str, float]:
    draw = tone + rng.normal(0, 0.6)
    if draw > 0.25:
        return str(rng.choice(POSITIVE)), 1.0
    if draw < -0.25:
        return str(rng.choice(NEGATIVE)), -1.0
    return str(rng.choice(NEUTRAL)), 0.0


def _attention_ratio(world: World, theme: str, day: pd.Timestamp) -> float:
    attention = world.theme_state(theme)["attention"]
    level = attention.loc[:day].iloc[-1] if (attention.index <= day).any() else attention.iloc[0]
    return float(level / attention.mean())


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
            verb, sign = _phrase(rng, tone)
            title = f"{rng.choice(_theme_names(world, theme_name))} {verb}"
            post_id = f"{stable_seed(world.seed, 'post', day, theme_name, i) % 36**6:06x}"
            created = _time_on(day, rng)
            comments = _comments(rng, post_id, created, sign, subreddit)
            out.append(
                SimText(
                    post_id,
                    "post",
                    theme_name,
                    created,
                    title,
                    f"My take: {title}.",
                    _author(rng),
                    subreddit,
                    int(rng.integers(1, 500)),
                    None,
                    len(comments),
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
                str(rng.choice(FILLER_TITLES)),
                "",
                _author(rng),
                "investing",
                int(rng.integers(1, 50)),
            )
        )
    return out


def _comments(
    rng: np.random.Generator, post_id: str, created: dt.datetime, sign: float, subreddit: str
) -> list[SimText]:
    out = []
    for j in range(int(rng.integers(0, 4))):
        text = str(rng.choice(COMMENTS_POS if sign + rng.normal(0, 0.7) >= 0 else COMMENTS_NEG))
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
        for i in range(count):
            verb, _ = _phrase(rng, tone)
            subject = str(
                rng.choice(
                    world.config.themes[theme_name].match.phrases[:3]
                    or [world.config.themes[theme_name].label]
                )
            )
            title = f"{subject.title()} {verb}, analysts say"
            item_id = f"sim-{stable_seed(world.seed, 'headline', day, theme_name, i) % 10**10}"
            out.append(
                SimText(
                    item_id,
                    "headline",
                    theme_name,
                    _time_on(day, rng),
                    title,
                    f"<p>{title}. Full story inside &amp; more.</p>",
                    "newsdesk",
                    str(rng.choice(OUTLETS)),
                    0,
                )
            )
    return out


def _time_on(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    seconds = int(rng.integers(0, 86400))
    return dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(seconds=seconds)


def _author(rng: np.random.Generator) -> str:
    return f"user_{int(rng.integers(0, 5000))}"
