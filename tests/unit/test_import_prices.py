"""`attention import prices` on constructed files: every layout, and hostile variants."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from attention.errors import InputFileError
from attention.imports.prices import import_prices
from attention.imports.prices_csv import parse_price_file, partial_reason
from attention.store import Store
from collectors.core.records import PriceBar, Provenance, utcnow

LONG_AGO = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # files "written" long after their bars


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_yahoo_download_keeps_raw_and_adjusted_close_apart(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "SPY.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-01-02,10,11,9,10.5,9.5,100\n2024-01-03,10.5,12,10,11,10,200\n",
    )
    parsed = parse_price_file(path, written_at=LONG_AGO)
    assert (parsed.layout, parsed.ticker_from, parsed.tickers) == ("yahoo", "the file name", ["SPY"])
    assert [(b.close, b.adj_close) for b in parsed.bars] == [(10.5, 9.5), (11.0, 10.0)]


def test_yfinance_three_row_header_names_the_ticker(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "download.csv",
        "Price,Adj Close,Close,High,Low,Open,Volume\nTicker,IWM,IWM,IWM,IWM,IWM,IWM\nDate,,,,,,\n"
        "2024-01-02 00:00:00+00:00,190,195,196,193,194,1000\n",
    )
    parsed = parse_price_file(path, written_at=LONG_AGO)
    assert parsed.tickers == ["IWM"] and parsed.ticker_from == "the second header row"
    assert (parsed.bars[0].close, parsed.bars[0].adj_close) == (195.0, 190.0)


def test_stooq_bulk_and_alpha_vantage_newest_first(tmp_path: Path) -> None:
    stooq = write(
        tmp_path,
        "x.txt",
        "<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"
        "SPY.US,D,20240102,000000,470,472,468,471,5000,0\nQQQ.US,D,20240102,000000,400,401,399,400.5,7000,0\n",
    )
    parsed = parse_price_file(stooq, written_at=LONG_AGO)
    assert parsed.layout == "stooq" and parsed.tickers == ["QQQ", "SPY"]
    alpha = write(
        tmp_path,
        "daily_IBM.csv",
        "timestamp,open,high,low,close,volume\n2024-01-03,2,3,1,2.5,10\n2024-01-02,1,2,1,1.5,10\n",
    )
    parsed = parse_price_file(alpha, written_at=LONG_AGO)
    assert parsed.tickers == ["IBM"] and parsed.layout == "alphavantage"
    assert [b.date.day for b in parsed.bars] == [2, 3] and "newest first (sorted)" in parsed.notes


def test_plain_file_needs_a_ticker_and_takes_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.csv", "date;close;volume\n2024-01-02;1.234,5;10\n", encoding="utf-16")
    with pytest.raises(InputFileError, match="pass --ticker"):
        parse_price_file(path)
    parsed = parse_price_file(path, ticker="abc", written_at=LONG_AGO)
    assert parsed.bars[0].ticker == "ABC" and parsed.bars[0].close == 1234.5


def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "SPY.csv",
        "Date,Close,Volume\n2024-01-02,10,5\n2024-01-03,ten,5\n2024-13-01,10,5\n2024-01-05,-1,5\n",
    )
    with Store(tmp_path / "s.duckdb") as db:
        with pytest.raises(InputFileError) as err:
            import_prices(db, [path])
        assert db.count("prices") == 0 and db.count("coverage") == 0
    message = str(err.value)
    assert "line 3, column 'Close': 'ten' is not a number" in message
    assert "line 4, column 'Date'" in message and "line 5, column 'Close'" in message


def test_duplicates_same_values_skipped_conflicting_values_rejected(tmp_path: Path) -> None:
    same = write(tmp_path, "SPY.csv", "Date,Close\n2024-01-02,10\n2024-01-02,10\n2024-01-03,11\n")
    parsed = parse_price_file(same, written_at=LONG_AGO)
    assert len(parsed.bars) == 2 and parsed.skipped["duplicate rows"] == 1
    clash = write(tmp_path, "QQQ.csv", "Date,Close\n2024-01-02,10\n2024-01-02,12\n")
    with pytest.raises(InputFileError, match="line 3, column 'date': 2024-01-02 is also on line 2"):
        parse_price_file(clash)


@pytest.mark.parametrize("text", ["", "\n\n", "Date,Close\n", "Date,Open\n2024-01-02,1\n"])
def test_empty_and_headerless_files_say_what_is_expected(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputFileError, match="empty|no price rows|expected a date column"):
        parse_price_file(write(tmp_path, "SPY.csv", text))


def test_second_import_is_unchanged_and_coverage_is_recorded(tmp_path: Path) -> None:
    path = write(tmp_path, "SPY.csv", "Date,Close,Volume\n2024-01-02,10,5\n2024-01-03,11,6\n")
    with Store(tmp_path / "s.duckdb") as db:
        first = import_prices(db, [path])[0]
        second = import_prices(db, [path])[0]
        spans = db.coverage_spans(["prices"])
    assert (first.new, first.unchanged) == (2, 0) and "imported" in first.line()
    assert (second.new, second.changed, second.unchanged) == (0, 0, 2)
    assert ": unchanged:" in second.line()
    assert spans[["unit_kind", "unit", "origin", "items"]].values.tolist() == [["ticker", "SPY", "import", 2]]
    assert spans["span_end"].iloc[0] == dt.datetime(2024, 1, 4, tzinfo=dt.UTC)
    path.write_text("Date,Close,Volume\n2024-01-02,10,5\n2024-01-03,11.5,6\n")
    with Store(tmp_path / "s.duckdb") as db:
        third = import_prices(db, [path])[0]
    assert (third.changed, third.unchanged) == (1, 1) and ": updated:" in third.line()


def test_a_bar_read_before_its_close_is_flagged_partial_and_not_covered(tmp_path: Path) -> None:
    path = write(tmp_path, "SPY.csv", "Date,Close,Volume\n2024-01-02,10,5\n2024-01-03,11,6\n")
    written = dt.datetime(2024, 1, 3, 18, 0, tzinfo=dt.UTC)  # 13:00 New York: market open
    parsed = parse_price_file(path, written_at=written)
    assert [b.is_partial for b in parsed.bars] == [False, True]
    assert any("before that session's close" in note for note in parsed.notes)


def test_a_last_bar_with_a_sliver_of_the_usual_volume_is_suspect() -> None:
    prov = Provenance("file", "t", utcnow())
    before = [
        PriceBar("X", dt.date(2024, 1, d), None, None, None, 1.0, None, 1000.0, "p", prov)
        for d in range(2, 14)
    ]
    last = PriceBar("X", dt.date(2024, 1, 16), None, None, None, 1.0, None, 100.0, "p", prov)
    assert "10% of the median" in (partial_reason(last, before, LONG_AGO) or "")
    full = PriceBar("X", dt.date(2024, 1, 16), None, None, None, 1.0, None, 900.0, "p", prov)
    assert partial_reason(full, before, LONG_AGO) is None


def test_weekly_bars_are_refused_unless_allowed(tmp_path: Path) -> None:
    rows = "".join(f"2024-01-{d:02d},{d}\n" for d in (5, 12, 19, 26))
    path = write(tmp_path, "SPY.csv", "Date,Close\n" + rows)
    with Store(tmp_path / "s.duckdb") as db:
        with pytest.raises(InputFileError, match="weekly, not daily"):
            import_prices(db, [path])
        assert import_prices(db, [path], allow_weekly=True)[0].new == 4


def test_ticker_option_that_contradicts_the_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Date,Close\n,^GSPC\n2024-01-02,10\n")
    with pytest.raises(InputFileError, match="names ticker '\\^GSPC' but --ticker is 'SPY'"):
        parse_price_file(path, ticker="SPY")


def test_a_partial_bar_is_stored_flagged_but_kept_out_of_panels_and_coverage(tmp_path: Path) -> None:
    path = write(tmp_path, "SPY.csv", "Date,Close,Volume\n2024-01-02,10,5\n2024-01-03,11,6\n")
    written = dt.datetime(2024, 1, 3, 18, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (written, written))
    with Store(tmp_path / "s.duckdb") as db:
        summary = import_prices(db, [path])[0]
        stored = db.query("SELECT date, is_partial FROM prices ORDER BY date")["is_partial"].tolist()
        panel = db.panel_prices(["SPY"])
        spans = db.coverage_spans(["prices"])
    assert stored == [False, True] and len(panel) == 1
    assert spans["span_end"].iloc[0] == dt.datetime(2024, 1, 3, tzinfo=dt.UTC)
    assert any("flagged partial" in note for note in summary.notes)


def test_shuffled_dates_are_sorted_and_said(tmp_path: Path) -> None:
    path = write(tmp_path, "SPY.csv", "Date,Close\n2024-01-03,11\n2024-01-02,10\n2024-01-04,12\n")
    parsed = parse_price_file(path, written_at=LONG_AGO)
    assert [b.date.day for b in parsed.bars] == [2, 3, 4] and "dates out of order (sorted)" in parsed.notes


def test_nasdaq_download_with_close_last_and_dollar_signs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "HistoricalData_NVDA.csv",
        "Date,Close/Last,Volume,Open,High,Low\n07/02/2024,$122.67,1000,$121.13,$123.41,$121.03\n",
    )
    parsed = parse_price_file(path, ticker="NVDA", written_at=LONG_AGO)
    bar = parsed.bars[0]
    assert (bar.date, bar.close, bar.open, bar.volume) == (dt.date(2024, 7, 2), 122.67, 121.13, 1000.0)
