"""Per-theme, per-day mention counts and sentiment from scored text items.

Input: a DataFrame shaped like the ``items`` table (attention/store/schema.py): ``themes`` (a list per
item), ``compound``, ``score``, ``num_comments``, ``source``, ``scoreable`` and ``created_utc``.
Which day an item belongs to is the caller's decision (the analysis panel assigns trading days
so that nothing is used before it was known): pass a precomputed ``day`` column, or a function
that maps the ``created_utc`` Series to days (:func:`utc_day` is the plain calendar-day one).

Output columns, one row per theme and day (and source with ``by_source=True``):

* ``mentions``: items that mention the theme (deleted/removed bodies included: the title still
  counts as attention);
* ``weighted_mentions``: the same items counted with their theme weight (``theme_weights``,
  :func:`attention.themes.evidence_weights`): a mention naming only a member of two baskets is
  half in each, so summing over themes does not count it twice. An item without weights (stored
  before they existed; ``attention rescore`` fills them) counts whole;
* ``scored``: mentions with a sentiment score (``scoreable`` and a compound value);
* ``sentiment_mean``: mean compound of the scored mentions;
* ``sentiment_weighted``: engagement-weighted mean compound, weight ``1 + ln(1 + upvotes +
  comments)`` (negative upvote counts as 0): busy posts count more, but one viral post cannot
  drown a hundred ordinary ones, and a headline (no engagement data) weighs 1;
* ``pos_share`` / ``neg_share``: shares of scored mentions with compound >= 0.05 / <= -0.05
  (VADER's thresholds);
* ``engagement``: summed upvotes and comments of the mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from attention.errors import AttentionError

POSITIVE = 0.05
NEGATIVE = -0.05
OUTPUT = [
    "mentions",
    "weighted_mentions",
    "scored",
    "sentiment_mean",
    "sentiment_weighted",
    "pos_share",
    "neg_share",
    "engagement",
]
DayRule = str | Callable[[pd.Series], pd.Series]


class AggregateInputError(AttentionError):
    """The items frame lacks what the aggregation needs."""


def utc_day(created_utc: pd.Series) -> pd.Series:
    """The UTC calendar day of each timestamp (no trading-calendar shift)."""
    return pd.to_datetime(created_utc, utc=True).dt.floor("D").dt.date


def theme_daily(items: pd.DataFrame, day: DayRule = "day", *, by_source: bool = False) -> pd.DataFrame:
    """Mentions and sentiment per theme and day (see the module docstring for each column)."""
    frame = _prepare(items, day)
    keys = ["theme", "day"] + (["source"] if by_source else [])
    if frame.empty:
        return pd.DataFrame(columns=keys + OUTPUT)
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "mentions": grouped.size(),
            "weighted_mentions": grouped["weight"].sum(),
            "scored": grouped["is_scored"].sum().astype("int64"),
            "engagement": grouped["engagement"].sum(),
            "_sum": grouped["c"].sum(),
            "_wsum": grouped["wc"].sum(),
            "_w": grouped["w"].sum(),
            "_pos": grouped["is_pos"].sum(),
            "_neg": grouped["is_neg"].sum(),
        }
    )
    scored = out["scored"].where(out["scored"] > 0)  # NaN where nothing was scored
    out["sentiment_mean"] = out["_sum"] / scored
    out["sentiment_weighted"] = out["_wsum"] / out["_w"].where(out["_w"] > 0)
    out["pos_share"] = out["_pos"] / scored
    out["neg_share"] = out["_neg"] / scored
    return out.reset_index()[keys + OUTPUT]


def _prepare(items: pd.DataFrame, day: DayRule) -> pd.DataFrame:
    """One row per (item, theme) with the day, weights and indicator columns."""
    needed = {"themes", "compound"} | ({"created_utc"} if callable(day) else {day})
    missing = needed - set(items.columns)
    if missing:
        hint = (
            "pass day=<function of created_utc> (e.g. attention.derive.aggregate.utc_day) or add a "
            "'day' column"
            if "day" in missing or "created_utc" in missing
            else "score and match the items first (attention.scoring.annotate_items)"
        )
        raise AggregateInputError(f"items lack column(s) {sorted(missing)}: {hint}")
    days = day(items["created_utc"]) if callable(day) else items[day]
    compound = pd.to_numeric(items["compound"], errors="coerce")
    scoreable = items["scoreable"].fillna(True).astype(bool) if "scoreable" in items else True
    is_scored = compound.notna() & scoreable
    upvotes = _count(items, "score").clip(lower=0)
    comments = _count(items, "num_comments").clip(lower=0)
    weight = 1.0 + np.log1p(upvotes + comments)
    c = compound.where(is_scored, 0.0)
    frame = pd.DataFrame(
        {
            "theme": items["themes"].map(_as_list),
            "day": np.asarray(days),
            "source": items["source"] if "source" in items else "all",
            "is_scored": is_scored,
            "c": c,
            "w": weight.where(is_scored, 0.0),
            "wc": (weight * c).where(is_scored, 0.0),
            "engagement": upvotes + comments,
            "is_pos": is_scored & (c >= POSITIVE),
            "is_neg": is_scored & (c <= NEGATIVE),
        },
        index=items.index,
    )
    frame["weight"] = theme_weight_lists(items, frame["theme"])
    frame = frame.explode(["theme", "weight"])
    frame = frame[frame["theme"].notna()]
    return frame.assign(weight=pd.to_numeric(frame["weight"]).astype(float))


def theme_weight_lists(items: pd.DataFrame, themes: pd.Series) -> pd.Series:
    """Each item's weight per theme, parallel to ``themes`` (lists): the stored ``theme_weights``
    where they give one per theme, else 1.0 for each (items stored before weights existed)."""
    stored = items["theme_weights"] if "theme_weights" in items else pd.Series(None, index=items.index)
    out = []
    for names, weights in zip(themes, stored, strict=True):
        listed = list(weights) if isinstance(weights, (list, tuple, np.ndarray)) else []  # NULL: NA
        out.append([float(w) for w in listed] if len(listed) == len(names) else [1.0] * len(names))
    return pd.Series(out, index=items.index, dtype=object)


def _count(items: pd.DataFrame, column: str) -> pd.Series:
    if column not in items:
        return pd.Series(0.0, index=items.index)
    return pd.to_numeric(items[column], errors="coerce").fillna(0.0).astype(float)


def _as_list(value: object) -> list:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise AggregateInputError(f"themes must be a list of theme keys, got {type(value).__name__}")
    return list(value)  # list, tuple or numpy array (DuckDB VARCHAR[] arrives as either)
