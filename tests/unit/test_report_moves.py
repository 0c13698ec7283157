"""The weekly headline compares only what was watched on both sides, and says what it left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from attention.panel.build import DAILY_COLUMNS, WEEKLY_COLUMNS, ThemePanel
from attention.report.data import weekly_moves


class _Data:
    def __init__(self, panel: ThemePanel) -> None:
        self.panels = {panel.theme: panel}

    def label(self, theme: str) -> str:
        return theme


def _panel(reddit: list[float], index: list[float], parts: list[str]) -> ThemePanel:
    weeks = pd.date_range("2024-06-07", periods=len(reddit), freq="W-FRI")
    weekly = pd.DataFrame(np.nan, index=weeks, columns=WEEKLY_COLUMNS)
    weekly["reddit_mentions"] = reddit
    weekly["news_mentions"] = 5.0
    weekly["attention_index"] = index
    daily = pd.DataFrame(columns=DAILY_COLUMNS, dtype=float)
    names = pd.Series(parts, index=weeks, dtype=object)
    return ThemePanel("t", daily, weekly, (), (pd.Series(dtype=object), names))


def test_a_source_that_starts_this_week_is_left_out_of_the_mentions_change() -> None:
    # Reddit watched only this week: the old headline read "mentions +1000%"
    panel = _panel(
        [np.nan] * 4 + [50.0], [0.0, 0.1, -0.1, 0.0, 9.8], ["search+news"] * 4 + ["search+reddit+news"]
    )
    [row] = weekly_moves(_Data(panel)).to_dict("records")
    assert row["mentions"] == 5.0 and row["mentions_change"] == 0.0  # news only, both sides
    assert np.isnan(row["attention_change"])  # the index changed meaning: no change computed
    assert "reddit mentions left out" in row["excluded"] and "made of other sources" in row["excluded"]


def test_fully_comparable_weeks_give_the_plain_change() -> None:
    panel = _panel([10.0, 10.0, 10.0, 10.0, 20.0], [0.0, 0.0, 0.0, 0.0, 1.0], ["search+reddit+news"] * 5)
    [row] = weekly_moves(_Data(panel)).to_dict("records")
    assert row["mentions"] == 25.0 and row["mentions_change"] == 25.0 / 15.0 - 1
    assert row["attention_change"] == 1.0 and row["excluded"] == ""
