"""Daily counts that are attention series or denominators rather than text items (issue 17):
Arctic Shift's per-subreddit post/comment totals and Wikipedia's per-article page views.

Kept beside :mod:`collectors.core.records` (same :class:`Record` base, natural keys and
provenance) so the record module stays small.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from collectors.core.records import Provenance, Record


@dataclass(frozen=True)
class SubredditVolume(Record):
    """All posts or all comments a subreddit received on one UTC day (the share denominator)."""

    TABLE: ClassVar[str] = "subreddit_volume"
    KEY: ClassVar[tuple[str, ...]] = ("subreddit", "day", "metric")

    subreddit: str  # lower case, no "r/"
    day: dt.date
    metric: str  # "posts" | "comments"
    value: int
    provenance: Provenance


@dataclass(frozen=True)
class PageViewDay(Record):
    """Views of one Wikipedia article on one UTC day, summed over the titles it had."""

    TABLE: ClassVar[str] = "page_views"
    KEY: ClassVar[tuple[str, ...]] = ("project", "article", "day")

    project: str
    article: str  # as configured, spaces not underscores
    day: dt.date
    views: int
    titles: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class SearchSeriesPoint(Record):
    """One value of a search series already on the common scale (the official Trends API's
    consistent ``searchInterest``, rescaled by the reference anchor). ``method`` names the
    backend, so a reader can tell these from stitched pytrends values."""

    TABLE: ClassVar[str] = "search_series"
    KEY: ClassVar[tuple[str, ...]] = ("term", "date", "granularity")

    term: str
    date: dt.date
    granularity: str  # day | week | month (weeks and months labelled by their last day)
    value: float
    lo: float
    hi: float
    is_partial: bool
    method: str
    computed_at: dt.datetime
