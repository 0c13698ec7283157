"""The words of the simulated world: posts, comments and headlines that read like real ones.

Each text is assembled from parts (an opener, the subject as people write it: a phrase, a
cashtag or a bare ticker, a move with a number, a reason, a closer, sometimes an emoji), in one
of several shapes per kind, so titles rarely repeat and the theme matcher and the sentiment
scorer meet trader slang ("calls printing", "bagholding", "bears got crushed"), numbers and
tickers as they do on Reddit and in headlines. ``mood`` is the writer's tone: above
:data:`UPBEAT` upbeat, below ``-UPBEAT`` downbeat, neutral in between.
"""

from __future__ import annotations

import numpy as np

UPBEAT = 0.25

UP_MOVES = [
    "ripping",
    "up {pct} today",
    "breaking out",
    "squeezing higher",
    "mooning",
    "at new highs",
    "up {pct} this week",
    "rallying hard",
    "on a monster run",
    "finally green",
]
DOWN_MOVES = [
    "dumping",
    "down {pct} today",
    "breaking down",
    "getting crushed",
    "bleeding out",
    "at new lows",
    "down {pct} this week",
    "selling off hard",
    "in free fall",
    "deep red again",
]
FLAT_MOVES = [
    "flat for the week",
    "chopping sideways",
    "stuck in a range",
    "doing nothing",
    "moving {pct} either way",
    "at the same level as a month ago",
]
UP_TAKES = [
    "calls printing",
    "bears got crushed",
    "loaded up more",
    "diamond hands paid off",
    "tendies incoming",
    "this is the breakout we waited for",
    "bullish af",
    "best trade I made all year",
    "told you so, still holding",
    "up {money} on this",
]
DOWN_TAKES = [
    "puts printing",
    "bulls got wrecked",
    "bagholding at {price}",
    "down {money}, pain",
    "sold everything, never again",
    "this is a bull trap",
    "my calls expired worthless",
    "worst trade I made all year",
    "this looks ugly",
    "rug pulled again",
]
FLAT_TAKES = [
    "waiting for a catalyst",
    "no idea where this goes",
    "holding, not adding",
    "watching the {price} level",
    "IV is dead",
    "anyone else just sitting on cash?",
]
REASONS = [
    "after CPI",
    "into earnings",
    "after the Fed minutes",
    "on rate-cut bets",
    "as yields move",
    "after the jobs report",
    "with volume {mult} the average",
    "ahead of opex",
    "with RSI at {rsi}",
    "after the 10-year auction",
]
OPENERS = ["", "", "", "PSA: ", "Serious question: ", "DD: ", "YOLO update: ", "Thoughts? ", "Hot take: "]
CLOSERS = {
    1: ["", "", " lol", " 🚀🚀", " 💎🙌", " (not financial advice)", " ngl"],
    -1: ["", "", " fml", " 🐻", " 📉", " (not financial advice)", " ngl"],
    0: [""],
}
POST_SHAPES = [
    "{opener}{subject} {move} {reason}, {take}{closer}",
    "{opener}{subject} {move}. {take_cap}{closer}",
    "{subject} {move} and {take}?",
    "Is it time for {subject}? {take}{closer}",
    "{opener}{take} on {subject}{closer}",
    "{subject}: {move} {reason}",
    "{opener}{position} in {subject}, {take}{closer}",
]
POSITIONS = [
    "{money} in {strike}c",
    "{money} in {strike}p",
    "{shares} shares",
    "{money} YOLO",
    "0DTE {strike}c",
    "LEAPS",
]
BODIES = [
    "Been watching {subject} since {price}. {take_cap}.",
    "Position: {position}. {take_cap}. Chart looks {look}.",
    "{take_cap}. Volume was {mult} the 20-day average, RSI {rsi}.",
    "Not advice. {subject} {move} {reason}. {take_cap}.",
    "",
]
LOOKS = {1: ["strong", "clean", "bullish"], -1: ["weak", "ugly", "broken"], 0: ["boring", "mixed", "unclear"]}
COMMENTS = {
    1: [
        "Calls printing, thanks for the DD",
        "Diamond hands 💎🙌 this is the way",
        "Bought more at the dip, up {pct} already",
        "Bears got crushed lol",
        "Great call, strong setup",
        "Tendies for everyone 🚀",
        "Love this, holding till {price}",
    ],
    -1: [
        "Bagholding since {price}, pain",
        "Puts printing, told you",
        "Sold at a loss, never again",
        "This is a bull trap, be careful",
        "Bulls got wrecked today",
        "Down {money}, terrible",
        "Awful, I'm out",
    ],
    0: [
        "What's your entry?",
        "Source?",
        "RemindMe! 30 days",
        "Following",
        "How big is your position?",
        "Waiting for earnings before I do anything",
    ],
}
HEADLINE_SHAPES = [
    "{Subject} {hmove} {reason}",
    "{Subject} {hmove} {pct} as {cause}",
    "Why {subject} {hmove} this week",
    "{Ticker} shares {hmove} {pct} {reason}",
    "{Subject}: {analyst}",
    "{cause_cap}; {subject} {hmove}",
    "{Ticker} {hmove} {pct}, {Subject} {hmove2} {pct2}",
    "{Subject} {hmove} for a {nth} straight session",
    "{Subject} {hmove} {pct} {when} {reason}",
]
HEADLINE_MOVES = {
    1: ["rally", "surge", "climb", "jump", "extend gains", "hit record highs", "beat expectations"],
    -1: ["slump", "tumble", "slide", "sink", "extend losses", "hit lows", "miss expectations"],
    0: ["hold steady", "trade flat", "drift", "wait for direction", "edge sideways"],
}
CAUSES = {
    1: ["investors cheer strong earnings", "rate-cut hopes grow", "inflation cools", "buyers return"],
    -1: ["investors flee risk", "rate fears return", "inflation runs hot", "earnings disappoint"],
    0: ["investors await the Fed", "trading volume thins", "markets digest data", "traders wait"],
}
ANALYSTS = {
    1: ["analysts raise price targets", "strategists turn bullish", "upgrades pile up"],
    -1: ["analysts cut price targets", "strategists warn of downside", "downgrades pile up"],
    0: ["analysts split on outlook", "strategists see a range", "what to watch next week"],
}
FILLER = [
    "What are you all buying this week?",
    "Daily discussion thread for {date}",
    "Best brokerage for beginners?",
    "Bond yields and the Fed: what am I missing?",
    "Roth IRA or taxable account at {age}?",
    "How do you size positions?",
    "Rate my portfolio ({n} holdings)",
    "Weekend discussion: books on investing",
]


def side(mood: float) -> int:
    """+1 upbeat, -1 downbeat, 0 neutral."""
    return 1 if mood > UPBEAT else -1 if mood < -UPBEAT else 0


def _fill(rng: np.random.Generator, template: str, **given: str) -> str:
    """The template with its numbers drawn (and ``given`` parts filled), recursively."""
    values = {
        "pct": f"{rng.uniform(0.5, 12):.1f}%",
        "money": f"${int(rng.choice([1, 2, 3, 5, 8, 12, 15, 20, 25, 40, 60]))}k",
        "price": f"${rng.uniform(5, 600):.2f}",
        "strike": str(int(rng.integers(10, 120)) * 5),
        "shares": str(int(rng.integers(1, 80)) * 25),
        "mult": f"{rng.uniform(1.3, 4.5):.1f}x",
        "rsi": str(int(rng.integers(22, 84))),
        **given,
    }
    text = template
    for _ in range(3):  # parts may hold placeholders of their own
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
    return text


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return str(options[int(rng.integers(0, len(options)))])


def post_text(rng: np.random.Generator, subject: str, mood: float) -> tuple[str, str]:
    """A Reddit post's title and body about ``subject`` written in ``mood``."""
    way = side(mood)
    moves, takes = {1: (UP_MOVES, UP_TAKES), -1: (DOWN_MOVES, DOWN_TAKES), 0: (FLAT_MOVES, FLAT_TAKES)}[way]
    take = _pick(rng, takes)
    parts = {
        "opener": _pick(rng, OPENERS),
        "subject": subject,
        "move": _pick(rng, moves),
        "reason": _pick(rng, REASONS),
        "take": take,
        "take_cap": take[:1].upper() + take[1:],
        "closer": _pick(rng, CLOSERS[way]),
        "position": _pick(rng, POSITIONS),
        "look": _pick(rng, LOOKS[way]),
    }
    title = _fill(rng, _pick(rng, POST_SHAPES), **parts)
    body = _fill(rng, _pick(rng, BODIES), **parts)
    return title[:1].upper() + title[1:].rstrip(), body


def comment_text(rng: np.random.Generator, mood: float) -> str:
    return _fill(rng, _pick(rng, COMMENTS[side(mood)]))


def headline_text(rng: np.random.Generator, subject: str, ticker: str, mood: float) -> tuple[str, str]:
    """A news headline and its one-sentence summary."""
    way = side(mood)
    cause = _pick(rng, CAUSES[way])
    parts = {
        "subject": subject,
        "Subject": subject[:1].upper() + subject[1:],
        "Ticker": ticker,
        "hmove": _pick(rng, HEADLINE_MOVES[way]),
        "hmove2": _pick(rng, HEADLINE_MOVES[way]),
        "pct2": f"{rng.uniform(0.2, 6):.1f}%",
        "nth": _pick(rng, ["second", "third", "fourth", "fifth"]),
        "when": _pick(
            rng, ["on Monday", "on Tuesday", "midweek", "on Thursday", "into Friday", "in early trade"]
        ),
        "reason": _pick(rng, REASONS),
        "cause": cause,
        "cause_cap": cause[:1].upper() + cause[1:],
        "analyst": _pick(rng, ANALYSTS[way]),
    }
    title = _fill(rng, _pick(rng, HEADLINE_SHAPES), **parts)
    summary = _fill(
        rng,
        "{Subject} {hmove} {reason} as {cause}, with volume {mult} the 30-day average.",
        **{**parts, "hmove": _pick(rng, HEADLINE_MOVES[way])},
    )
    return title, summary


def filler_title(rng: np.random.Generator, day: str) -> str:
    """Off-topic chatter the theme matcher must not claim."""
    return _fill(
        rng, _pick(rng, FILLER), date=day, age=str(int(rng.integers(22, 60))), n=str(int(rng.integers(3, 40)))
    )
