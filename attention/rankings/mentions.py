"""Rank themes and tickers by how much they are talked about, ApeWisdom-style.

Pure: a frame of stored items (one row per post, comment or headline, with its themes) in, a
ranking frame out. Windows are whole UTC days ending at ``end`` (exclusive): "day" is the last
24 hours of them, "week" the last 7 days; "before" is the window just before each.

Engagement-weighted mentions count an item as ``1 + ln(1 + upvotes + comments)``: a post with
1,000 upvotes weighs about 8 quiet ones, not 1,000 (a headline, without votes, weighs 1).

``share_week`` is a theme's share of the week's mentions counted with their theme weights (an
item naming only a stock in two themes is half in each: the themes' shares sum to 1), and a
ticker's share of the week's items that name it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from attention.derive.aggregate import theme_weight_lists

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
TOP_PLACES = 3  # subreddits / outlets shown per row
TOP_ITEMS = 3  # items linked per row

COLUMNS = (
    "kind",
    "name",
    "themes",
    "rank",
    "rank_before",
    "rank_change",
    "mentions_day",
    "mentions_day_before",
    "change_day_pct",
    "mentions_week",
    "mentions_week_before",
    "change_week_pct",
    "authors_week",
    "weighted_week",
    "share_week",
    "sentiment_week",
    "places_week",
    "top_items",
)


def engagement_weight(items: pd.DataFrame) -> pd.Series:
    votes = items["score"].fillna(0).clip(lower=0) + items["num_comments"].fillna(0).clip(lower=0)
    return 1 + np.log1p(votes.astype(float))


def place(items: pd.DataFrame) -> pd.Series:
    """Where an item was said: r/<subreddit> for Reddit, the outlet for news."""
    subreddit = "r/" + items["container"].fillna("").astype(str)
    outlet = items["outlet"].fillna(items["source"]).astype(str)
    return subreddit.where(items["container"].notna() & (items["source"] == "reddit"), outlet)


def rank_mentions(
    items: pd.DataFrame, end: dt.datetime, tickers_in: Callable[[str], set[str]] | None = None
) -> pd.DataFrame:
    """One row per theme (and per ticker named in the items, when ``tickers_in`` is given),
    ranked by mentions in the last day; columns :data:`COLUMNS`."""
    items = items[items["created_utc"] >= end - 2 * WEEK].copy()
    items["weight"] = engagement_weight(items)
    items["place"] = place(items)
    rows: list[dict] = []
    themes = sorted({t for ts in items["themes"] for t in ts})
    in_week = items["created_utc"] >= end - WEEK
    shares = _theme_shares(items[in_week])
    for theme in themes:
        mask = items["themes"].map(lambda ts, t=theme: t in ts)
        rows.append(_row("theme", theme, [theme], items[mask], end) | {"share_week": shares.get(theme, None)})
    if tickers_in is not None:
        text = items["title"].fillna("") + "\n" + items["body"].fillna("")
        named = [tickers_in(t) for t in text]
        for ticker in sorted({s for found in named for s in found}):
            mask = pd.Series([ticker in found for found in named], index=items.index)
            owners = sorted({t for ts in items.loc[mask, "themes"] for t in ts})
            share = round(float((mask & in_week).sum()) / int(in_week.sum()), 4) if in_week.any() else None
            rows.append(_row("ticker", ticker, owners, items[mask], end) | {"share_week": share})
    frame = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("rank", "rank_before", "rank_change")]
    )
    return _ranked(frame)


def _row(kind: str, name: str, themes: list[str], items: pd.DataFrame, end: dt.datetime) -> dict:
    created = items["created_utc"]
    day = items[created >= end - DAY]
    day_before = items[(created >= end - 2 * DAY) & (created < end - DAY)]
    week = items[created >= end - WEEK]
    week_before = items[created < end - WEEK]
    return {
        "kind": kind,
        "name": name,
        "themes": themes,
        "mentions_day": len(day),
        "mentions_day_before": len(day_before),
        "change_day_pct": _change(len(day), len(day_before)),
        "mentions_week": len(week),
        "mentions_week_before": len(week_before),
        "change_week_pct": _change(len(week), len(week_before)),
        "authors_week": int(week["author"].dropna().nunique()),
        "weighted_week": round(float(week["weight"].sum()), 1),
        "sentiment_week": _mean(week["compound"]),
        "places_week": _places(week),
        "top_items": _top_items(week),
    }


def _theme_shares(week: pd.DataFrame) -> dict[str, float]:
    """Each theme's share of the week's mentions counted with their theme weights."""
    totals: dict[str, float] = {}
    for names, weights in zip(week["themes"], theme_weight_lists(week, week["themes"]), strict=True):
        for name, weight in zip(names, weights, strict=True):
            totals[name] = totals.get(name, 0.0) + weight
    whole = sum(totals.values())
    return {name: round(value / whole, 4) for name, value in totals.items()} if whole > 0 else {}


def _change(now: int, before: int) -> float | None:
    """Percent change; None when there was nothing before (a rise from zero has no percent)."""
    return None if before == 0 else round(100.0 * (now - before) / before, 1)


def _mean(values: pd.Series) -> float | None:
    """Mean compound sentiment (-1..1) of the scored items; None when none was scored."""
    scored = values.dropna().astype(float)
    return None if scored.empty else round(float(scored.mean()), 3)


def _places(items: pd.DataFrame) -> list[dict]:
    counts = items["place"].value_counts()
    return [{"place": str(p), "mentions": int(n)} for p, n in counts.head(TOP_PLACES).items()]


def _top_items(items: pd.DataFrame) -> list[dict]:
    top = items.sort_values(["weight", "created_utc"], ascending=False).head(TOP_ITEMS)
    return [
        {
            "title": _title(row.title, row.body),
            "url": row.url,
            "place": row.place,
            "weight": round(row.weight, 1),
        }
        for row in top.itertuples()
    ]


def _title(title: object, body: object) -> str:
    text = title if isinstance(title, str) and title.strip() else body if isinstance(body, str) else ""
    text = " ".join(str(text).split())
    return text if len(text) <= 120 else text[:117].rstrip() + "..."


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank within each kind: by the last day's mentions, then the week's, then the name."""
    parts = []
    for _, group in frame.groupby("kind", sort=False):
        now = group.sort_values(["mentions_day", "mentions_week", "name"], ascending=[False, False, True])
        before = group.sort_values(
            ["mentions_day_before", "mentions_week", "name"], ascending=[False, False, True]
        )
        now = now.assign(rank=range(1, len(now) + 1))
        rank_before = dict(zip(before["name"], range(1, len(before) + 1), strict=True))
        earlier = [
            rank_before[n] if b > 0 else None
            for n, b in zip(now["name"], now["mentions_day_before"], strict=True)
        ]
        now["rank_before"] = pd.array(earlier, dtype="Int64")
        now["rank_change"] = pd.array(
            [None if b is None else b - r for r, b in zip(now["rank"], earlier, strict=True)], dtype="Int64"
        )
        parts.append(now)
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    order = {"theme": 0, "ticker": 1}
    out = out.sort_values(["kind", "rank"], key=lambda s: s.map(order) if s.name == "kind" else s)
    return out[list(COLUMNS)].reset_index(drop=True)


def members(themes: Iterable[str], frame: pd.DataFrame) -> pd.DataFrame:
    """The ticker rows of ``frame`` that belong to any of ``themes``."""
    wanted = set(themes)
    return frame[(frame["kind"] == "ticker") & frame["themes"].map(lambda ts: bool(wanted & set(ts)))]
