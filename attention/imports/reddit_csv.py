"""Reddit posts from CSV files: the Kaggle r/wallstreetbets layout (``title,score,id,url,
comms_num,created,body,timestamp``) and the praw-style CSV (``id,title,body,score,created,
num_comments[,subreddit,url,comments]``).

Each row becomes the payload a dump line would be and goes through the same mapping
(:func:`collectors.reddit.items.item_from_json`), the same author policy and the same theme and
sentiment annotation as a dump import, so a CSV post is stored exactly like a dumped one; posts
matching no theme are not kept, as in the dump import. A row without an id or a readable time is
rejected and counted by reason. ``created`` may be epoch seconds or a date-time; a date-time
without a zone is read in ``--timezone`` (default UTC) and the summary says so. The subreddit
comes from a ``subreddit`` column, else the post's own permalink (``/r/NAME/comments/ID/``: a
link to another post, a crosspost, names that post's subreddit), else ``--subreddit``.
A ``comments`` column (a list of comment texts without ids or times) is not imported.
Coverage: one span per subreddit from the first to the last post time in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import sys
import zoneinfo
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attention.config import Config
from attention.errors import InputFileError
from attention.imports.reddit_dump import Annotator, default_annotator, store_author_policy
from attention.imports.tabular import ImportSummary, normal_name, read_table
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, Record, TextItem, utcnow
from collectors.reddit.items import AuthorPolicy, item_from_json

VERSION = "reddit-csv-1"
ALIASES = {
    "id": ("id", "post_id", "name"),
    "title": ("title",),
    "selftext": ("body", "selftext", "text"),
    "score": ("score", "ups"),
    "num_comments": ("num_comments", "comms_num", "comments_count", "numcomments"),
    "created": ("created_utc", "created", "timestamp", "date"),
    "subreddit": ("subreddit",),
    "url": ("url", "permalink"),
    "author": ("author",),
}
_SUBREDDIT_IN_URL = re.compile(r"/r/([A-Za-z0-9_]+)/")
Progress = Callable[[int, int], None]


def _columns(header: list[str]) -> dict[str, int]:
    names = [normal_name(cell) for cell in header]
    out = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if normal_name(alias) in names:
                out[field] = names.index(normal_name(alias))
                break
    return out


def parse_created(text: str, zone: dt.tzinfo) -> dt.datetime:
    """Epoch seconds or an ISO date-time (naive ones in ``zone``) -> UTC. Raises ValueError."""
    cell = text.strip()
    try:
        return dt.datetime.fromtimestamp(float(cell), dt.UTC)
    except ValueError:
        when = dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    return (when.replace(tzinfo=zone) if when.tzinfo is None else when).astimezone(dt.UTC)


def read_reddit_csv(
    path: str | Path,
    authors: AuthorPolicy,
    subreddit: str | None = None,
    timezone: str = "UTC",
    progress: Progress | None = None,
) -> tuple[list[TextItem], ImportSummary]:
    """Rows -> post items (not yet annotated) and a summary with the rejected rows by reason."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # comment lists run to megabytes a cell
    table = read_table(path)
    header = table.rows[0][1]
    columns = _columns(header)
    if "id" not in columns or "created" not in columns:
        raise InputFileError(
            f"{table.path}: line 1: a Reddit CSV needs an id column ({', '.join(ALIASES['id'])}) and a "
            f"time column ({', '.join(ALIASES['created'])}); the header is {header}"
        )
    zone = _zone(timezone)
    summary = ImportSummary(f"{table.path.name} (reddit posts)")
    if "selftext" not in columns and "title" not in columns:
        summary.notes.append("no title or body column: the posts carry no text")
    digest = hashlib.sha256(table.path.read_bytes()).hexdigest()
    prov = Provenance(
        table.path.resolve().as_uri(), VERSION, utcnow(), {"file": table.path.name, "sha256": digest}
    )
    items: list[TextItem] = []
    naive = False
    for done, (_, row) in enumerate(table.rows[1:], start=1):
        summary.read += 1
        data, reason = _payload(row, columns, subreddit, zone)
        if reason:
            summary.skipped[reason] += 1
            continue
        naive |= bool(data.pop("_naive"))
        items.append(item_from_json(data, "post", prov, authors))
        if progress and done % 500 == 0:
            progress(done, len(table.rows) - 1)
    if not items:
        expected = ", ".join(f"{field} ({'/'.join(names)})" for field, names in ALIASES.items())
        raise InputFileError(
            f"{table.path}: no row could be read ({dict(summary.skipped)}); expected columns "
            f"{expected}; saw {header}"
        )
    if naive:
        summary.notes.append(f"times without a zone were read as {timezone} (--timezone to change)")
    if "comments" in [normal_name(c) for c in header]:
        summary.notes.append("the comments column was not imported: its comments have no id or time")
    return items, summary


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputFileError(
            f"--timezone {name!r} is not a time zone name (e.g. UTC, America/New_York)"
        ) from None


def _payload(
    row: list[str], columns: dict[str, int], subreddit: str | None, zone: dt.tzinfo
) -> tuple[dict[str, Any], str | None]:
    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    post_id = cell("id").removeprefix("t3_")
    if not post_id:
        return {}, "rows without an id"
    raw_time = cell("created")
    if not raw_time:
        return {}, "rows without a time"
    try:
        created = parse_created(raw_time, zone)
    except (ValueError, OverflowError, OSError):
        return {}, "rows with an unreadable time"
    url = cell("url")
    # only the post's own permalink names its subreddit: a link post's URL (the Kaggle layout's
    # ``url``) may point at another subreddit's post, a crosspost, not where this one was made
    own = f"/comments/{post_id}/" in url
    found = _SUBREDDIT_IN_URL.search(url) if own else None
    sub = cell("subreddit") or (found.group(1) if found else "") or (subreddit or "")
    if not sub:
        return {}, "rows without a subreddit (no column, no /r/ URL; pass --subreddit)"
    return {
        "id": post_id,
        "title": cell("title"),
        "selftext": cell("selftext"),
        "created_utc": created.timestamp(),
        "subreddit": sub,
        "score": _int(cell("score")),
        "num_comments": _int(cell("num_comments")),
        "permalink": url if own else f"/r/{sub}/comments/{post_id}/",  # the post's own, not its link
        "author": cell("author") or None,
        "_naive": not _has_zone(raw_time),
    }, None


def _has_zone(text: str) -> bool:
    try:
        float(text)
        return True  # epoch seconds are UTC
    except ValueError:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


def import_reddit_csv(
    store: Store,
    config: Config,
    paths: Sequence[str | Path],
    subreddit: str | None = None,
    timezone: str = "UTC",
    annotate: Annotator | None = None,
    progress: Progress | None = None,
) -> list[ImportSummary]:
    """Read, annotate and store each file with its coverage, one transaction per file."""
    authors = store_author_policy(config, store.path)
    annotate = annotate or default_annotator(config)
    summaries = []
    for path in paths:
        items, summary = read_reddit_csv(path, authors, subreddit, timezone, progress)
        kept = annotate(items)
        if len(items) > len(kept):
            summary.skipped["posts matching no theme"] += len(items) - len(kept)
        summary.new, summary.changed, summary.unchanged = store.compare_stored(kept)
        spans = _coverage(items)
        store.write([*kept, *spans])
        summary.notes += _coverage_note(spans)
        summaries.append(summary)
    return summaries


def _coverage_note(spans: list[Record]) -> list[str]:
    """What the import records as watched, in words: a file is taken to hold every post of each
    subreddit between its first and last one, so a day there without a matching post counts 0."""
    shown = [s for s in spans if isinstance(s, CoverageSpan) and (s.items or 0) > 1][:3]
    if not shown:
        return []
    stamp = "%Y-%m-%d %H:%M"
    parts = [f"r/{s.unit} {s.span_start:{stamp}}..{s.span_end:{stamp}} UTC" for s in shown]
    return [
        f"recorded as watched: {', '.join(parts)}; every post of that time is taken to be in the file, so "
        "a period there without a matching post counts 0 (a sample of posts is not a full watch)"
    ]


def _coverage(items: list[TextItem]) -> list[Record]:
    spans: list[Record] = []
    counts = Counter(item.container or "" for item in items)
    for sub in sorted(counts):
        times = [item.created_utc for item in items if (item.container or "") == sub]
        start, end = min(times), max(times) + dt.timedelta(seconds=1)
        prov = items[0].provenance
        spans.append(CoverageSpan("reddit", "subreddit", sub, start, end, "import", prov, counts[sub]))
    return spans
