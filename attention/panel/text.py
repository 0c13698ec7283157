"""Text columns of the panel (mentions, share, sentiment) built from coverage (DESIGN.md 4.14).

A text source's count for a period is a number only where the source was watched for the whole
period (coverage fraction >= :data:`FULL_COVERAGE`); inside that, no matching item is a real 0.
A period never watched is missing (NaN), and a partly watched one is missing too: its
``<source>_coverage`` column says how much of it was seen, and the share and the sentiment (ratios
over what was seen) stay, since they do not grow with the time watched. Counting is never
inferred from the first and last item (between two real periods there may be years unobserved).

``<source>_weighted_mentions`` counts each mention with its theme weight (a mention naming only a
member of two baskets is half in each, :func:`attention.themes.evidence_weights`; an item stored
without weights counts whole), under the same coverage rule as the count.
``<source>_weighted_share`` is the theme's weighted mentions over every theme's in the period, so
the shares of all themes sum to 1 in every period watched with any mention, and are missing
(never 0) where nothing was watched.

A period is the time whose items a row holds: a session's is ``[previous close, its close)``, a
trading week's ``[close before its first session, its last close)`` (see
:func:`attention.calendar.session_for_timestamps`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attention.calendar import session_for_timestamps
from attention.panel.coverage import covered_fraction

TEXT_SOURCES = ("reddit", "news")
# A count is a total only if the whole period was watched; 1% slack for clock rounding.
FULL_COVERAGE = 0.99


def period_bounds(
    closes: pd.Series, sessions: pd.DatetimeIndex, weeks: pd.Series
) -> tuple[tuple[pd.DatetimeIndex, pd.DatetimeIndex], tuple[pd.DatetimeIndex, pd.DatetimeIndex]]:
    """UTC ``(starts, ends)`` of each session's period and of each week's (in ``weeks.unique()``
    order). ``closes`` must reach at least one session before ``sessions[0]``."""
    positions = closes.index.get_indexer(sessions)
    if (positions < 1).any():
        raise ValueError("closes must include the session before the panel's first one")
    ends = _utc(closes.iloc[positions])
    starts = _utc(closes.iloc[positions - 1])
    labels = weeks.to_numpy()
    by_week = pd.DataFrame({"start": starts, "end": ends, "week": labels}).groupby("week", sort=False)
    week_starts = pd.DatetimeIndex(by_week["start"].min().reindex(weeks.unique()))
    week_ends = pd.DatetimeIndex(by_week["end"].max().reindex(weeks.unique()))
    return (starts, ends), (week_starts, week_ends)


def _utc(values: pd.Series) -> pd.DatetimeIndex:
    stamps = pd.DatetimeIndex(values)
    return stamps.tz_localize("UTC") if stamps.tz is None else stamps.tz_convert("UTC")


def theme_spans(coverage: pd.DataFrame, source: str, theme: str, subreddits: list[str]) -> pd.DataFrame:
    """The spans that watched ``source`` for ``theme``: subreddit listings of the theme's
    subreddits (every item there was seen), the theme's own searches (kind ``query``, units
    ``<theme>:...``: a search for another theme saw only that theme's items) and every span of
    another kind (a listed feed, an archive file: read whole)."""
    if coverage.empty:
        return coverage
    spans = coverage[coverage["source"] == source]
    if spans.empty:
        return spans
    wanted = {s.lower() for s in subreddits}
    kind, unit = spans["unit_kind"], spans["unit"].astype(str)
    listing = (kind == "subreddit") & unit.str.lower().isin(wanted)
    search = (kind == "query") & unit.str.startswith(f"{theme}:")
    return spans[listing | search | ~kind.isin(["subreddit", "query"])]


def text_columns(
    mentions: pd.DataFrame,
    coverage: pd.DataFrame,
    theme: str,
    subreddits: list[str],
    closes: pd.Series,
    sessions: pd.DatetimeIndex,
    weeks: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per source: mention count, the theme's share of themed items, mean sentiment and the
    coverage fraction, daily (on ``sessions``) and weekly (on ``weeks.unique()``)."""
    daily, weekly = pd.DataFrame(index=sessions), pd.DataFrame(index=weeks.unique())
    (d_start, d_end), (w_start, w_end) = period_bounds(closes, sessions, weeks)
    for source in TEXT_SOURCES:
        spans = theme_spans(coverage, source, theme, subreddits)
        fractions = (covered_fraction(spans, d_start, d_end), covered_fraction(spans, w_start, w_end))
        rows = mentions[mentions["source"] == source] if not mentions.empty else mentions
        if not rows.empty:
            rows = rows.assign(session=session_for_timestamps(rows["created_utc"], closes))
            rows = rows[rows["session"].isin(sessions)]  # before or after the panel: not ours
            rows = rows.assign(week=weeks.reindex(rows["session"].to_numpy()).to_numpy())
        cols = [
            f"{source}_mentions",
            f"{source}_share",
            f"{source}_sentiment",
            f"{source}_coverage",
            f"{source}_weighted_mentions",
            f"{source}_weighted_share",
        ]
        for key, frame, fraction in (("session", daily, fractions[0]), ("week", weekly, fractions[1])):
            frame[cols] = _text_stats(rows, theme, key, frame.index, fraction)
    return daily, weekly


def _text_stats(
    rows: pd.DataFrame, theme: str, key: str, index: pd.Index, fraction: np.ndarray
) -> np.ndarray:
    """Count (a number only where fully covered), share, sentiment (where anything was
    watched), the coverage fraction, the weighted count and the weighted share, as six columns
    on ``index``."""
    watched = fraction > 0
    full = fraction >= FULL_COVERAGE
    if rows.empty:
        count = pd.Series(0.0, index=index).where(full)
        empty = pd.Series(np.nan, index=index)
        return pd.DataFrame(
            {"m": count, "s": empty, "v": empty, "c": fraction, "wm": count, "ws": empty}
        ).to_numpy()
    weight = pd.to_numeric(rows["weight"], errors="coerce") if "weight" in rows else None
    rows = rows.assign(weight=1.0 if weight is None else weight.fillna(1.0))
    mine = rows[rows["theme"] == theme]
    weighted = mine.groupby(key)["weight"].sum().reindex(index).fillna(0.0)
    total = rows.groupby(key)["weight"].sum().reindex(index)
    weighted_share = (weighted / total).where((total > 0) & watched)
    count = mine.groupby(key)["item_id"].nunique().reindex(index).fillna(0).where(full)
    themed = rows.groupby(key)["item_id"].nunique().reindex(index)
    share = (mine.groupby(key)["item_id"].nunique().reindex(index).fillna(0) / themed).where(
        (themed > 0) & watched
    )
    scored = mine[mine["scoreable"].fillna(True).astype(bool) & mine["compound"].notna()]
    sentiment = scored.groupby(key)["compound"].mean().reindex(index).where(watched)
    return pd.DataFrame(
        {
            "m": count,
            "s": share,
            "v": sentiment,
            "c": fraction,
            "wm": weighted.where(full),
            "ws": weighted_share,
        }
    ).to_numpy()
