"""Golden tests for the verdict sentences (attention.analysis.wording): the exact words a reader
sees in `analyze`, the report and the exports."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from attention.analysis.event import EventStudyResult
from attention.analysis.feedback import FeedbackResult
from attention.analysis.granger import GrangerResult, Transform
from attention.analysis.wording import (
    accuracy,
    beyond_text,
    event_verdict,
    feedback_details,
    feedback_verdict,
    link_details,
    link_sentence,
    loop_card,
    stability_details,
    stability_text,
    strength,
)
from attention.report.verdicts import loop_status


def _test(
    causing: str, caused: str, q: float, effect: float = 0.3, nobs: int = 250, sd: float = 0.02
) -> GrangerResult:
    level = Transform(causing, False, 0, 0.01)
    return GrangerResult(
        causing,
        caused,
        5.0,
        q / 2,
        2,
        nobs,
        (2, nobs - 5),
        0.05,
        effect,
        (1, 2),
        "bic",
        (level, level),
        qvalue=q,
        unit="weeks",
        caused_sd=sd,
        start=pd.Timestamp("2020-01-11"),
        end=pd.Timestamp("2024-10-26"),
    )


@pytest.mark.parametrize(
    ("q", "word"), [(0.001, "strong"), (0.0099, "strong"), (0.01, "moderate"), (0.07, "weak"), (0.5, "none")]
)
def test_q_values_become_words(q: float, word: str) -> None:
    assert strength(q) == word
    assert strength(None) == "none" and strength(float("nan")) == "none"


def test_golden_feedback_verdict() -> None:
    result = FeedbackResult(
        "small_caps",
        "W",
        (
            _test("attention_index", "excess_return", 0.012, effect=0.2, sd=0.02),
            _test("excess_return", "attention_index", 0.64, sd=5.0),
            _test("attention_index", "abnormal_volume", 0.07, sd=1.0),
        ),
        skipped=("flow_usd -> excess_return: no data for flow_usd",),
    )
    assert feedback_verdict(result, "Small caps") == (
        "Small caps: some links found, but the loop does not close (n = 250 weekly observations, "
        "2020-01-11..2024-10-26). Attention led excess returns by 1-2 weeks (moderate evidence): "
        "a one-standard-deviation rise in attention was followed by +0.40% excess returns "
        "over the next 2 weeks (+0.20 sd); no evidence that excess returns led attention; "
        "only weak evidence that attention led abnormal volume, too weak to count as a link. "
        "Untested: flows → excess returns (no data for flow_usd)."
    )
    # the numbers left the sentence for the details row, one line per test
    assert feedback_details(result) == (
        "attention → excess returns: Granger F test q = 0.012 (p = 0.006), 2 lags, partial R² = 0.050",
        "excess returns → attention: Granger F test q = 0.64 (p = 0.32), 2 lags, partial R² = 0.050",
        "attention → abnormal volume: Granger F test q = 0.07 (p = 0.035), 2 lags, partial R² = 0.050",
    )


def test_low_power_and_no_evidence_wording() -> None:
    short = FeedbackResult(
        "t",
        "W",
        (
            _test("attention_index", "excess_return", 0.4, nobs=60),
            _test("excess_return", "attention_index", 0.9, nobs=61),
        ),
    )
    text = feedback_verdict(short, "Gold")
    assert text.startswith("Gold: no evidence of a feedback loop (n = 60-61 weekly observations, ")
    assert text.endswith(
        "Low power: fewer than 100 weekly observations (n = 60), so a real link may go undetected."
    )
    assert " no link" not in text and "no feedback loop" not in text
    card = loop_status(short, "Gold").headline
    assert card.startswith("Gold: no evidence of a feedback loop — no significant link")
    assert "Low power" in card
    assert ". No evidence that attention led excess returns; no evidence that" in text
    nothing = FeedbackResult("t", "W", (), skipped=("attention_index -> flow_usd: no data for flow_usd",))
    assert (
        feedback_verdict(nothing, "Gold")
        == "Gold: not enough data to test the feedback loop (no data for flow_usd)"
    )


def test_links_on_a_card_show_percent_and_strength() -> None:
    link = _test("attention_index", "excess_return", 0.004, effect=0.1, sd=0.03)
    back = _test("excess_return", "attention_index", 0.02, sd=4.0)
    result = FeedbackResult("t", "W", (link, back))
    card = loop_card("AI", "loop", (link, back), result)
    assert "attention → excess returns (+0.30%, +0.10 sd; strong evidence)" in card
    assert "excess returns → attention (+0.30 sd; moderate evidence)." in card
    falling = _test("attention_index", "abnormal_volume", 0.01, effect=-0.25)
    assert link_sentence(falling, 0.05).endswith(
        "followed by a fall of 0.25 sd in abnormal volume over the next 2 weeks"
    )


def _study(n_events: int, car: float, inside: bool) -> EventStudyResult:
    horizons = (1, 2, 3)
    band = 0.05 if inside else 0.001
    dates = tuple(pd.Timestamp("2021-01-02") + pd.Timedelta(weeks=10 * i) for i in range(n_events))
    return EventStudyResult(
        "asvi",
        "W",
        2.0,
        True,
        horizons,
        (0.0, car, car),
        (-0.1, car - 0.02, -0.1),
        (0.1, car + 0.02, 0.1),
        (n_events,) * 3,
        (0.0,) * 3,
        (-band,) * 3,
        (band,) * 3,
        dates,
    )


def test_golden_event_verdicts() -> None:
    assert event_verdict(_study(3, 0.012, inside=True)) == (
        "Event study: 3 spikes in abnormal search (weekly), 2021-01-02..2021-05-22. 2 weeks after a "
        "spike, excess returns averaged +1.20% (95% interval -0.80% to +3.20%, n = 3); within the range "
        "of random dates, so no evidence of an effect. Low power: fewer than 10 events, an average of "
        "so few says little."
    )
    many = event_verdict(_study(12, 0.012, inside=False))
    assert "outside the range of random dates." in many and "Low power" not in many
    single = event_verdict(_study(1, 0.012, inside=True))
    assert single.startswith("Event study: 1 spike in abnormal search (weekly), on 2021-01-02. ")
    assert "nan" not in event_verdict(
        dataclasses.replace(_study(1, 0.012, True), lower=(np.nan,) * 3, upper=(np.nan,) * 3)
    )
    # spikes found, but none with prices after it (seen on real data as "averaged +nan%")
    unmeasured = dataclasses.replace(_study(4, np.nan, True), n_by_horizon=(0, 0, 0))
    assert event_verdict(unmeasured) == (
        "Event study: 4 spikes in abnormal search (weekly), 2021-01-02..2021-07-31. 2 weeks after a "
        "spike, no excess return was measured for any of them (no prices for those dates), so nothing "
        "to average. Low power: fewer than 10 events, an average of so few says little."
    )
    assert event_verdict(_study(0, 0.0, True)) == (
        "Event study: no spikes in abnormal search (weekly) above 2 sd, so nothing to average."
    )


def test_golden_stability_wording() -> None:
    from attention.analysis.stability import Part, Stability

    parts = (
        Part(
            "2020-01-03..2022-06-24", pd.Timestamp("2020-01-03"), pd.Timestamp("2022-06-24"), 129, 0.001, 0.41
        ),
        Part(
            "2022-07-01..2024-12-27", pd.Timestamp("2022-07-01"), pd.Timestamp("2024-12-27"), 130, 0.62, 0.02
        ),
    )
    found = Stability(
        "attention_index", "excess_return", 1, parts, 6.1, 0.014, "only in 2020-01-03..2022-06-24"
    )
    assert stability_text(found) == "in subperiods: only in 2020-01-03..2022-06-24"
    assert stability_details(found) == (
        "subperiods: 2020-01-03..2022-06-24 p = 0.001, +0.41 sd; "
        "2022-07-01..2024-12-27 p = 0.62, +0.02 sd; break test p = 0.014"
    )
    untested = Stability("a", "b", 1, (), float("nan"), float("nan"), "not tested")
    assert stability_text(untested) == "too little data to test it in subperiods"


def test_a_card_without_a_loop_names_links_against_its_direction_as_such() -> None:
    """A significant fall in volume after attention rose is no loop leg: the card once said "no
    significant link" and then "Links found" in the same breath."""
    falling = _test("attention_index", "abnormal_volume", 0.01, effect=-0.29)
    # the loop's legs were tested too (else nothing is known of it: "untested")
    legs = (_test("attention_index", "excess_return", 0.5), _test("excess_return", "attention_index", 0.9))
    result = FeedbackResult("t", "W", (*legs, falling))
    card = loop_card("Magnificent Seven", result.loop_status, (falling,), result)
    assert result.loop_status == "none"
    head = "no evidence of a feedback loop — no significant link in the direction the loop needs"
    assert card.startswith(f"Magnificent Seven: {head}")
    assert "Links found, none feeding the loop: attention → abnormal volume (-0.29 sd;" in card


def test_a_loop_with_no_test_through_attention_is_untested_not_none() -> None:
    # the real WSB + GDELT + Yahoo store: attention overlaps excess returns for ~20 weeks, so
    # only abnormal volume -> excess returns ran (1,167 weeks); that was read "no evidence"
    volume_only = FeedbackResult(
        "t",
        "W",
        (_test("abnormal_volume", "excess_return", 0.77, nobs=1167),),
        skipped=(
            "attention_index -> excess_return: fewer than 30 overlapping observations",
            "excess_return -> attention_index: fewer than 30 overlapping observations",
        ),
        attention="attention_index",
    )
    assert volume_only.loop_status == "untested"
    assert loop_status(volume_only, "Small caps").headline == (
        "Small caps: not enough data to test for a feedback loop."
    )
    text = feedback_verdict(volume_only, "Small caps")
    assert text.startswith(
        "Small caps: not enough data to test for a feedback loop: the links it needs could not all "
        "be tested (tested: n = 1167 weekly observations, 2020-01-11..2024-10-26). "
    )
    # the real Magnificent Seven: only attention -> abnormal volume ran, nothing significant;
    # without the leg from excess returns the loop could not have been found either
    forward_only = dataclasses.replace(volume_only, tests=(_test("attention_index", "abnormal_volume", 0.8),))
    assert forward_only.loop_status == "untested"
    back = _test("excess_return", "attention_index", 0.9)
    assert dataclasses.replace(forward_only, tests=(*forward_only.tests, back)).loop_status == "untested"
    # the back leg and a whole way forward (attention -> volume -> returns) tested: "none" is earned
    through_volume = (*forward_only.tests, back, _test("abnormal_volume", "excess_return", 0.6))
    assert dataclasses.replace(forward_only, tests=through_volume).loop_status == "none"
    card = loop_card("M7", "untested", (), forward_only)
    assert card == "M7: not enough data to test for a feedback loop."
    falling = _test("attention_index", "abnormal_volume", 0.01, effect=-0.29)
    named = loop_card("M7", "untested", (falling,), forward_only)
    assert named.startswith("M7: not enough data to test for a feedback loop. Links found, none feeding")
    # a hand-built result without the attention name: guessed from the first test, even when
    # that test is the one led by excess returns
    back_only = FeedbackResult("t", "W", (_test("excess_return", "attention_index", 0.001),))
    assert back_only.loop_status == "partial"


JARGON = ("circular-shift", "Clark-West", "MSE", "partial R", "q = ", "p = ", "F test")


def test_golden_plain_checks_with_numbers_in_the_details() -> None:
    """The shuffled-timing check and the price-only comparison read in plain words; the tests'
    names and numbers are in the details line only."""
    from attention.analysis.beyond import BeyondPrice

    link = dataclasses.replace(
        _test("attention_index", "excess_return", 0.004, effect=0.1), shift_pvalue=0.01
    )
    check = BeyondPrice(
        "attention_index",
        "excess_return",
        ("benchmark_return",),
        2,
        250,
        4.2,
        0.003,
        9.0,
        0.004,
        120,
        0.85,
        2.1,
        0.02,
    )
    sentence = link_sentence(link, 0.05, check)
    assert sentence == (
        "attention led excess returns by 1-2 weeks (strong evidence): a one-standard-deviation rise in "
        "attention was followed by +0.20% excess returns over the next 2 weeks (+0.10 sd); the link "
        "survives a test that shuffles the timing; against a price-only model (own past, benchmark "
        "return), attention adds to price: forecasts with attention are 15% more accurate than price "
        "alone out of sample"
    )
    assert not any(word in sentence for word in JARGON)
    assert link_details(link, check) == (
        "attention → excess returns: Granger F test q = 0.004 (p = 0.002), 2 lags, partial R² = 0.050; "
        "circular-shift p = 0.01; price-only comparison: in-sample F p = 0.003; out of sample MSE 0.85x "
        "over 120 forecasts, Clark-West p = 0.02"
    )
    chance = dataclasses.replace(link, shift_pvalue=0.3)
    assert link_sentence(chance, 0.05).endswith(
        "; but it does not survive a test that shuffles the timing, so it may be chance"
    )
    assert (
        accuracy(1.04, "flows") == "forecasts with flows are 4% less accurate than price alone out of sample"
    )
    assert accuracy(0.999, "attention") == (
        "forecasts with attention are about as accurate as price alone out of sample"
    )
    assert accuracy(float("nan"), "attention") == ""
    worse = dataclasses.replace(check, mse_ratio=1.04, cw_pvalue=0.6)
    assert beyond_text(worse, 0.05) == (
        "against a price-only model (own past, benchmark return), attention adds to price in sample "
        "only, not out of sample: forecasts with attention are 4% less accurate than price alone out "
        "of sample"
    )
