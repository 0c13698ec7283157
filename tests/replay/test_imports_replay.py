"""Every import replayed from the real files in ../shared/data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from attention.imports.news_archive import news_csv_rows, news_item
from attention.imports.prices import import_prices
from attention.imports.prices_csv import parse_price_file
from attention.imports.reddit_csv import read_reddit_csv
from attention.imports.trends_layouts import parse_trends_file
from attention.store import Store
from collectors.core.records import utcnow
from collectors.reddit.items import AuthorPolicy

LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
AUTHORS = AuthorPolicy(salt="replay", store_names=False)


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("IWM.csv", 5658),
        ("SPY.csv", 5759),
        ("QQQ.csv", 5759),
        ("^RUT.csv", 5759),
        ("^GSPC.csv", 5759),
        ("^NDX.csv", 5759),
    ],
)
def test_yahoo_index_files(shared_data: Path, name: str, rows: int) -> None:
    parsed = parse_price_file(shared_data / "prices_indices_yf_2000-2022" / name, written_at=LATER)
    assert parsed.tickers == [name.removesuffix(".csv")] and parsed.ticker_from == "the file name"
    assert len(parsed.bars) == rows and parsed.frequency == "day" and not parsed.skipped
    assert parsed.bars[-1].date == dt.date(2022, 11, 18)
    assert all(b.adj_close is not None for b in parsed.bars)


def test_iwm_raw_and_adjusted_close_kept_apart(shared_data: Path) -> None:
    parsed = parse_price_file(shared_data / "prices_indices_yf_2000-2022" / "IWM.csv", written_at=LATER)
    first = parsed.bars[0]
    assert (first.date, first.close, first.adj_close, first.volume) == (
        dt.date(2000, 5, 26),
        45.71875,
        34.40634,
        74800.0,
    )


@pytest.mark.parametrize(("name", "ticker"), [("sp500_data.csv", "^GSPC"), ("vix_data.csv", "^VIX")])
def test_two_header_yfinance_files_are_weekly_and_refused_as_daily(
    shared_data: Path, tmp_path: Path, name: str, ticker: str
) -> None:
    path = shared_data / "market_mood_2004_2026" / name
    parsed = parse_price_file(path, written_at=LATER)
    assert parsed.tickers == [ticker] and parsed.ticker_from == "the second header row"
    assert parsed.bars[0].date == dt.date(2004, 1, 2) and len(parsed.bars) == 1166
    assert parsed.frequency == "week"
    with Store(tmp_path / "s.duckdb") as db:
        with pytest.raises(Exception, match="weekly, not daily"):
            import_prices(db, [path])
        assert db.count("prices") == 0


def test_tsla_file_with_unnamed_date_column(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA.csv"
    with Store(tmp_path / "s.duckdb") as db:
        first = import_prices(db, [path])[0]
        second = import_prices(db, [path])[0]
        spans = db.coverage_spans(["prices"])
    assert (first.read, first.new) == (497, 497) and ": unchanged:" in second.line()
    assert spans["span_start"].iloc[0] == dt.datetime(2022, 6, 27, tzinfo=dt.UTC)


def test_gdelt_headlines_are_read_by_their_dt_column(shared_data: Path) -> None:
    path = shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA_news.csv"
    retrieved = utcnow()
    items = [news_item(row, str(path), retrieved) for row in news_csv_rows(path)]
    assert len(items) == 5733 and all(item is not None for item in items)
    assert items[0] is not None and items[0].created_utc == dt.datetime(2022, 6, 27, 2, 15, tzinfo=dt.UTC)


def test_kaggle_wsb_csv(shared_data: Path) -> None:
    path = shared_data / "reddit_wsb_posts" / "wsb_kaggle_fmt_2022-01-18_to_2022-01-21.csv"
    items, summary = read_reddit_csv(path, AUTHORS)
    assert summary.read == 1892 and len(items) + sum(summary.skipped.values()) == 1892
    assert set(summary.skipped) == {"rows without a subreddit (no column, no /r/ URL; pass --subreddit)"}
    skipped = summary.skipped["rows without a subreddit (no column, no /r/ URL; pass --subreddit)"]
    assert f"({skipped:,} rows without a subreddit" in summary.line()  # counts by reason as 1,606
    items, summary = read_reddit_csv(path, AUTHORS, subreddit="wallstreetbets")
    assert len(items) == 1892 and not summary.skipped
    # every row is a r/wallstreetbets post: the 4 whose url links a post in another subreddit
    # (crossposts from r/pcgaming, r/Daytrading, ...) are not made posts of that subreddit
    assert {item.container for item in items} == {"wallstreetbets"}
    # and each item links its own post, not the one its url pointed at
    assert all(i.url and f"/comments/{i.item_id[3:]}/" in i.url for i in items)
    assert items[0].url.startswith("https://www.reddit.com/r/wallstreetbets/comments/s9i9bw/")
    assert items[0].item_id == "t3_s9i9bw" and items[0].created_utc == dt.datetime.fromtimestamp(
        1642792067, dt.UTC
    )


def test_praw_style_wsb_csv(shared_data: Path) -> None:
    path = shared_data / "reddit_wsb_posts" / "wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv"
    items, summary = read_reddit_csv(path, AUTHORS)
    assert len(items) == 530 and {i.container for i in items} == {"wallstreetbets"}
    first = items[0]
    assert (first.item_id, first.score, first.num_comments) == ("t3_1dticah", 91, 9013)
    assert any("comments column was not imported" in n for n in summary.notes)


def test_reddit_csv_import_says_what_it_records_as_watched(
    shared_data: Path, tmp_path: Path, default_config_path: Path
) -> None:
    """A CSV of posts is taken to hold every post of its subreddit between its first and last:
    the import says so, with the span, so a sampled file is not silently a full watch."""
    from attention.config import load_config
    from attention.imports.reddit_csv import import_reddit_csv

    config = load_config(default_config_path, overrides={"store.path": str(tmp_path / "s.duckdb")})
    path = shared_data / "reddit_wsb_posts" / "wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv"
    with Store(config.store.path) as store:
        (summary,) = import_reddit_csv(store, config, [path], annotate=lambda items: items)
        spans = store.coverage_spans(["reddit"])
    assert list(spans["unit"]) == ["wallstreetbets"]
    watched = [n for n in summary.notes if n.startswith("recorded as watched: ")]
    assert watched == [
        "recorded as watched: r/wallstreetbets 2024-06-22 17:46..2024-07-02 19:12 UTC; every post of "
        "that time is taken to be in the file, so a period there without a matching post counts 0 "
        "(a sample of posts is not a full watch)"
    ]


def test_gen_ai_trends_two_payloads(shared_data: Path) -> None:
    text = (shared_data / "ai_tool_search_trends_2022-2025" / "gen_ai_trends.csv").read_text()
    timelines, notes = parse_trends_file(text, "gen_ai_trends.csv", geo="")
    assert [len(t.terms) for t in timelines] == [5, 5] and timelines[0].terms[0] == "ChatGPT"
    assert timelines[1].terms[-1] == "Sora" and timelines[0].granularity == "week"
    assert all(len(t.points) == 184 * 5 for t in timelines)
    assert "2 payloads" in notes[-1]
