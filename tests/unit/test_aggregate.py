"""theme_daily: counts, means, engagement weights and shares, checked by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from attention.derive.aggregate import AggregateInputError, theme_daily, utc_day

D1, D2 = dt.date(2024, 7, 1), dt.date(2024, 7, 2)


@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "created_utc": pd.to_datetime(
                [
                    "2024-07-01 10:00",
                    "2024-07-01 23:30",
                    "2024-07-01 12:00",
                    "2024-07-02 01:00",
                    "2024-07-02 02:00",
                ],
                utc=True,
            ),
            "day": [D1, D1, D1, D2, D2],
            "themes": [
                ["ai_stocks", "magnificent_seven"],
                ["ai_stocks"],
                [],
                ("ai_stocks",),
                np.array(["small_caps"]),
            ],
            "compound": [0.5, -0.4, 0.9, None, 0.0],
            "score": [10, None, 5, 3, -2],
            "num_comments": [9, 0, 0, 1, 0],
            "source": ["reddit", "news", "reddit", "reddit", "reddit"],
            "scoreable": [True, True, True, False, True],
        }
    )


def row(frame: pd.DataFrame, theme: str, day: dt.date) -> pd.Series:
    hit = frame[(frame["theme"] == theme) & (frame["day"] == day)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_counts_means_and_shares(items: pd.DataFrame) -> None:
    out = theme_daily(items)
    ai1 = row(out, "ai_stocks", D1)
    assert ai1["mentions"] == 2 and ai1["scored"] == 2
    assert ai1["sentiment_mean"] == pytest.approx(0.05)
    w1, w2 = 1 + math.log1p(19), 1 + math.log1p(0)
    assert ai1["sentiment_weighted"] == pytest.approx((0.5 * w1 - 0.4 * w2) / (w1 + w2))
    assert ai1["pos_share"] == 0.5 and ai1["neg_share"] == 0.5
    assert ai1["engagement"] == 19
    assert row(out, "magnificent_seven", D1)["sentiment_mean"] == 0.5


def test_unscoreable_items_count_as_mentions_only(items: pd.DataFrame) -> None:
    ai2 = row(theme_daily(items), "ai_stocks", D2)
    assert ai2["mentions"] == 1 and ai2["scored"] == 0
    assert math.isnan(ai2["sentiment_mean"]) and math.isnan(ai2["pos_share"])


def test_neutral_items_are_in_neither_share(items: pd.DataFrame) -> None:
    sc = row(theme_daily(items), "small_caps", D2)
    assert sc["pos_share"] == 0 and sc["neg_share"] == 0 and sc["sentiment_mean"] == 0
    assert sc["engagement"] == 0  # negative upvotes count as zero


def test_items_without_themes_are_dropped(items: pd.DataFrame) -> None:
    out = theme_daily(items)
    assert len(out) == 4 and out["mentions"].sum() == 5


def test_day_function_and_source_split(items: pd.DataFrame) -> None:
    out = theme_daily(items.drop(columns="day"), day=utc_day, by_source=True)
    assert list(out.columns[:3]) == ["theme", "day", "source"]
    news = out[(out["theme"] == "ai_stocks") & (out["source"] == "news")].iloc[0]
    assert news["day"] == D1 and news["sentiment_mean"] == -0.4


def test_missing_day_is_a_clear_error(items: pd.DataFrame) -> None:
    with pytest.raises(AggregateInputError, match="utc_day"):
        theme_daily(items.drop(columns="day"))
    with pytest.raises(AggregateInputError, match="annotate_items"):
        theme_daily(items.drop(columns="compound"))


def test_empty_input_gives_empty_frame_with_columns(items: pd.DataFrame) -> None:
    out = theme_daily(items.iloc[:0])
    assert out.empty and "sentiment_weighted" in out.columns
