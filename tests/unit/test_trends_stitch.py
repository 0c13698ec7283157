"""Anchoring and stitching: hand-computed cases, then a simulated 5-year plan against the truth."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from attention.sandbox.trends import bucket, google_scale
from collectors.google_trends.stitch import Response, link, stitch, supersede


def resp(
    rid: str,
    values: dict[str, list[float]],
    start: str = "2024-01-07",
    gran: str = "day",
    partial_last: bool = False,
    anchor: str | None = None,
) -> Response:
    freq = "D" if gran == "day" else "7D"
    n = len(next(iter(values.values())))
    index = pd.date_range(start, periods=n, freq=freq)
    partial = pd.Series([partial_last and i == n - 1 for i in range(n)], index=index)
    return Response(rid, gran, pd.DataFrame(values, index=index, dtype=float), partial, anchor)


def series_of(result, term: str, gran: str = "day") -> pd.DataFrame:
    rows = result.series[(result.series["term"] == term) & (result.series["granularity"] == gran)]
    return rows.set_index("date")


def test_two_payloads_rescale_through_the_anchor() -> None:
    # A: t1 peaks at 100 and the anchor sits at 50; B: the anchor is the peak (100).
    a = resp("A", {"t1": [100, 80], "anchor": [50, 50]})
    b = resp("B", {"t2": [20, 40], "anchor": [100, 100]})
    result = stitch([a, b], "anchor")
    # The anchor's mean is 100 on the common scale: c_A = 2, c_B = 1.
    assert result.scales["A"] == pytest.approx(2.0)
    assert result.scales["B"] == pytest.approx(1.0)
    assert series_of(result, "t1")["value"].tolist() == pytest.approx([200.0, 160.0])
    assert series_of(result, "t2")["value"].tolist() == pytest.approx([20.0, 40.0])
    t1 = series_of(result, "t1").iloc[0]
    assert (t1["lo"], t1["hi"]) == pytest.approx((199.0, 201.0))  # [99.5, 100.5] x 2
    assert set(result.series["method"]) == {"stitch-v1:anchored"}


def test_link_is_the_log_ratio_of_pooled_sums_with_rounding_weight() -> None:
    a = resp("A", {"x": [50, 100]})
    b = resp("B", {"x": [25, 50]})
    diff, weight = link(a, b)
    assert diff == pytest.approx(math.log(75 / 150))
    rel_var = 2 * (1 / 12) / 150**2 + 2 * (1 / 12) / 75**2 + 2.5e-5
    assert weight == pytest.approx(1 / rel_var)


def test_overlapping_windows_are_chained_on_the_overlap() -> None:
    truth = np.array([10, 12, 14, 16, 18, 20, 22, 24, 26, 28], dtype=float)
    first = resp("w1", {"t": truth[:6] * 2, "anchor": [40] * 6})  # scale 2 (anchor = 20)
    second = resp("w2", {"t": truth[4:] * 3}, start="2024-01-11")  # scale 3, no anchor
    result = stitch([first, second], "anchor")
    values = series_of(result, "t")["value"].to_numpy()
    # The common scale puts the anchor (true 20) at 100: everything is truth x 5.
    assert values == pytest.approx(truth * 5, rel=1e-9)


def test_daily_window_is_tied_to_the_weekly_series_through_whole_weeks() -> None:
    days = pd.date_range("2024-01-07", periods=14, freq="D")  # two Sunday-Saturday weeks
    daily_truth = np.linspace(10, 23, 14)
    weekly_raw = [daily_truth[:7].mean() * 4, daily_truth[7:].mean() * 4]  # weekly scale 1/4
    weekly = resp("W", {"t": weekly_raw, "anchor": [40, 40]}, gran="week")
    daily = Response(
        "D", "day", pd.DataFrame({"t": daily_truth * 2}, index=days), pd.Series(False, index=days)
    )
    result = stitch([weekly, daily], "anchor")
    # anchor 40 (raw) = 100 common, so c_W = 2.5 and the daily window follows: truth x 10.
    assert series_of(result, "t")["value"].to_numpy() == pytest.approx(daily_truth * 10)
    week = series_of(result, "t", "week")
    assert list(week.index) == [dt.date(2024, 1, 13), dt.date(2024, 1, 20)]  # Saturdays


def test_finer_response_weighs_more_and_bands_intersect() -> None:
    coarse = resp("C", {"t": [1], "anchor": [100]})  # c = 1: t is 1 +- 0.5
    fine = resp("F", {"t": [5], "anchor2": [100]})
    bridge = resp("L", {"anchor": [100], "anchor2": [25]})  # anchor2 is a quarter of anchor
    result = stitch([coarse, fine, bridge], "anchor")
    assert result.scales["F"] == pytest.approx(0.25)
    # weights 1/c^2: 1 for the coarse value (1.0), 16 for the fine one (5 x 0.25 = 1.25)
    row = series_of(result, "t").iloc[0]
    assert row["value"] == pytest.approx((1.0 * 1 + 1.25 * 16) / 17)
    assert (row["lo"], row["hi"]) == pytest.approx((4.5 * 0.25, 5.5 * 0.25))  # intersection


def test_zero_means_below_one_and_partial_is_replaced_by_a_final_value() -> None:
    a = resp("A", {"t": [0, 5, 7], "anchor": [100, 100, 100]}, partial_last=True)
    b = resp("B", {"t": [5, 6], "anchor": [100, 100]}, start="2024-01-08")
    result = stitch([a, b], "anchor")
    t = series_of(result, "t")
    first, last = t.iloc[0], t.iloc[2]
    assert (first["value"], first["lo"], first["hi"]) == pytest.approx((0.0, 0.0, 1.0))
    assert last["value"] == pytest.approx(6.0) and not last["is_partial"]
    only_partial = stitch([a], "anchor")
    assert bool(series_of(only_partial, "t").iloc[2]["is_partial"])


def test_unconnected_response_is_scaled_on_its_own_and_says_so() -> None:
    a = resp("A", {"t1": [50, 100], "anchor": [100, 100]})
    b = resp("B", {"x": [20, 40], "y": [100, 80]})  # shares nothing with A
    result = stitch([a, b], "anchor")
    assert result.anchored == {"A"}
    methods = result.series.groupby("term")["method"].first()
    assert methods["x"] == "stitch-v1:unanchored" and methods["t1"] == "stitch-v1:anchored"
    assert series_of(result, "y")["value"].mean() == pytest.approx(100.0)  # its largest term
    assert "not" in result.summary()


def test_supersede_keeps_the_latest_fetch_of_a_window_and_distinct_windows() -> None:
    d = dt.date
    meta = pd.DataFrame(
        [
            ("old", ("a", "b"), "day", d(2024, 1, 1), d(2024, 3, 1), d(2024, 3, 1)),
            ("new", ("b", "a"), "day", d(2024, 1, 1), d(2024, 3, 2), d(2024, 3, 2)),
            ("other", ("a", "b"), "day", d(2024, 2, 20), d(2024, 5, 1), d(2024, 5, 1)),
            ("weekly", ("a", "b"), "week", d(2024, 1, 1), d(2024, 3, 1), d(2024, 3, 1)),
        ],
        columns=["request_id", "terms", "granularity", "start", "end", "fetched_on"],
    )
    assert sorted(supersede(meta)) == ["new", "other", "weekly"]


def test_supersede_thins_weekly_windows_that_moved_by_a_week() -> None:
    rows = []
    for k in range(60):  # a five-year weekly window fetched every week for 60 weeks
        end = dt.date(2026, 1, 3) + dt.timedelta(weeks=k)
        start = end - dt.timedelta(days=1819)
        rows.append((f"w{k}", ("a", "s"), "week", start, end, end + dt.timedelta(days=2)))
    meta = pd.DataFrame(rows, columns=["request_id", "terms", "granularity", "start", "end", "fetched_on"])
    kept = supersede(meta)
    assert kept[0] == "w59"  # the newest always stays
    # the oldest fetch holds 413 days no newer one has: kept, or those weeks would vanish;
    # the 58 between add nothing the two ends do not cover
    assert kept == ["w59", "w0"]
    d = dt.date
    far = pd.DataFrame(
        [
            ("new", ("a", "s"), "week", d(2021, 1, 3), d(2025, 12, 27), d(2026, 1, 1)),
            ("old", ("a", "s"), "week", d(2019, 5, 12), d(2024, 5, 4), d(2024, 5, 6)),
        ],
        columns=meta.columns,
    )
    assert supersede(far) == ["new", "old"]  # 600 days the newer one does not cover


def test_supersede_keeps_every_edge_but_thins_interior_overlap() -> None:
    d = dt.date
    rows = [
        ("new", ("a", "s"), "week", d(2024, 1, 7), d(2026, 3, 7), d(2026, 3, 9)),
        # one week earlier than every newer fetch at the start: kept for that week alone
        ("edge", ("a", "s"), "week", d(2023, 12, 31), d(2026, 2, 28), d(2026, 3, 2)),
        # a later end than the newest fetch (a different window asked on a later day)
        ("late", ("a", "s"), "week", d(2025, 1, 5), d(2026, 3, 14), d(2026, 3, 1)),
        ("early", ("a", "s"), "week", d(2021, 1, 3), d(2023, 6, 24), d(2026, 1, 1)),
        # inside the covered span with 6 of 28 days uncovered (< 25%): dropped
        ("thin", ("a", "s"), "week", d(2023, 6, 3), d(2023, 6, 30), d(2023, 7, 1)),
    ]
    columns = ["request_id", "terms", "granularity", "start", "end", "fetched_on"]
    assert supersede(pd.DataFrame(rows, columns=columns)) == ["new", "edge", "late", "early"]
    # 98 of 120 days inside the span but uncovered: kept
    rows.append(("wide", ("a", "s"), "week", d(2023, 6, 3), d(2023, 9, 30), d(2023, 10, 1)))
    assert supersede(pd.DataFrame(rows, columns=columns)) == ["new", "edge", "late", "early", "wide"]


def test_ten_weekly_fetches_keep_the_oldest_weeks_through_the_derivation(tmp_path) -> None:
    """The reviewer's case: a weekly window fetched 10 weeks running; the stitched weekly
    series must still start at the first fetch's first week (2021-01-10), not 2021-03-14."""
    from attention.derive.search import load_responses, write_series
    from attention.store import Store
    from collectors.core.records import Provenance, SearchInterestPoint

    first_start = dt.date(2021, 1, 10)
    points = []
    for k in range(10):
        start = first_start + dt.timedelta(weeks=k)
        fetched = dt.date(2026, 1, 5) + dt.timedelta(weeks=k)
        prov = Provenance("test", "1", dt.datetime.combine(fetched, dt.time(), dt.UTC))
        for w in range(260):
            week = start + dt.timedelta(weeks=w)
            value = 50 + 40 * math.sin(week.toordinal() / 30)
            points += [
                SearchInterestPoint(
                    f"w{k}", "stock market", week, "week", round(value), w == 259, "US", prov
                ),
                SearchInterestPoint(f"w{k}", "a", week, "week", round(value / 2), w == 259, "US", prov),
            ]
    with Store(tmp_path / "t.duckdb") as store:
        store.write(points)
        result = stitch(load_responses(store, "US"), "stock market")
        write_series(store, result)
        first = store.query(
            "SELECT min(date) AS d FROM search_series WHERE term = 'a' AND granularity = 'week'"
        )["d"].iloc[0]
    assert pd.Timestamp(first).date() == first_start + dt.timedelta(days=6)  # labelled Saturday
    assert sorted(result.scales) == ["w0", "w9"]


def _plan_responses(truth: dict[str, pd.Series]) -> list[Response]:
    """Google-like responses: an anchor bank and weekly levels, grouped daily windows."""
    days = truth["stock market"].index

    def ask(rid: str, terms: list[str], start, end, res: str) -> Response:
        daily = pd.DataFrame({t: truth[t].loc[start:end] for t in terms})
        values = google_scale(bucket(daily, res))
        return Response(
            rid, {"DAY": "day", "WEEK": "week"}[res], values, pd.Series(False, index=values.index), terms[-1]
        )

    first, last = days[0], days[-1]
    out = [
        ask("bank", ["S&P 500", "recession", "stock market"], first, last, "WEEK"),
        ask("lvl", ["A", "B", "C", "S&P 500"], first, last, "WEEK"),
    ]
    start, k = first, 0
    while start <= last:
        end = min(start + pd.Timedelta(days=268), last)
        out.append(ask(f"d{k}a", ["A", "B", "S&P 500"], start, end, "DAY"))
        out.append(ask(f"d{k}b", ["C", "recession"], start, end, "DAY"))
        start, k = start + pd.Timedelta(days=262), k + 1
    return out


def test_simulated_five_years_match_the_truth() -> None:
    rng = np.random.default_rng(3)
    days = pd.date_range("2021-11-21", "2026-11-20")
    weekday = np.where(days.day_of_week >= 5, 0.75, 1.0)
    levels = {"A": 20, "B": 9, "C": 2.4, "stock market": 100, "recession": 8, "S&P 500": 30}
    truth = {}
    for term, level in levels.items():
        walk = np.cumsum(rng.normal(0, 0.04, len(days)))
        truth[term] = pd.Series(level * np.exp(walk - walk.mean()) * weekday, index=days)
    result = stitch(_plan_responses(truth), "stock market")
    means = {}
    for term in ("A", "B", "C", "recession", "S&P 500"):
        got = series_of(result, term)["value"]
        want = truth[term].reindex(pd.to_datetime(got.index))
        assert len(got) == len(days)
        assert np.corrcoef(got, want)[0, 1] > 0.995, term
        means[term] = got.mean() / want.mean()
    ratios = np.array(list(means.values())) / means["A"]
    assert np.all(np.abs(ratios - 1) < 0.03), means  # one scale for every term
