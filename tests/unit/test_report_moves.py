"""The weekly headline compares only what was watched on both sides, and says what it left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from attention.panel.build import DAILY_COLUMNS, WEEKLY_COLUMNS, ThemePanel
from attention.report.data import weekly_moves
from attention.report.lead import largest_move


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


def _moves(changes: dict[str, float]) -> pd.DataFrame:
    rows = [{"label": k, "week_end": "2026-01-16", "attention_change": v} for k, v in changes.items()]
    return pd.DataFrame(rows).sort_values("attention_change", ascending=False)


def test_the_lead_names_the_largest_fall_when_every_theme_fell() -> None:
    # Sorted highest first, the first row is the theme that fell least; the lead names the largest move.
    text = largest_move(_moves({"Small caps": -0.2, "AI stocks": -1.4, "Magnificent Seven": -0.5}))
    assert "attention fell for AI stocks, -1.40" in text and "2026-01-16" in text


def test_the_lead_names_a_rise_larger_than_any_fall() -> None:
    text = largest_move(_moves({"Small caps": 0.9, "AI stocks": -0.3}))
    assert "attention rose for Small caps, +0.90" in text


def test_small_moves_read_as_steady_and_no_data_gives_no_lead() -> None:
    assert "held steady" in largest_move(_moves({"Small caps": 0.05, "AI stocks": -0.08}))
    assert largest_move(_moves({"Small caps": np.nan})) == ""
    assert largest_move(pd.DataFrame()) == ""
