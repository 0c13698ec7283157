"""The simulated world's history as the files a user brings: a Reddit dump (Pushshift NDJSON)
and a news archive (NDJSON headlines), so the demo can import the years before the replicas'
recent windows the way a user imports real history (`attention import reddit-dump`, the news
archive backfill), and every chart of the demo report has data across its axis.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from attention.config import Config
from attention.sandbox.world import SimText, World
from attention.sandbox.world_text import headlines_for_day, posts_for_day
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, Record


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day in [start, end)."""
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def live_window_start(store: Store, source: str, end: dt.date) -> dt.date:
    """The day after which every unit the live collectors watched for ``source`` (subreddit
    listings, searches, feeds) was covered: the latest first-covered day among them, so a
    history written up to it leaves no unit a gap. ``end`` when nothing was watched."""
    found = store.query(
        "SELECT max(first) AS day FROM (SELECT min(span_start) AS first FROM coverage "
        "WHERE source = ? AND unit_kind IN ('subreddit', 'query', 'feed') GROUP BY unit_kind, unit)",
        [source],
    )
    day = found["day"].iloc[0] if not found.empty else None
    if day is None or day != day:  # NULL or NaT: no live coverage
        return end
    return min(end, day.date() + dt.timedelta(days=1))


def dump_coverage(config: Config, path: Path, start: dt.datetime, end: dt.datetime) -> list[Record]:
    """What a dump written by :func:`write_reddit_dump` for ``[start, end)`` covers: every
    subreddit of every theme (and the off-topic one) over the whole span it was written for.
    The import itself records each subreddit's first to last item only."""
    subreddits = {s.lower() for theme in config.themes.values() for s in theme.subreddits} | {"investing"}
    provenance = Provenance(f"file:{path.name}", "sandbox-history/1", dt.datetime.now(dt.UTC))
    return [
        CoverageSpan("reddit", "subreddit", sub, start, end, "import", provenance)
        for sub in sorted(subreddits)
    ]


def reddit_dump_line(text: SimText) -> dict:
    """One post or comment as a Pushshift dump record (the ids the Reddit replica serves, so
    an item in both the dump and the API is stored once)."""
    record = {
        "id": text.item_id,
        "subreddit": text.container,
        "author": text.author,
        "created_utc": int(text.created_utc.timestamp()),
        "score": text.score,
    }
    if text.kind == "post":
        return {**record, "title": text.title, "selftext": text.body, "num_comments": text.num_comments}
    return {**record, "body": text.body, "link_id": text.parent_id, "parent_id": text.parent_id}


def write_reddit_dump(world: World, path: Path, start: dt.date, end: dt.date) -> int:
    """Posts and comments created in [start, end) as NDJSON; returns the lines written."""
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        for day in _days(start, end):
            for text in posts_for_day(world, day):
                out.write(json.dumps(reddit_dump_line(text)) + "\n")
                lines += 1
    return lines


def write_news_archive(world: World, path: Path, start: dt.date, end: dt.date) -> int:
    """Headlines published in [start, end) as archive NDJSON; returns the lines written."""
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        for day in _days(start, end):
            for text in headlines_for_day(world, day):
                row = {
                    "id": text.item_id,
                    "title": text.title,
                    "summary": text.body,
                    "link": f"https://news.example/{text.item_id}",
                    "published": text.created_utc.isoformat(),
                    "outlet": text.container,
                }
                out.write(json.dumps(row) + "\n")
                lines += 1
    return lines
