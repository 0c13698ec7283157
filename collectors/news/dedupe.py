"""One story, stored once: de-duplication of headlines across feeds, runs and the store.

Two headlines are the same story when they share an id (guid / canonical link / hash) or when
their normalised titles are equal and their times are within ``window`` of each other. The
first version seen wins (for a stored story: the stored row); later sightings add their feed
to ``feeds`` and fill an empty body, link or outlet. A repeat sighting that brings nothing new
yields nothing, so a rerun over unchanged feeds writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from collectors.core.lookups import StoredLookups
from collectors.core.records import Provenance, TextItem
from collectors.news.parse import SOURCE, normalise_title

# Fields a later sighting may fill when the first one lacked them (a Google News item has no
# summary; the same story from Yahoo has one).
_FILLABLE = ("body", "url", "outlet")


@dataclass
class DedupeStats:
    new: int = 0
    merged: int = 0  # same story, new feed: feeds list grows
    repeats: int = 0  # same story, no new feed: nothing written


class Deduper:
    """Index of stories seen this run (and those loaded from the store)."""

    def __init__(self, window: dt.timedelta, lookups: StoredLookups | None = None) -> None:
        self.window = window
        self._lookups = lookups
        self._by_id: dict[str, TextItem] = {}
        self._by_title: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
        self.stats = DedupeStats()

    def add(self, candidate: TextItem) -> TextItem | None:
        """The record to yield for a candidate (new, or a known story with more feeds), else
        None when it adds nothing."""
        existing = self._by_id.get(candidate.item_id) or self._title_match(candidate)
        if existing is None:
            self._register(candidate)
            self.stats.new += 1
            return candidate
        feeds = tuple(dict.fromkeys((*existing.feeds, *candidate.feeds)))
        gaps = {
            name: getattr(candidate, name)
            for name in _FILLABLE
            if not getattr(existing, name) and getattr(candidate, name)
        }
        if feeds == existing.feeds and not gaps:
            self.stats.repeats += 1
            return None
        merged = replace(existing, feeds=feeds, **gaps)
        self._by_id[merged.item_id] = merged
        self.stats.merged += 1
        return merged

    def preload(self, candidates: Iterable[TextItem]) -> int:
        """Load stored stories that candidates could duplicate (same id, or time within the
        window). Returns how many were loaded. Without a store view this does nothing."""
        batch = list(candidates)
        if self._lookups is None or not batch:
            return 0
        ids = [c.item_id for c in batch]
        lo = min(c.created_utc for c in batch) - self.window
        hi = max(c.created_utc for c in batch) + self.window
        loaded = 0
        for row in self._lookups.stored_items(SOURCE, ids, lo, hi):
            if row["item_id"] not in self._by_id:
                self._register(_stored_item(row))
                loaded += 1
        return loaded

    def _title_match(self, candidate: TextItem) -> TextItem | None:
        key = normalise_title(candidate.title, candidate.outlet)
        for when, item_id in self._by_title.get(key, ()):
            if abs(when - candidate.created_utc) <= self.window:
                return self._by_id[item_id]
        return None

    def _register(self, item: TextItem) -> None:
        self._by_id[item.item_id] = item
        key = normalise_title(item.title, item.outlet)
        if key:
            self._by_title[key].append((item.created_utc, item.item_id))


def _stored_item(row: dict[str, Any]) -> TextItem:
    """A stored row back as a TextItem, so a merge rewrites it unchanged except its feeds."""
    prov = json.loads(row["provenance"]) if row.get("provenance") else {}
    retrieved = pd.Timestamp(prov.get("retrieved_at") or row["created_utc"])
    return TextItem(
        source=SOURCE,
        item_id=row["item_id"],
        kind=row["kind"],
        created_utc=_utc(row["created_utc"]),
        title=row["title"] or "",
        body=row["body"] or "",
        url=row["url"],
        container=row["container"],
        outlet=row["outlet"],
        provenance=Provenance(
            prov.get("url", ""),
            prov.get("collector_version", ""),
            _utc(retrieved),
            prov.get("params") or None,
        ),
        feeds=_as_tuple(row["feeds"]),
        flags=_as_tuple(row["flags"]),
        scoreable=bool(row["scoreable"]) if row.get("scoreable") is not None else True,
    )


def _utc(value: Any) -> dt.datetime:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.to_pydatetime()


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(str(v) for v in value)
