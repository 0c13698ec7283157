"""The rankings as an export table (one row per theme and per ticker, see
:mod:`attention.rankings.mentions`)."""

from __future__ import annotations

import pandas as pd

from attention.config import Config
from attention.rankings.load import rankings
from attention.rankings.mentions import COMPARABLE, WINDOW_COLUMNS
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
            "change_day_pct": frame["change_day_pct"],
            "mentions_week": frame["mentions_week"],
            "mentions_week_before": frame["mentions_week_before"],
            "change_week_pct": frame["change_week_pct"],
            "authors_week": frame["authors_week"],
            "weighted_week": frame["weighted_week"],
            "share_week": frame["share_week"],
            "sentiment_week": frame["sentiment_week"],
            "places_week": frame["places_week"].map(
                lambda ps: "; ".join(f"{p['place']}: {p['mentions']}" for p in ps)
            ),
            "top_item_title": top.map(lambda item: item.get("title")),
            "top_item_url": top.map(lambda item: item.get("url")),
            **{column: frame[column] for column in WINDOW_COLUMNS},
        }
    )


RANKINGS = TableSpec(
    "rankings",
    "Themes and their tickers ranked by mentions in the 24 hours (and 7 days) to the newest stored "
    "item, with the 24 hours and 7 days before; a ticker counts in the theme-matched items that name "
    "it. How much of each window the sources were watched is in the watched_ columns: a change "
    f"against a window watched less than {COMPARABLE:.0%} is empty, not a rise from zero.",
    (
        Column("day", "date", "the UTC day the windows end on"),
        Column("kind", "string", "theme or ticker"),
        Column("name", "string", "theme key or ticker"),
        Column("themes", "list", "the themes whose items name the ticker (a theme: itself)"),
        Column("rank", "int", "rank by mentions in the 24 hours (then the 7 days), within its kind"),
        Column(
            "rank_before",
            "int",
            "rank in the 24 hours before (empty: no mentions then, or not watched enough)",
        ),
        Column("mentions_day", "int", "items in the 24 hours to window_end (empty: not watched)"),
        Column("mentions_day_before", "int", "items in the 24 hours before those (empty: not watched)"),
        Column(
            "change_day_pct",
            "float",
            "percent change of mentions_day against mentions_day_before (empty: none before, "
            "or a window watched less than 95%)",
        ),
        Column("mentions_week", "int", "items in the 7 days to window_end (empty: not watched)"),
        Column("mentions_week_before", "int", "items in the 7 days before those (empty: not watched)"),
        Column(
            "change_week_pct",
            "float",
            "percent change of mentions_week against mentions_week_before (empty: none before, "
            "or a window watched less than 95%)",
        ),
        Column(
            "authors_week",
            "int",
            "distinct (hashed) authors in the 7 days (empty: the items carry no author)",
        ),
        Column("weighted_week", "float", "items in the 7 days weighted by 1 + ln(1 + upvotes + comments)"),
        Column(
            "share_week",
            "float",
            "a theme's share of the week's mentions, one naming only a stock in two themes half in each "
            "(themes sum to 1); a ticker's share of the week's items",
        ),
        Column("sentiment_week", "float", "mean compound sentiment of the 7 days' scored items, -1..1"),
        Column("places_week", "string", "the top subreddits / outlets of the 7 days with their items"),
        Column("top_item_title", "string", "the most engaged item of the 7 days"),
        Column("top_item_url", "string", "its link (empty: it has none)"),
        Column("window_end", "timestamp", "where the windows end (exclusive): just after the newest item"),
        Column("watched_day", "float", "fraction (0..1) of the 24 hours the sources were watched"),
        Column("watched_day_before", "float", "the same for the 24 hours before"),
        Column("watched_week", "float", "the same for the 7 days"),
        Column("watched_week_before", "float", "the same for the 7 days before"),
    ),
    _rankings,
)
