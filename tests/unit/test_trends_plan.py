"""The Google Trends request plan: windows, anchor ladder, groups, and the payload count."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from collectors.google_trends import plan
from collectors.google_trends.stitch import Response

RUN = dt.date(2026, 11, 21)
HISTORY = dt.date(2021, 11, 22)


def test_daily_windows_cover_the_span_with_overlaps_and_daily_length() -> None:
    windows = plan.daily_windows(RUN, HISTORY)
    assert windows[0][0] <= HISTORY and windows[-1][1] == RUN
    for start, end in windows:
        assert (end - start).days + 1 <= plan.MAX_DAILY_DAYS
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        assert (end - start).days + 1 >= plan.OVERLAP_DAYS  # consecutive windows overlap
    assert len(windows) == 7


def test_past_windows_keep_their_dates_when_the_run_date_moves() -> None:
    today = plan.daily_windows(RUN, HISTORY)
    tomorrow = plan.daily_windows(RUN + dt.timedelta(days=1), HISTORY)
    assert today[:-1] == tomorrow[:-1]  # only the window reaching today changes
    assert tomorrow[-1][1] == RUN + dt.timedelta(days=1)


def test_span_is_at_most_five_years_of_whole_weeks() -> None:
    start, end = plan.weekly_window(RUN, dt.date(2015, 1, 1))
    assert start.weekday() == 6 and end.weekday() == 5  # Sunday .. Saturday
    days = (end - start).days + 1
    assert days % 7 == 0 and 7 * (plan.WEEKS - 1) <= days <= plan.SPAN_DAYS
    assert end <= RUN - dt.timedelta(days=2)
    short = plan.weekly_window(RUN, dt.date(2024, 6, 5))
    assert short[0] == dt.date(2024, 6, 9)  # first Sunday on/after history_start


def test_bank_chains_more_than_five_anchors_through_a_shared_one() -> None:
    window = (dt.date(2024, 1, 7), dt.date(2024, 12, 28))
    bank = plan.bank_payloads(["a", "b", "c", "d", "e", "f", "g"], window)
    assert [p.sent for p in bank] == [("b", "c", "d", "e", "a"), ("f", "g", "e")]
    assert all(len(p.sent) <= 5 for p in bank)


def test_ladder_orders_anchors_and_matches_on_a_log_scale() -> None:
    rungs = plan.ladder(
        ["stock market", "stocks", "recession", "missing"],
        {"stock market": 100, "stocks": 60, "recession": 8},
    )
    assert [a for a, _ in rungs] == ["stock market", "stocks", "recession"]
    assert plan.matched_anchor(50, rungs) == "stocks"
    assert plan.matched_anchor(2, rungs) == "recession"
    assert plan.matched_anchor(500, rungs) == "stock market"


def _weekly(rid: str, values: dict[str, float], anchor: str) -> Response:
    index = pd.date_range("2024-01-07", periods=3, freq="7D")
    frame = pd.DataFrame({t: [v] * 3 for t, v in values.items()}, index=index)
    return Response(rid, "week", frame, pd.Series(False, index=index), anchor)


def test_a_term_rounding_to_zero_is_asked_again_beside_a_matched_anchor() -> None:
    level = _weekly("L", {"big": 100, "tiny": 0, "S&P 500": 40}, "S&P 500")
    assert plan.weak_terms(["big", "tiny"], [level]) == ["tiny"]
    rungs = [("stock market", 100.0), ("S&P 500", 30.0), ("recession", 8.0)]
    window = (dt.date(2024, 1, 7), dt.date(2024, 1, 27))
    again = plan.ladder_payloads(["tiny"], {"tiny": 0.0}, rungs, window, {"tiny": {"S&P 500"}})
    assert [(p.terms, p.anchor, p.kind) for p in again] == [(("tiny",), "recession", "ladder")]
    # already tried beside that anchor: nothing better to ask
    assert plan.ladder_payloads(["tiny"], {"tiny": 0.0}, rungs, window, {"tiny": {"recession"}}) == []


def test_an_anchor_dwarfed_by_its_terms_makes_them_weak() -> None:
    level = _weekly("L", {"huge": 100, "recession": 1}, "recession")
    assert plan.weak_terms(["huge"], [level]) == ["huge"]


def test_daily_groups_are_balanced_and_sorted_by_level() -> None:
    levels = {f"t{i}": float(v) for i, v in enumerate([20, 9, 2.4, 19, 8, 2.5, 21, 10, 2.2])}
    rungs = [("stock market", 100.0), ("S&P 500", 30.0), ("Apple stock", 12.0), ("recession", 8.0)]
    groups = plan.daily_groups(list(levels), levels, rungs)
    assert [len(g) for g, _ in groups] == [3, 3, 3]
    assert groups[0][0] == ("t6", "t0", "t3") and groups[0][1] == "S&P 500"
    assert groups[1][1] in ("Apple stock", "recession")
    assert set(groups[2][0]) == {"t2", "t5", "t8"} and groups[2][1] == "recession"


def test_twelve_terms_over_five_years_fit_in_thirty_payloads() -> None:
    terms = [f"term {i}" for i in range(12)]
    anchors = ["stock market", "stocks", "Apple stock", "S&P 500", "recession"]
    levels = {t: 30.0 / (1 + i) for i, t in enumerate(terms)}
    rungs = plan.ladder(
        anchors, {"stock market": 100, "stocks": 60, "Apple stock": 12, "S&P 500": 30, "recession": 8}
    )
    window = plan.weekly_window(RUN, HISTORY)
    payloads = (
        plan.bank_payloads(anchors, window)
        + plan.level_payloads(terms, rungs, window)
        + plan.daily_payloads(plan.daily_groups(terms, levels, rungs), plan.daily_windows(RUN, HISTORY))
    )
    assert len(payloads) == 1 + 3 + 3 * 7
    assert all(len(p.sent) <= 5 and p.anchor for p in payloads)
    assert {p.granularity for p in payloads if p.kind == "daily"} == {"day"}
    assert {p.granularity for p in payloads if p.kind != "daily"} == {"week"}


def test_without_anchors_the_plan_still_works() -> None:
    window = (dt.date(2024, 1, 7), dt.date(2024, 12, 28))
    assert plan.bank_payloads([], window) == []
    assert plan.ladder_payloads(["t"], {}, [], window, {}) == []
    groups = plan.daily_groups(["a", "b"], {"a": 1.0, "b": 2.0}, [])
    assert groups == [(("b", "a"), None)]
    assert plan.level_payloads(["a"], [], window)[0].sent == ("a",)
