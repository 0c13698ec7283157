"""Shares, Reddit CSV and news-archive column detection on constructed files (hostile ones too)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from attention.config import Config, load_config
from attention.errors import FatalError, InputFileError
from attention.imports.news_archive import news_csv_rows, news_item
from attention.imports.reddit_csv import import_reddit_csv, read_reddit_csv
from attention.imports.shares_csv import import_shares, parse_shares_file
from attention.store import Store
from collectors.core.records import PriceBar, Provenance, TextItem, utcnow
from collectors.reddit.items import AuthorPolicy

AUTHORS = AuthorPolicy(salt="s", store_names=False)


@pytest.fixture
def config(tmp_path: Path, default_config_path: Path) -> Config:
    return load_config(default_config_path, overrides={"store.path": str(tmp_path / "s.duckdb")})


def keep_all(items: list[TextItem]) -> list[TextItem]:
    return items


def test_shares_import_derives_flows_like_collected_shares(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "iwm_shares.csv"
    path.write_text("date,shares_outstanding\n2024-01-02,100\n2024-01-03,110\n2024-01-04,105\n")
    prov = Provenance("file", "t", utcnow())
    closes = [
        PriceBar("IWM", dt.date(2024, 1, d), None, None, None, 2.0, None, None, "p", prov) for d in (2, 3, 4)
    ]
    with Store(config.store.path) as db:
        db.write(closes)
        summaries, flows = import_shares(db, config, [path], ticker="IWM")
        again, _ = import_shares(db, config, [path], ticker="IWM")
        stored = db.query(
            "SELECT date, flow_usd FROM flows WHERE method = 'shares_outstanding' ORDER BY date"
        )
        spans = db.coverage_spans(["shares"])
    assert summaries[0].new == 3 and flows == 2
    assert stored["flow_usd"].tolist() == [20.0, -10.0]  # (110 - 100) * 2, (105 - 110) * 2
    assert again[0].unchanged == 3 and ": unchanged:" in again[0].line()
    assert spans["unit"].tolist() == ["IWM"] and spans["origin"].tolist() == ["import"]


def test_shares_bad_rows_named_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,ticker,shares\n2024-01-02,IWM,100\n2024-01-03,IWM,-5\nyesterday,IWM,5\n")
    with pytest.raises(InputFileError) as err:
        parse_shares_file(path)
    assert "line 3, column 'shares'" in str(err.value) and "line 4, column 'date'" in str(err.value)


def test_reddit_csv_rejects_rows_without_id_or_time_and_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,title,body,score,created,num_comments,subreddit\n"
        "abc,NVDA to the moon,calls,5,1700000000,3,wallstreetbets\n"
        ",no id,,1,1700000001,0,wallstreetbets\n"
        "def,no time,,1,,0,wallstreetbets\n"
        "ghi,bad time,,1,yesterday,0,wallstreetbets\n"
        "jkl,naive time,,1,2024-07-02 10:15:04,0,stocks\n"
    )
    items, summary = read_reddit_csv(path, AUTHORS, timezone="America/New_York")
    assert [i.item_id for i in items] == ["t3_abc", "t3_jkl"]
    assert dict(summary.skipped) == {
        "rows without an id": 1,
        "rows without a time": 1,
        "rows with an unreadable time": 1,
    }
    assert items[1].created_utc == dt.datetime(2024, 7, 2, 14, 15, 4, tzinfo=dt.UTC)
    assert (items[0].container, items[0].score, items[0].num_comments) == ("wallstreetbets", 5, 3)
    assert any("America/New_York" in note for note in summary.notes)


def test_reddit_csv_subreddit_from_url_or_option_never_guessed(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "kaggle.csv"
    path.write_text(
        "title,score,id,url,comms_num,created,body,timestamp\n"
        "a,1,x1,https://www.reddit.com/r/wallstreetbets/comments/x1/a/,0,1642792067.0,,2022-01-21\n"
        "b,1,x2,https://i.redd.it/img.jpg,0,1642792068.0,,2022-01-21\n"
    )
    items, summary = read_reddit_csv(path, AUTHORS)
    assert [i.container for i in items] == ["wallstreetbets"] and sum(summary.skipped.values()) == 1
    with Store(config.store.path) as db:
        first = import_reddit_csv(db, config, [path], subreddit="wallstreetbets", annotate=keep_all)[0]
        second = import_reddit_csv(db, config, [path], subreddit="wallstreetbets", annotate=keep_all)[0]
        spans = db.coverage_spans(["reddit"])
    assert first.new == 2 and second.unchanged == 2 and ": unchanged:" in second.line()
    assert spans[["unit_kind", "unit", "items"]].values.tolist() == [["subreddit", "wallstreetbets", 2]]


def test_reddit_csv_without_id_or_time_columns_names_them(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("title,text\nhello,world\n")
    with pytest.raises(InputFileError, match="needs an id column .* and a time column"):
        read_reddit_csv(path, AUTHORS)


def test_news_archive_detects_gdelt_dt_and_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(",dt,title\n1,2022-06-27 02:15:00,Tesla stock falls\n")
    rows = list(news_csv_rows(path))
    item = news_item(rows[0], str(path), utcnow())
    assert item is not None and item.created_utc == dt.datetime(2022, 6, 27, 2, 15, tzinfo=dt.UTC)
    odd = tmp_path / "odd.csv"
    odd.write_text("when,text\n20240102T100000Z,Nvidia beats\n")
    with pytest.raises(
        FatalError, match=r"expected a text column .*; a time column .*dt.*the header has \['when', 'text'\]"
    ):
        list(news_csv_rows(odd))
    rows = list(news_csv_rows(odd, {"title": "text", "published": "when"}))
    item = news_item(rows[0], str(odd), utcnow())
    assert item is not None and item.title == "Nvidia beats"
    assert item.created_utc == dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC)
    with pytest.raises(FatalError, match="no column 'headline'"):
        list(news_csv_rows(odd, {"title": "headline"}))


def test_shares_on_weekends_and_holidays_map_to_the_next_session(tmp_path: Path) -> None:
    path = tmp_path / "IWM.csv"
    path.write_text(
        "date,shares\n2024-07-03,100\n2024-07-04,101\n"  # Independence Day -> Friday 07-05
        "2024-07-06,102\n2024-07-07,103\n"  # a weekend without a Monday row -> Monday 07-08, Sunday wins
        "2024-07-09,104\n2024-07-13,105\n2024-07-15,106\n"  # Saturday superseded by Monday's own row
    )
    records, summary = parse_shares_file(path)
    assert [(r.date.isoformat(), r.shares) for r in records] == [
        ("2024-07-03", 100.0),
        ("2024-07-05", 101.0),
        ("2024-07-08", 103.0),
        ("2024-07-09", 104.0),
        ("2024-07-15", 106.0),
    ]
    assert (
        sum(summary.skipped.values()) == 2
        and "2 row(s) dated on a weekend or holiday moved" in summary.notes[0]
    )
    # every row not on a session is a flag, moved or set aside (stored by import_shares)
    assert [(f.check, f.subject, f.first.isoformat(), f.severity) for f in summary.findings] == [
        ("import_dates", "IWM", day, "info")
        for day in ("2024-07-04", "2024-07-06", "2024-07-07", "2024-07-13")
    ]
    details = [f.detail.split(": ", 1)[1] for f in summary.findings]
    assert details == [
        "moved to the next session, 2024-07-05, and counted in its flow",
        "the row of the next session, 2024-07-08, was used instead",
        "moved to the next session, 2024-07-08, and counted in its flow",
        "the row of the next session, 2024-07-15, was used instead",
    ]


def test_reddit_csv_in_windows_1252_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = "id;title;created;subreddit\nabc;Caf\u00e9 stocks \u2013 NVDA;1700000000;stocks\n"
    path.write_bytes(text.encode("cp1252"))
    items, summary = read_reddit_csv(path, AUTHORS)
    assert [i.title for i in items] == ["Caf\u00e9 stocks \u2013 NVDA"] and summary.read == 1
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="the file is empty"):
        read_reddit_csv(empty, AUTHORS)
