"""The Trends replica's optional Google sampling error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.config import load_config
from attention.sandbox.trends import TrendsReplica, google_scale
from attention.sandbox.world import World

REPO = Path(__file__).resolve().parents[2]
START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
TERMS = ["small cap stocks", "Russell 2000", "small cap ETF", "Mag 7 ETF"]  # two rare terms


@pytest.fixture(scope="module")
def world() -> World:
    return World(load_config(REPO / "config.yaml"), START, END, seed=5)


def _values(replica: TrendsReplica, terms: list[str], start: dt.date = START) -> np.ndarray:
    return np.array([p["value"] for p in replica.timeline(terms, start, END, "DAY")], float)


def test_no_noise_by_default_and_exact(world: World) -> None:
    replica = TrendsReplica(world)
    assert replica.sampling_noise == 0.0
    truth = pd.DataFrame(
        {i: world.search_truth(t).loc[pd.Timestamp(START) : pd.Timestamp(END)] for i, t in enumerate(TERMS)}
    )
    np.testing.assert_array_equal(_values(replica, TERMS), google_scale(truth).to_numpy())


def test_noise_is_unbiased_and_never_negative(world: World) -> None:
    replica = TrendsReplica(world)
    replica.sampling_noise = 0.05
    truth = pd.DataFrame(
        {"x": np.r_[100.0, np.full(4000, 1.0), np.zeros(5)]}, index=pd.date_range("2025-01-01", periods=4006)
    )
    noisy = replica._sampled(truth, ["x"], START, END, "DAY")["x"].to_numpy()
    assert (noisy >= 0).all() and (noisy[-5:] == 0).all()
    rare = noisy[1:-5]  # relative s.d. 0.05 * sqrt(100) = 0.5 at 1% of the peak
    assert abs(rare.mean() - 1.0) < 0.03 and 0.45 < rare.std() < 0.55
    empty = truth * 0.0
    assert replica._sampled(empty, ["x"], START, END, "DAY").equals(empty)


def test_a_repeated_request_is_stable_and_another_request_differs(world: World) -> None:
    exact, noisy = TrendsReplica(world), TrendsReplica(world)
    noisy.sampling_noise = 0.05
    first, again = _values(noisy, TERMS), _values(noisy, TERMS)
    np.testing.assert_array_equal(first, again)  # Google caches a request within a day
    assert not np.array_equal(first, _values(exact, TERMS))
    # The same days asked in a different window are a different sample.
    shifted = _values(noisy, TERMS, START + dt.timedelta(days=1))
    assert not np.array_equal(first[1:], shifted)


def test_rare_values_carry_more_relative_error(world: World) -> None:
    exact, noisy = TrendsReplica(world), TrendsReplica(world)
    noisy.sampling_noise = 0.03
    true, seen = _values(exact, TERMS), _values(noisy, TERMS)
    keep = true >= 5  # below that, integer rounding dominates
    ratio = seen[keep] / true[keep]
    # Each response is scaled to its own (noisy) peak: compare shapes, not that common factor.
    error = np.abs(ratio / np.median(ratio) - 1)
    high, low = error[true[keep] >= 50], error[true[keep] < 20]
    assert high.size > 20 and low.size > 20
    assert np.median(low) > 1.5 * np.median(high)
    assert 0.005 < np.median(high) < 0.06
