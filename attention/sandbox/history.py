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

from attention.sandbox.world import SimText, World
from attention.sandbox.world_text import headlines_for_day, posts_for_day


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day in [start, end)."""
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


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
