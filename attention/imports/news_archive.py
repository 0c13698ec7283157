"""News archives (NDJSON or CSV rows of title, summary, link, published, outlet/feed) as items.

Each row is turned into the shape of a feed entry and mapped by the news collector's own
:func:`collectors.news.parse.entry_to_item`, so an archived headline is cleaned, identified and
stored exactly like one collected from a live feed (HTML stripped, tracking parameters dropped
from links, the outlet suffix cut from the title, id from guid / canonical link / hash).

Title-level de-duplication across feeds (collectors.news.dedupe) is order-dependent and needs
the whole archive; the backfill de-duplicates by item id only (upserts).

:func:`import_news_archive` imports one archive in this process (the Dask backfill is for big
ones): the headlines that match a theme, with the archive's coverage in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attention.errors import FatalError, InputFileError, ItemError
from collectors.core.records import CoverageSpan, Provenance, Record, TextItem
from collectors.news.parse import FeedSpec, entry_to_item

if TYPE_CHECKING:
    from attention.config import Config
    from attention.store import Store

ARCHIVE_VERSION = "news-archive/1"
# Accepted column names, first match wins.
_ALIASES = {
    "title": ("title", "headline"),
    "summary": ("summary", "description", "body"),
    "link": ("link", "url"),
    "published": (
        "published",
        "pubDate",
        "pubdate",
        "published_at",
        "publishedAt",
        "date",
        "dt",
        "datetime",
        "seendate",
        "time",
        "created_utc",
        "timestamp",
    ),
    "outlet": ("outlet", "source"),
    "feed": ("feed",),
    "id": ("guid", "id"),
}


def _field(row: Mapping[str, Any], name: str) -> Any:
    for alias in _ALIASES[name]:
        value = row.get(alias)
        if value not in (None, ""):
            return value
    return None


def _from_epoch(seconds: float) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):  # 1e30, nan, inf: one bad row, not a crash
        raise ItemError(f"published time {seconds!r} is not a date") from None


def parse_time(value: Any) -> dt.datetime | None:
    """ISO 8601, RFC 822 (RSS pubDate) or epoch seconds -> aware UTC; naive times are UTC."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return _from_epoch(seconds)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ItemError(f"unreadable published time {text!r}") from None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def news_item(row: Mapping[str, Any], path: str, retrieved_at: dt.datetime) -> TextItem | None:
    """One archive row -> a headline item (None without a title). Raises ItemError."""
    if not isinstance(row, Mapping):
        raise ItemError("a news archive row must be an object")
    when = parse_time(_field(row, "published"))
    entry: dict[str, Any] = {
        "title": str(_field(row, "title") or ""),
        "summary": str(_field(row, "summary") or ""),
        "link": _field(row, "link"),
    }
    if _field(row, "id") is not None:
        entry["id"] = str(_field(row, "id"))
    if when is None:  # an archive row stamped with the import day would distort history
        raise ItemError("no published time (give a published/pubDate/date column)")
    entry["published_parsed"] = when.utctimetuple()
    outlet = _field(row, "outlet")
    if outlet:
        entry["source"] = {"title": str(outlet)}
    name = Path(path).name
    label = str(_field(row, "feed") or f"archive:{name}")
    feed = FeedSpec(url=f"file:{name}", label=label, kind="custom")
    try:
        return entry_to_item(entry, feed, feed_title=None, fetched_at=retrieved_at, version=ARCHIVE_VERSION)
    except ValueError as exc:  # a value the store cannot hold (check_storable): this row only
        raise ItemError(str(exc)) from None


def parse_news_line(line: bytes, path: str, retrieved_at: dt.datetime) -> TextItem | None:
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ItemError(f"not JSON: {exc}") from None
    return news_item(row, path, retrieved_at)


def is_csv(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (".csv", ".tsv")


def news_csv_rows(path: str | Path, columns: Mapping[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The rows of a CSV (or TSV) news archive, after checking its header has a text column and a
    time column: found among the common names (``title``/``headline``, ``published``/``pubDate``/
    ``date``/``dt``/``seendate``/...) or named in ``columns`` (``{"title": ..., "published": ...}``,
    the ``--title-column`` and ``--time-column`` options). Rows come back with those columns
    under the names :func:`news_item` reads, so a file's own names never need editing. Bytes that
    are not UTF-8 and broken CSV are one InputFileError naming the line."""
    chosen = {field: name for field, name in (columns or {}).items() if name}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        dialect = csv.excel_tab if path_is_tsv(path) else csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        try:
            seen = list(reader.fieldnames or [])
            renames = _header_columns(path, seen, chosen)
            for row in reader:
                yield {**row, **{field: row.get(column) or "" for field, column in renames.items()}}
        except UnicodeDecodeError:
            raise InputFileError(
                f"{path}: line {_first_bad_line(path)}: bytes that are not UTF-8; save the archive as UTF-8"
            ) from None
        except csv.Error as exc:
            raise InputFileError(
                f"{path}: line {reader.line_num}: {exc}; is this a news archive CSV?"
            ) from None


def _first_bad_line(path: str | Path) -> int:
    """The first line that is not UTF-8 (read again on the error path only, line by line)."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _header_columns(path: str | Path, seen: list[str], chosen: Mapping[str, str]) -> dict[str, str]:
    """The columns holding the title and the time: the ones the user named, else the first
    common name found; every missing one is named in one error with the header seen."""
    for name in chosen.values():
        if name not in seen:
            raise FatalError(f"{path}: no column {name!r}; the header has {seen or 'nothing (empty file)'}")
    found = {
        field: chosen.get(field) or next((alias for alias in _ALIASES[field] if alias in seen), None)
        for field in ("title", "published")
    }
    missing = [field for field, column in found.items() if column is None]
    if missing:
        wanted = "; ".join(
            f"a {'text' if f == 'title' else 'time'} column ({', '.join(_ALIASES[f])}, or "
            f"{'--title-column' if f == 'title' else '--time-column'} NAME)"
            for f in missing
        )
        raise FatalError(f"{path}: no row can be read: expected {wanted}; the header has {seen or 'nothing'}")
    return {field: column for field, column in found.items() if column is not None}


def path_is_tsv(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".tsv"


def import_news_archive(
    path: str | Path,
    config: Config,
    store: Store,
    span: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[int, int]:
    """Import an NDJSON or CSV news archive: its headlines that match a theme, theme-matched and
    scored, and its coverage (source ``news``, kind ``file``, unit the file name, as the backfill
    records it), in one transaction. The coverage is ``span`` (the half-open UTC span the
    archive is known to hold in full, e.g. the day range it was exported for) or else its first
    to its last headline (nothing is claimed before or after them). A row that cannot be read
    is skipped. Returns (headlines kept, bad rows)."""
    from attention.imports.reddit_dump import default_annotator

    now = dt.datetime.now(dt.UTC)
    items: list[TextItem] = []
    bad = 0
    rows: Iterator[Any] = news_csv_rows(path) if is_csv(path) else _ndjson_lines(path)
    for row in rows:
        try:
            item = (
                news_item(row, str(path), now)
                if isinstance(row, dict)
                else parse_news_line(row, str(path), now)
            )
        except ItemError:
            bad += 1
            continue
        if item is not None:
            items.append(item)
    kept = [item for item in default_annotator(config)(items) if item.themes]
    records: list[Record] = list(kept)
    if span is None and items:
        times = [item.created_utc for item in items]
        span = (min(times), max(times) + dt.timedelta(seconds=1))
    if span is not None:
        provenance = Provenance(
            f"file:{Path(path).name}", ARCHIVE_VERSION, now, {"file": str(Path(path).resolve())}
        )
        records.append(
            CoverageSpan("news", "file", Path(path).name, span[0], span[1], "import", provenance, len(kept))
        )
    store.write(records)
    return len(kept), bad


def _ndjson_lines(path: str | Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        yield from (line for line in handle if line.strip())
