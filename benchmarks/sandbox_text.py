"""Benchmark: how real the demo world's text reads, and whether its mood survives scoring.

Generates the simulated posts, comments and headlines of ``--days`` days (the demo's world) and
prints JSON: the fraction of distinct post titles and headlines, how many texts carry trader
slang, and the Pearson correlation of each text's simulated mood with the compound the
configured scorer (finance-3 by default) gives it, per text and per theme-day mean.

    python benchmarks/sandbox_text.py [--days 300] [--seed 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from attention.config import load_config
from attention.sandbox.world import World
from attention.sandbox.world_text import headlines_for_day, posts_for_day
from attention.scoring import scorer_for

REPO = Path(__file__).resolve().parents[1]
SLANG = (
    "calls",
    "puts",
    "tendies",
    "bagholding",
    "diamond hands",
    "yolo",
    "🚀",
    "bears",
    "bulls",
    "dd",
    "0dte",
)


def measure(days: int, seed: int, end: dt.date) -> dict[str, object]:
    config = load_config(REPO / "config.yaml", environ={})
    start = end - dt.timedelta(days=days - 1)
    world = World(config, start, end, seed=seed)
    texts = [t for d in range(days) for day in [start + dt.timedelta(d)] for t in posts_for_day(world, day)]
    texts += [t for d in range(days) for t in headlines_for_day(world, start + dt.timedelta(d))]
    frame = pd.DataFrame(
        {
            "kind": [t.kind for t in texts],
            "theme": [t.theme for t in texts],
            "day": [t.created_utc.date() for t in texts],
            "title": [t.title for t in texts],
            "text": [f"{t.title}\n{t.body}".strip() for t in texts],
            "mood": [t.mood for t in texts],
        }
    )
    frame["compound"] = scorer_for(config).score(frame["text"].tolist())["compound"].to_numpy()
    titled = frame[frame["kind"] != "comment"]
    lower = frame["text"].str.lower()
    themed = frame[frame["theme"].notna()]
    daily = themed.groupby(["theme", "day"])[["mood", "compound"]].mean()
    return {
        "days": days,
        "texts": len(frame),
        "distinct_title_fraction": {
            kind: round(group["title"].nunique() / len(group), 3) for kind, group in titled.groupby("kind")
        },
        "distinct_comment_fraction": round(
            frame.loc[frame["kind"] == "comment", "text"].nunique()
            / max(1, (frame["kind"] == "comment").sum()),
            3,
        ),
        "slang_fraction": round(float(lower.apply(lambda s: any(w in s for w in SLANG)).mean()), 3),
        "mood_vs_sentiment_r": {
            kind: round(float(np.corrcoef(g["mood"], g["compound"])[0, 1]), 3)
            for kind, g in frame.groupby("kind")
        },
        "theme_day_mean_r": round(float(np.corrcoef(daily["mood"], daily["compound"])[0, 1]), 3),
        "example_titles": titled.sample(8, random_state=1)["title"].tolist(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--end", default="2026-06-30")
    args = parser.parse_args()
    print(
        json.dumps(
            measure(args.days, args.seed, dt.date.fromisoformat(args.end)), indent=2, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
