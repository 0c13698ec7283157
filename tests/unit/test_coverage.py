"""Coverage spans: the record, the store round trip and the fraction of each period covered."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention.panel.coverage import covered_fraction, union_spans
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, day_span

UTC = dt.UTC


def _span(unit: str, first: dt.date, last: dt.date, origin: str = "collect") -> CoverageSpan:
    start, end = day_span(first, last)
    prov = Provenance("test://", "1", dt.datetime(2026, 1, 1, tzinfo=UTC))
    return CoverageSpan("reddit", "subreddit", unit, start, end, origin, prov, items=3)


def test_span_rejects_naive_and_empty_spans() -> None:
    prov = Provenance("test://", "1", dt.datetime(2026, 1, 1, tzinfo=UTC))
    naive = dt.datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="tz-aware"):
        CoverageSpan("reddit", "subreddit", "x", naive, naive, "collect", prov)
    moment = dt.datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="empty coverage span"):
        CoverageSpan("reddit", "subreddit", "x", moment, moment, "collect", prov)


def test_day_span_is_half_open_whole_days() -> None:
    start, end = day_span(dt.date(2026, 1, 5), dt.date(2026, 1, 6))
    assert start == dt.datetime(2026, 1, 5, tzinfo=UTC)
    assert end == dt.datetime(2026, 1, 7, tzinfo=UTC)


def test_store_round_trip_is_idempotent(tmp_path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        spans = [_span("wallstreetbets", dt.date(2022, 1, 18), dt.date(2022, 1, 21))]
        assert store.write(spans)["coverage"] == 1
        assert store.write(spans)["coverage"] == 0  # the same span again adds nothing
        store.write([_span("stocks", dt.date(2024, 6, 22), dt.date(2024, 7, 2), "import")])
        frame = store.coverage_spans(["reddit"])
        assert list(frame["unit"]) == ["stocks", "wallstreetbets"]
        assert str(frame["span_start"].dt.tz) == "UTC"
        summary = store.coverage_summary()
        assert summary.loc[summary["unit"] == "stocks", "origins"].iloc[0] == ["import"]
        assert store.coverage_spans([]).empty
        assert store.coverage_spans(["news"]).empty


def _frame(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "span_start": pd.to_datetime([a for a, _ in pairs], utc=True),
            "span_end": pd.to_datetime([b for _, b in pairs], utc=True),
        }
    )


def test_fraction_counts_overlaps_once_and_gaps_as_unobserved() -> None:
    spans = _frame([("2022-01-18", "2022-01-20"), ("2022-01-19", "2022-01-21"), ("2024-06-22", "2024-06-23")])
    days = pd.date_range("2022-01-17", "2022-01-22", freq="D", tz="UTC")
    fraction = covered_fraction(spans, days[:-1], days[1:])
    assert fraction.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    week = covered_fraction(spans, pd.DatetimeIndex([days[0]]), pd.DatetimeIndex([days[-1]]))
    assert week[0] == pytest.approx(3 / 5)
    assert len(union_spans(spans)) == 2


def test_fraction_of_a_half_day() -> None:
    spans = _frame([("2022-01-18 12:00", "2022-01-19 00:00")])
    day = covered_fraction(
        spans, pd.DatetimeIndex(["2022-01-18"], tz="UTC"), pd.DatetimeIndex(["2022-01-19"], tz="UTC")
    )
    assert day[0] == pytest.approx(0.5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 48)), max_size=8))
def test_fraction_matches_an_hourly_count(raw: list[tuple[int, int]]) -> None:
    """Against a brute-force count of covered hours, for random span patterns."""
    origin = pd.Timestamp("2024-01-01", tz="UTC")
    pairs = [(origin + pd.Timedelta(hours=a), origin + pd.Timedelta(hours=a + n)) for a, n in raw]
    spans = pd.DataFrame({"span_start": [a for a, _ in pairs], "span_end": [b for _, b in pairs]})
    hours = np.zeros(24 * 11, dtype=bool)
    for a, n in raw:
        hours[a : a + n] = True
    starts = pd.date_range(origin, periods=11, freq="D")
    fraction = covered_fraction(spans, starts, starts + pd.Timedelta(days=1))
    expected = hours.reshape(11, 24).mean(axis=1)
    assert np.allclose(fraction, expected)
