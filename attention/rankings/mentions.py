"""Rank themes and tickers by how much they are talked about, ApeWisdom-style.

Pure: a frame of stored items (one row per post, comment or headline, with its themes) in, a
ranking frame out. The windows end at ``end`` (exclusive; :mod:`attention.rankings.load` sets it
just after the newest theme-matched item, not "now"): "day" is the 24 hours before it, "week" the 7
days; "before" is the window just before each (:func:`window_bounds`).

What was not observed is not zero (DESIGN.md 4.14): ``watched`` gives the fraction (0..1) of
each window in which the sources were watched. A change against a window (or of a window)
watched less than :data:`COMPARABLE` is missing, not a rise from zero; a count of a window never
watched, with nothing in it, is missing too. Authors are missing (not 0) when the items carry
none (an imported CSV without an author column), and a link is missing where an item has none.

Engagement-weighted mentions count an item as ``1 + ln(1 + upvotes + comments)``: a post with
1,000 upvotes weighs about 8 quiet ones, not 1,000 (a headline, without votes, weighs 1).

``share_week`` is a theme's share of the week's mentions counted with their theme weights (an
item naming only a stock in two themes is half in each: the themes' shares sum to 1), and a
ticker's share of the week's items that name it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from attention.derive.aggregate import theme_weight_lists

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
TOP_PLACES = 3  # subreddits / outlets shown per row
TOP_ITEMS = 3  # items linked per row
WINDOWS = ("day", "day_before", "week", "week_before")
# A change is computed only between windows both watched at least this much.
COMPARABLE = 0.95

COLUMNS: tuple[str, ...] = (
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
# The windows behind every row: where they end and how much of each was watched.
WINDOW_COLUMNS = ("window_end", *(f"watched_{w}" for w in WINDOWS))
COLUMNS = COLUMNS + WINDOW_COLUMNS
COUNT_COLUMNS = ("mentions_day", "mentions_day_before", "mentions_week", "mentions_week_before")


def window_bounds(end: dt.datetime) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """``[start, stop)`` of each of :data:`WINDOWS`, for windows ending at ``end``."""
    return {
        "day": (end - DAY, end),
        "day_before": (end - 2 * DAY, end - DAY),
        "week": (end - WEEK, end),
        "week_before": (end - 2 * WEEK, end - WEEK),
    }


def comparable(watched: Mapping[str, float], now: str, before: str) -> bool:
    """Whether a change from window ``before`` to ``now`` means anything: both watched enough."""
    return min(watched[now], watched[before]) >= COMPARABLE


def engagement_weight(items: pd.DataFrame) -> pd.Series:
    votes = items["score"].fillna(0).clip(lower=0) + items["num_comments"].fillna(0).clip(lower=0)
    return 1 + np.log1p(votes.astype(float))


def place(items: pd.DataFrame) -> pd.Series:
    """Where an item was said: r/<subreddit> for Reddit, the outlet for news."""
    subreddit = "r/" + items["container"].fillna("").astype(str)
    outlet = items["outlet"].fillna(items["source"]).astype(str)
    return subreddit.where(items["container"].notna() & (items["source"] == "reddit"), outlet)


def rank_mentions(
    items: pd.DataFrame,
    end: dt.datetime,
    tickers_in: Callable[[str], set[str]] | None = None,
    watched: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per theme (and per ticker named in the items, when ``tickers_in`` is given),
    ranked by mentions in the last day; columns :data:`COLUMNS`. ``watched``: the fraction of
    each of :data:`WINDOWS` that was watched (None: the caller vouches each was watched whole)."""
    seen = {w: 1.0 for w in WINDOWS} if watched is None else {w: float(watched[w]) for w in WINDOWS}
    items = items[(items["created_utc"] >= end - 2 * WEEK) & (items["created_utc"] < end)].copy()
    items["weight"] = engagement_weight(items)
    items["place"] = place(items)
    rows: list[dict] = []
    themes = sorted({t for ts in items["themes"] for t in ts})
    in_week = items["created_utc"] >= end - WEEK
    shares = _theme_shares(items[in_week])
    for theme in themes:
        mask = items["themes"].map(lambda ts, t=theme: t in ts)
        rows.append(_row("theme", theme, [theme], items[mask], end, seen) | {"share_week": shares.get(theme)})
    if tickers_in is not None:
        text = items["title"].fillna("") + "\n" + items["body"].fillna("")
        named = [tickers_in(t) for t in text]
        for ticker in sorted({s for found in named for s in found}):
            mask = pd.Series([ticker in found for found in named], index=items.index)
            owners = sorted({t for ts in items.loc[mask, "themes"] for t in ts})
            share = round(float((mask & in_week).sum()) / int(in_week.sum()), 4) if in_week.any() else None
            rows.append(_row("ticker", ticker, owners, items[mask], end, seen) | {"share_week": share})
    frame = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("rank", "rank_before", "rank_change")]
    )
    for column in (*COUNT_COLUMNS, "authors_week"):  # a missing count is missing, not NaN-as-float
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column in ("change_day_pct", "change_week_pct", "weighted_week"):
        frame[column] = frame[column].astype(float)
    return _ranked(frame, seen)


def _row(
    kind: str, name: str, themes: list[str], items: pd.DataFrame, end: dt.datetime, seen: dict[str, float]
) -> dict:
    created = items["created_utc"]
    windows = {w: items[(created >= a) & (created < b)] for w, (a, b) in window_bounds(end).items()}
    counts = {w: _count(len(windows[w]), seen[w]) for w in WINDOWS}
    week = windows["week"]
    return {
        "kind": kind,
        "name": name,
        "themes": themes,
        "mentions_day": counts["day"],
        "mentions_day_before": counts["day_before"],
        "change_day_pct": _change(counts["day"], counts["day_before"], comparable(seen, "day", "day_before")),
        "mentions_week": counts["week"],
        "mentions_week_before": counts["week_before"],
        "change_week_pct": _change(
            counts["week"], counts["week_before"], comparable(seen, "week", "week_before")
        ),
        "authors_week": _authors(week["author"]),
        "weighted_week": None if counts["week"] is None else round(float(week["weight"].sum()), 1),
        "sentiment_week": _mean(week["compound"]),
        "places_week": _places(week),
        "top_items": _top_items(week),
        "window_end": pd.Timestamp(end),
        **{f"watched_{w}": round(seen[w], 3) for w in WINDOWS},
    }


def _theme_shares(week: pd.DataFrame) -> dict[str, float]:
    """Each theme's share of the week's mentions counted with their theme weights."""
    totals: dict[str, float] = {}
    for names, weights in zip(week["themes"], theme_weight_lists(week, week["themes"]), strict=True):
        for name, weight in zip(names, weights, strict=True):
            totals[name] = totals.get(name, 0.0) + weight
    whole = sum(totals.values())
    return {name: round(value / whole, 4) for name, value in totals.items()} if whole > 0 else {}


def _count(found: int, watched: float) -> int | None:
    """Items found in a window; None for a window never watched in which nothing was found
    (not observed is not zero; an item found there still counts)."""
    return None if found == 0 and watched == 0 else found


def _change(now: int | None, before: int | None, comparable: bool) -> float | None:
    """Percent change; None when the windows are not comparable (one was not watched enough)
    or there was nothing before (a rise from zero has no percent: the words say "new")."""
    if not comparable or now is None or not before:
        return None
    return round(100.0 * (now - before) / before, 1)


def _authors(authors: pd.Series) -> int | None:
    """Distinct authors among the items that carry one; None when items carry none."""
    known = authors.dropna()
    return None if known.empty and not authors.empty else int(known.nunique())


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
            "url": row.url if isinstance(row.url, str) and row.url.strip() else None,
            "place": row.place,
            "weight": round(row.weight, 1),
        }
        for row in top.itertuples()
    ]


def _title(title: object, body: object) -> str:
    text = title if isinstance(title, str) and title.strip() else body if isinstance(body, str) else ""
    text = " ".join(str(text).split())
    return text if len(text) <= 120 else text[:117].rstrip() + "..."


def _ranked(frame: pd.DataFrame, seen: dict[str, float]) -> pd.DataFrame:
    """Rank within each kind: by the last day's mentions, then the week's, then the name. The
    rank the day before exists only where that day was comparable and had mentions."""
    parts = []
    keys = frame.assign(
        **{f"_{c}": frame[c].fillna(0) for c in ("mentions_day", "mentions_day_before", "mentions_week")}
    )
    for _, group in keys.groupby("kind", sort=False):
        now = group.sort_values(["_mentions_day", "_mentions_week", "name"], ascending=[False, False, True])
        before = group.sort_values(
            ["_mentions_day_before", "_mentions_week", "name"], ascending=[False, False, True]
        )
        now = now.assign(rank=range(1, len(now) + 1))
        rank_before = dict(zip(before["name"], range(1, len(before) + 1), strict=True))
        ranked_before = comparable(seen, "day", "day_before")
        earlier = [
            rank_before[n] if ranked_before and b > 0 else None
            for n, b in zip(now["name"], now["_mentions_day_before"], strict=True)
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
