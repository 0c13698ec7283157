"""Price parsing replayed from real Yahoo CSV exports in ../shared/data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from collectors.core.records import Provenance, utcnow
from collectors.market.prices import read_yahoo_csv, yahoo_frame_to_bars

PROV = Provenance("file", "test", utcnow())


@pytest.mark.parametrize("name", ["IWM.csv", "SPY.csv", "QQQ.csv", "^RUT.csv", "^GSPC.csv", "^NDX.csv"])
def test_plain_yahoo_csvs_parse_to_bars(shared_data: Path, name: str) -> None:
    frame, ticker = read_yahoo_csv(str(shared_data / "prices_indices_yf_2000-2022" / name))
    bars = yahoo_frame_to_bars(frame, name.removesuffix(".csv"), PROV)
    assert ticker is None
    assert len(bars) == len(frame.dropna(subset=["Close"]))
    assert bars[-1].date == dt.date(2022, 11, 18)
    assert all(b.low <= b.close <= b.high for b in bars if b.low is not None and b.low > 0)
    assert all(b.adj_close is not None and b.volume is not None for b in bars)


def test_known_values_of_iwm(shared_data: Path) -> None:
    frame, _ = read_yahoo_csv(str(shared_data / "prices_indices_yf_2000-2022" / "IWM.csv"))
    bars = {b.date: b for b in yahoo_frame_to_bars(frame, "IWM", PROV)}
    first = bars[dt.date(2000, 5, 26)]
    assert (first.open, first.close, first.adj_close, first.volume) == (45.53125, 45.71875, 34.40634, 74800.0)
    assert bars[dt.date(2022, 11, 18)].close == 183.72


def test_two_header_yfinance_quirk(shared_data: Path) -> None:
    """market_mood CSVs carry a second header row ',^GSPC,^GSPC' that must not become a bar."""
    frame, ticker = read_yahoo_csv(str(shared_data / "market_mood_2004_2026" / "sp500_data.csv"))
    bars = yahoo_frame_to_bars(frame, ticker, PROV)
    assert ticker == "^GSPC"
    assert bars[0].date == dt.date(2004, 1, 2) and bars[0].close == pytest.approx(1126.33, abs=0.01)
    assert bars[-1].date == dt.date(2026, 5, 1)
    assert bars[0].open is None and bars[0].volume == 5930800000.0


def test_vix_two_header_file_has_only_a_close_column(shared_data: Path) -> None:
    frame, ticker = read_yahoo_csv(str(shared_data / "market_mood_2004_2026" / "vix_data.csv"))
    assert ticker == "^VIX"
    assert list(frame.columns) == ["VIX_Close"]
    assert frame.index[0] == dt.datetime(2004, 1, 2)
