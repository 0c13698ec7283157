"""The rankings as an export table (one row per theme and per ticker, see
:mod:`attention.rankings.mentions`)."""

from __future__ import annotations

import pandas as pd

from attention.config import Config
from attention.rankings.load import rankings
from attention.report.tables import Column, ExportOptions, TableSpec
from attention.store import Store


def _rankings(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    frame, day = rankings(store, config)
    if frame.empty:
        return pd.DataFrame(columns=RANKINGS.names)
    top = frame["top_items"].map(lambda items: items[0] if items else {})
    return pd.DataFrame(
        {
            "day": day,
            "kind": frame["kind"],
            "name": frame["name"],
            "themes": frame["themes"],
            "rank": frame["rank"],
            "rank_before": frame["rank_before"],
            "mentions_day": frame["mentions_day"],
            "mentions_day_before": frame["mentions_day_before"],
            "mentions_week": frame["mentions_week"],
            "mentions_week_before": frame["mentions_week_before"],
            "authors_week": frame["authors_week"],
            "weighted_week": frame["weighted_week"],
            "share_week": frame["share_week"],
            "sentiment_week": frame["sentiment_week"],
            "places_week": frame["places_week"].map(
                lambda ps: "; ".join(f"{p['place']}: {p['mentions']}" for p in ps)
            ),
            "top_item_title": top.map(lambda item: item.get("title")),
            "top_item_url": top.map(lambda item: item.get("url")),
        }
    )


RANKINGS = TableSpec(
    "rankings",
    "Themes and their tickers ranked by mentions on the latest run date (UTC day), with the day "
    "and the week before; a ticker counts in the theme-matched items that name it.",
    (
        Column("day", "date", "the UTC day ranked"),
        Column("kind", "string", "theme or ticker"),
        Column("name", "string", "theme key or ticker"),
        Column("themes", "list", "the themes whose items name the ticker (a theme: itself)"),
        Column("rank", "int", "rank by mentions on the day (then the week), within its kind"),
        Column("rank_before", "int", "rank on the day before (empty: no mentions then)"),
        Column("mentions_day", "int", "items on the day"),
        Column("mentions_day_before", "int", "items on the day before"),
        Column("mentions_week", "int", "items in the 7 days ending on the day"),
        Column("mentions_week_before", "int", "items in the 7 days before those"),
        Column("authors_week", "int", "distinct (hashed) authors in the week"),
        Column("weighted_week", "float", "items in the week weighted by 1 + ln(1 + upvotes + comments)"),
        Column(
            "share_week",
            "float",
            "a theme's share of the week's mentions, one naming only a stock in two themes half in each "
            "(themes sum to 1); a ticker's share of the week's items",
        ),
        Column("sentiment_week", "float", "mean compound sentiment of the week's scored items, -1..1"),
        Column("places_week", "string", "the top subreddits / outlets of the week with their items"),
        Column("top_item_title", "string", "the most engaged item of the week"),
        Column("top_item_url", "string", "its link"),
    ),
    _rankings,
)
