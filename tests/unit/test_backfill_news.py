"""News archive rows -> headline items through the news collector's own mapping."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from attention.backfill.partitions import csv_partitions
from attention.errors import FatalError, ItemError
from attention.imports.news_archive import news_item, parse_news_line, parse_time

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 02 Jul 2024 14:05:00 GMT", dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),
        ("2024-07-02T10:05:00-04:00", dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),
        ("2024-07-02T14:05:00Z", dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),
        ("2024-07-02 14:05:00", dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),  # naive = UTC
        (1719929100, dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),
        ("1719929100", dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)),
    ],
)
def test_times_in_common_archive_formats(value: object, expected: dt.datetime) -> None:
    assert parse_time(value) == expected


def test_a_row_is_cleaned_like_a_feed_entry() -> None:
    item = news_item(
        {
            "title": "Nvidia &amp; AI stocks rally - Reuters",
            "summary": "<p>Chip maker <b>Nvidia</b> rose</p>",
            "link": "https://www.reuters.com/markets/x?utm_source=rss&id=3",
            "published": "Tue, 02 Jul 2024 14:05:00 GMT",
            "outlet": "Reuters",
        },
        "/data/news.ndjson",
        NOW,
    )
    assert item is not None
    assert (item.title, item.body, item.outlet) == (
        "Nvidia & AI stocks rally",
        "Chip maker Nvidia rose",
        "Reuters",
    )
    assert item.url == item.item_id == "https://www.reuters.com/markets/x?id=3"
    assert item.created_utc == dt.datetime(2024, 7, 2, 14, 5, tzinfo=dt.UTC)
    assert item.feeds == ("archive:news.ndjson",) and item.kind == "headline"
    assert item.provenance.url == "file:news.ndjson"


def test_feed_column_labels_the_item_and_the_id_is_stable() -> None:
    row = {"headline": "Small caps lag", "date": "2024-01-05", "feed": "bbc-business"}
    first, again = news_item(row, "a.csv", NOW), news_item(row, "a.csv", NOW + dt.timedelta(1))
    assert first is not None and again is not None
    assert first.feeds == ("bbc-business",)
    assert first.item_id == again.item_id and first.item_id.startswith("sha1:")


@pytest.mark.parametrize("row", [{"title": "x"}, {"title": "x", "published": "yesterday"}])
def test_rows_without_a_usable_time_are_bad_rows(row: dict) -> None:
    with pytest.raises(ItemError):
        news_item(row, "a.csv", NOW)


def test_bad_json_is_a_bad_row_and_no_title_is_no_item() -> None:
    with pytest.raises(ItemError):
        parse_news_line(b'{"title": ', "a.ndjson", NOW)
    assert news_item({"title": "", "published": "2024-01-05"}, "a.csv", NOW) is None


def test_csv_partitions_keep_quoted_newlines_and_every_row(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "summary", "published"])
        for n in range(25):
            writer.writerow([f"AI stocks {n}", "line one\nline two", "2024-01-05"])
    parts = list(csv_partitions(path, rows_per_partition=10))
    assert [len(rows) for _, rows in parts] == [10, 10, 5]
    assert [p.start for p, _ in parts] == [0, 10, 20]
    assert parts[0][1][0]["summary"] == "line one\nline two"
    assert len({p.key for p, _ in parts}) == 3


def test_csv_without_a_title_column_says_what_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("name,when\nx,2024-01-01\n")
    with pytest.raises(FatalError, match=r"a text column \(title, headline"):
        list(csv_partitions(path))


def test_recorded_bbc_rss_rows_all_map(shared_data: Path) -> None:
    path = shared_data / "bbc_business_rss_items_2022-2024" / "bbc_business_rss_items.csv"
    rows = [row for _, batch in csv_partitions(path) for row in batch]
    items = [news_item(row, str(path), NOW) for row in rows]
    assert len(items) == len(rows) > 2000
    assert all(i is not None and not i.flags for i in items)
    assert all("at_medium" not in (i.url or "") for i in items)  # BBC tracking dropped
    years = {i.created_utc.year for i in items}
    assert years == {2022, 2023, 2024}
