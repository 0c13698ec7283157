"""Every verdict sentence, in one place: `attention analyze`, the report and the exports all
print what this module writes (the report's loop cards through
:mod:`attention.report.verdicts`, the saved ``feedback_verdicts`` rows through
:meth:`attention.analysis.run.ThemeAnalysis.verdict`).

Rules the wording keeps:

* a verdict says how many observations and which dates it rests on, which legs could not be
  tested and why, and warns when there is too little data for a test to find a real effect
  (fewer than 100 weekly observations for a Granger test, fewer than 10 events for an event
  study);
* effects are given in percent where the led series is a return ("a one-standard-deviation
  rise in attention was followed by +0.40% excess return over the next 2 weeks"), with the
  effect in standard deviations beside it;
* a q-value is shown as a strength of evidence in words: strong (q < 0.01), moderate
  (q < 0.05), weak (q < 0.10), none; test names and numbers (q and p-values, circular-shift p,
  partial R², MSE ratio, Clark-West p, subperiod p-values) stay out of the sentences and go to
  :func:`feedback_details` (the report's details row and tooltips) and to the export columns;
* the checks read in plain words: "the link survives a test that shuffles the timing",
  "forecasts with attention are 15% more accurate than price alone out of sample";
* a test that finds nothing says "no evidence of", never "no" link: absence of evidence is not
  evidence of absence.
* every verdict ends with the dates its data span, called stale in words when they end more
  than a few sessions before the run date, and "Excluded or used late: ..." naming the inputs
  the panel dropped or delayed (the facts come from :mod:`attention.analysis.exclusions`).

It lives in the analysis layer (pure functions of result objects) because the saved verdict rows
are built there; the report only imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from attention.analysis.feedback import series_label as label

if TYPE_CHECKING:
    from attention.analysis.beyond import BeyondPrice
    from attention.analysis.event import EventStudyResult
    from attention.analysis.exclusions import DataSpan
    from attention.analysis.feedback import FeedbackResult
    from attention.analysis.granger import GrangerResult
    from attention.analysis.stability import Stability

LOW_POWER_WEEKS = 100
LOW_POWER_EVENTS = 10
RETURN_COLUMNS = ("excess_return", "return", "theme_return")
STRENGTHS = ((0.01, "strong"), (0.05, "moderate"), (0.10, "weak"))


def strength(q: float | None) -> str:
    """'strong', 'moderate', 'weak' or 'none' for a q-value (or p-value)."""
    if q is None or not np.isfinite(q):
        return "none"
    return next((word for cut, word in STRENGTHS if q < cut), "none")


def evidence(test: GrangerResult) -> str:
    """'moderate evidence' in words; the q-value itself goes to :func:`link_details`."""
    return f"{strength(_q(test))} evidence"


def _q(test: GrangerResult) -> float:
    return test.qvalue if test.qvalue is not None else test.pvalue


def q_text(test: GrangerResult) -> str:
    """'q = 0.012' (p when no q-value was computed): for the details, never the headline."""
    return f"{'q' if test.qvalue is not None else 'p'} = {_q(test):.2g}"


def _in_percent(test: GrangerResult) -> bool:
    """A return left in levels: its effect reads as a percent return."""
    level = test.transforms[1].describe() == "level"
    return test.caused in RETURN_COLUMNS and level and bool(np.isfinite(test.effect_in_units))


def effect(test: GrangerResult) -> str:
    """What followed a one-s.d. rise, in percent for returns, always in s.d. too."""
    cause, led = label(test.causing), label(test.caused)
    sd = f"{test.cumulative_effect:+.2f} sd"
    unit = test.unit.rstrip("s")
    horizon = f"over the next {test.lags} {unit}s" if test.lags > 1 else f"over the next {unit}"
    if _in_percent(test):
        pct = f"{test.effect_in_units:+.2%}"
        return f"a one-standard-deviation rise in {cause} was followed by {pct} {led} {horizon} ({sd})"
    direction = "rise" if test.cumulative_effect > 0 else "fall"
    size = f"{abs(test.cumulative_effect):.2f} sd"
    return (
        f"a one-standard-deviation rise in {cause} was followed by a {direction} of {size} in {led} {horizon}"
    )


def accuracy(mse_ratio: float, cause: str) -> str:
    """'forecasts with attention are 15% more accurate than price alone out of sample' (1 minus
    the out-of-sample MSE ratio)."""
    if not np.isfinite(mse_ratio):
        return ""
    change = 1.0 - mse_ratio
    if round(abs(change) * 100) == 0:
        return f"forecasts with {cause} are about as accurate as price alone out of sample"
    more = "more" if change > 0 else "less"
    return f"forecasts with {cause} are {abs(change):.0%} {more} accurate than price alone out of sample"


def beyond_text(check: BeyondPrice, alpha: float) -> str:
    """'against a price-only model (own past, benchmark return), attention adds to price:
    forecasts with attention are 3% more accurate than price alone out of sample' (the tests'
    names and p-values: :func:`beyond_details`)."""
    controls = "".join(f", {label(c)}" for c in check.controls)
    cause = label(check.causing)
    verb = "add" if cause.endswith("s") else "adds"
    words = {
        "adds to price": f"{cause} {verb} to price",
        "in sample only": f"{cause} {verb} to price in sample only, not out of sample",
        "out of sample only": f"{cause} {verb} to price out of sample only, not in sample",
        "adds nothing beyond price": f"no evidence that {cause} {verb} anything beyond price",
    }[check.call(alpha)]
    better = accuracy(check.mse_ratio, cause)
    return f"against a price-only model (own past{controls}), {words}" + (f": {better}" if better else "")


def beyond_details(check: BeyondPrice) -> str:
    """'price-only comparison: in-sample F p = 0.003; out of sample MSE 0.97x over 120 forecasts,
    Clark-West p = 0.01'."""
    return (
        f"price-only comparison: in-sample F p = {check.f_pvalue:.2g}; out of sample MSE "
        f"{check.mse_ratio:.2f}x over {check.n_forecasts} forecasts, Clark-West p = {check.cw_pvalue:.2g}"
    )


def stability_text(found: Stability) -> str:
    """'in subperiods: stable' (the subperiods' p-values: :func:`stability_details`)."""
    if found.call == "not tested":
        return "too little data to test it in subperiods"
    return f"in subperiods: {found.call}"


def stability_details(found: Stability) -> str:
    """'subperiods: 2021-01-01..2023-06-23 p = 0.004, +0.26 sd; ...; break test p = 0.98'."""
    if found.call == "not tested":
        return ""
    parts = "; ".join(f"{p.label} p = {p.pvalue:.2g}, {p.effect:+.2f} sd" for p in found.parts)
    return f"subperiods: {parts}; break test p = {found.break_pvalue:.2g}"


def shift_text(test: GrangerResult, alpha: float) -> str:
    """'; the link survives a test that shuffles the timing' or a warning when it does not (the
    circular-shift p-value: :func:`link_details`)."""
    p = test.shift_pvalue
    if p is None or not np.isfinite(p):
        return ""
    if p < alpha:
        return "; the link survives a test that shuffles the timing"
    return "; but it does not survive a test that shuffles the timing, so it may be chance"


def link_sentence(
    test: GrangerResult, alpha: float, check: BeyondPrice | None = None, stable: Stability | None = None
) -> str:
    cause, led = label(test.causing), label(test.caused)
    if test.significant(alpha):
        found = f"{cause} led {led} by {test.lead_text()} ({evidence(test)}): {effect(test)}"
        found += shift_text(test, alpha)
        found += f"; {beyond_text(check, alpha)}" if check is not None else ""
        return found + (f"; {stability_text(stable)}" if stable is not None else "")
    if strength(_q(test)) == "weak":
        return f"only weak evidence that {cause} led {led}, too weak to count as a link"
    return f"no evidence that {cause} led {led}"


def link_details(
    test: GrangerResult, check: BeyondPrice | None = None, stable: Stability | None = None
) -> str:
    """The numbers behind one link sentence: 'attention → excess returns: Granger F test q = 0.012
    (p = 0.006), 2 lags, partial R² = 0.050; circular-shift p = 0.01; price-only comparison: ...'."""
    head = f"{label(test.causing)} → {label(test.caused)}: Granger F test {q_text(test)}"
    if test.qvalue is not None:
        head += f" (p = {test.pvalue:.2g})"
    parts = [f"{head}, {test.lags} lag{'s' if test.lags > 1 else ''}, partial R² = {test.effect_size:.3f}"]
    if test.shift_pvalue is not None and np.isfinite(test.shift_pvalue):
        parts.append(f"circular-shift p = {test.shift_pvalue:.2g}")
    if check is not None:
        parts.append(beyond_details(check))
    if stable is not None and (sub := stability_details(stable)):
        parts.append(sub)
    return "; ".join(parts)


def feedback_details(result: FeedbackResult) -> tuple[str, ...]:
    """One details line per test (the report's details row; the exports keep these numbers as
    columns of ``feedback_tests``)."""
    return tuple(
        link_details(t, result.beyond_for(t.causing, t.caused), result.stability_for(t.causing, t.caused))
        for t in result.tests
    )


def sample(tests: Sequence[GrangerResult], freq: str) -> str:
    """'n = 250 weekly observations, 2020-01-11..2024-10-26' over the tests."""
    unit = "weekly" if freq == "W" else "daily"
    counts = sorted({t.nobs for t in tests})
    n = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    starts = [t.start for t in tests if t.start is not None]
    ends = [t.end for t in tests if t.end is not None]
    dates = f", {min(starts).date()}..{max(ends).date()}" if starts and ends else ""
    return f"n = {n} {unit} observations{dates}"


def low_power(tests: Sequence[GrangerResult], freq: str) -> str:
    fewest = min((t.nobs for t in tests), default=0)
    if freq == "W" and fewest < LOW_POWER_WEEKS:
        return (
            f"low power: fewer than {LOW_POWER_WEEKS} weekly observations (n = {fewest}), so a real "
            "link may go undetected"
        )
    return ""


def untested(skipped: Sequence[str]) -> str:
    """'untested: attention → flows (no data for flow_usd)'."""
    legs = []
    for line in skipped:
        pair, _, why = line.partition(": ")
        causing, _, caused = pair.partition(" -> ")
        legs.append(f"{label(causing)} → {label(caused)} ({why})")
    return "untested: " + "; ".join(legs) if legs else ""


def link_brief(test: GrangerResult) -> str:
    """'attention → excess returns (+0.40%, +0.12 sd; moderate evidence, q = 0.012)'."""
    pct = ""
    if _in_percent(test):
        pct = f"{test.effect_in_units:+.2%}, "
    size = f"{pct}{test.cumulative_effect:+.2f} sd"
    return f"{label(test.causing)} → {label(test.caused)} ({size}; {evidence(test)})"


def loop_card(name: str, status: str, links: Sequence[GrangerResult], result: FeedbackResult) -> str:
    """The report card's headline for one theme."""
    found = "; ".join(link_brief(t) for t in links)
    if status == "untested":  # links may have run (not those the loop needs): named, if found
        named = f" Links found, none feeding the loop: {found}." if found else ""
        return f"{name}: {loop_headline(status)}.{named}"
    # With status "none" a significant link can still exist, but against the loop's direction
    # (a fall in volume after attention rose): it is named as such, never as a loop leg.
    lead = "Links found, none feeding the loop" if status == "none" else "Links found"
    detail = f" {lead}: {found}." if found else ""
    head = {
        "loop": "feedback loop found — performance led attention and attention led money and prices",
        "partial": "some links, but the loop does not close",
        "none": "no evidence of a feedback loop — no significant link in the direction the loop needs",
    }[status]
    warn = low_power(result.tests, result.freq)
    return f"{name}: {head} ({sample(result.tests, result.freq)}).{detail}" + (
        f" {warn[0].upper()}{warn[1:]}." if warn else ""
    )


def loop_headline(status: str) -> str:
    return {
        "loop": "feedback loop found: every leg is significant",
        "partial": "some links found, but the loop does not close",
        "none": "no evidence of a feedback loop",
        "untested": "not enough data to test for a feedback loop",
    }[status]


def feedback_verdict(result: FeedbackResult, name: str = "") -> str:
    """The whole verdict for one theme's feedback tests, as one paragraph."""
    name = name or result.theme
    if not result.tests:
        return f"{name}: not enough data to test the feedback loop ({_why_untested(result.skipped)})"
    parts = [
        link_sentence(
            t, result.alpha, result.beyond_for(t.causing, t.caused), result.stability_for(t.causing, t.caused)
        )
        for t in result.tests
    ]
    extra = [x for x in (untested(result.skipped), low_power(result.tests, result.freq)) if x]
    status = result.loop_status
    opening = f"{name}: {loop_headline(status)} ({sample(result.tests, result.freq)}). "
    if status == "untested":  # some links ran, but not the ones the loop needs: say so first
        opening = (
            f"{name}: {loop_headline(status)}: the links it needs could not all be tested "
            f"(tested: {sample(result.tests, result.freq)}). "
        )
    return opening + _capital("; ".join(parts)) + "".join(f". {_capital(x)}" for x in extra) + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _why_untested(skipped: Sequence[str]) -> str:
    missing = sorted(
        {
            c.strip()
            for s in skipped
            if ": no data for " in s
            for c in s.split(": no data for ", 1)[1].split(",")
        }
    )
    return f"no data for {', '.join(missing)}" if missing else "fewer than 30 overlapping observations"


def event_verdict(study: EventStudyResult, horizon: int | None = None) -> str:
    """One sentence on an event study: how many spikes, when, what followed (in percent), and
    a warning when it rests on fewer than 10 events."""
    unit = "week" if study.freq == "W" else "day"
    what = f"spikes in {label(study.signal)} ({'weekly' if study.freq == 'W' else 'daily'})"
    if not study.n_events:
        return f"Event study: no {what} above {study.threshold:g} sd, so nothing to average."
    first, last = min(study.event_dates).date(), max(study.event_dates).date()
    dates = f"{first}..{last}" if first != last else f"on {first}"
    what = what.replace("spikes", "spike", 1) if study.n_events == 1 else what
    h = horizon if horizon in study.horizons else study.horizons[min(1, len(study.horizons) - 1)]
    car, lo, hi = study.at(h)
    i = study.horizons.index(h)
    outside = h in study.significant_horizons()
    interval = (
        f"95% interval {lo:+.2%} to {hi:+.2%}"
        if np.isfinite(lo) and np.isfinite(hi)
        else "no interval from one event"
    )
    after = f"{h} {unit}{'s' if h > 1 else ''} after a spike"
    if not study.n_by_horizon[i] or not np.isfinite(car):
        found = (
            f"{after}, no excess return was measured for any of them (no prices for those "
            "dates), so nothing to average"
        )
        return f"Event study: {study.n_events} {what}, {dates}. {_capital(found)}.{_low_power(study)}"
    found = (
        f"{after}, excess returns averaged {car:+.2%} "
        f"({interval}, n = {study.n_by_horizon[i]}); "
        + ("outside" if outside else "within")
        + " the range of random dates"
        + ("" if outside else ", so no evidence of an effect")
    )
    return f"Event study: {study.n_events} {what}, {dates}. {found}.{_low_power(study)}"


def _low_power(study: EventStudyResult) -> str:
    if study.n_events >= LOW_POWER_EVENTS:
        return ""
    return f" Low power: fewer than {LOW_POWER_EVENTS} events, an average of so few says little."


def asof_sentence(span: DataSpan) -> str:
    """'Attention and excess returns overlap 2022-01-03..2024-07-26.', and when they end more
    than a few sessions before the run date: '... overlap 2022-01-03..2024-07-26: stale, the
    data end 612 sessions before 2026-12-06 (attention 2022-01-03..2024-07-26, excess returns
    2021-01-04..2026-01-30).' The sentence names the two series, because a test of other
    series (abnormal volume -> returns) can run over a longer span, stated with its n. When it
    was computed is a column (``computed_at``), not part of the sentence: a rerun on the same
    data reads the same."""
    each = ", ".join(f"{name} {first}..{last}" for name, first, last in span.series)
    if span.data_from is None or span.data_as_of is None:
        return f"No attention or excess return data up to {span.run_date}."
    if not span.overlap:
        return f"No dates with both attention and excess returns ({each})."
    text = f"Attention and excess returns overlap {span.data_from}..{span.data_as_of}"
    if not span.stale:
        return text + "."
    return f"{text}: stale, the data end {span.sessions_behind} sessions before {span.run_date} ({each})."


def excluded_sentence(items: Sequence[str]) -> str:
    """'Excluded or used late: A; B.' (or 'nothing'): every input the panel dropped or delayed
    (:func:`attention.analysis.exclusions.excluded_inputs`)."""
    return f"Excluded or used late: {'; '.join(items) if items else 'nothing'}."
