"""The report's one-line answer per theme: did the data show a feedback loop?

The call itself is the analysis' (:attr:`attention.analysis.feedback.FeedbackResult.
loop_status`): ``loop`` when performance led attention and attention led prices, directly or
through money (flows, abnormal volume), every leg significant (BH q < ``analysis.fdr_alpha``)
with a positive effect; ``partial`` when only some legs are; ``none`` otherwise. This module adds
``untested`` (too little data) and a headline that names the links that were found.
"""

from __future__ import annotations

from dataclasses import dataclass

from attention.analysis.feedback import FeedbackResult, series_label
from attention.analysis.granger import GrangerResult
from attention.analysis.run import AnalysisResults


@dataclass(frozen=True)
class LoopStatus:
    theme: str
    label: str
    status: str  # loop | partial | none | untested
    links: tuple[GrangerResult, ...]  # significant directions, in test order

    @property
    def headline(self) -> str:
        if self.status == "untested":
            return f"{self.label}: not enough data to test for a feedback loop."
        found = "; ".join(_link(t) for t in self.links)
        detail = f" Links found: {found}." if found else ""
        return {
            "loop": f"{self.label}: feedback loop found — performance led attention and "
            f"attention led money and prices.{detail}",
            "partial": f"{self.label}: some links, but the loop does not close.{detail}",
            "none": f"{self.label}: no feedback loop — no significant link between attention, "
            "money and returns.",
        }[self.status]

    def summary(self) -> str:
        return self.headline


def _link(test: GrangerResult) -> str:
    q = test.qvalue if test.qvalue is not None else test.pvalue
    # The effect size: s.d. of the caused series per s.d. of the causing one, summed over lags.
    return (
        f"{series_label(test.causing)} → {series_label(test.caused)} "
        f"({test.cumulative_effect:+.2f} sd, q = {q:.2g})"
    )


def loop_status(result: FeedbackResult, label: str = "") -> LoopStatus:
    label = label or result.theme
    links = tuple(t for t in result.tests if t.significant(result.alpha))
    status = result.loop_status if result.tests else "untested"
    return LoopStatus(result.theme, label, status, links)


def loop_statuses(analysis: AnalysisResults | None) -> dict[str, LoopStatus]:
    """Per theme of an ``AnalysisResults`` (empty when the analysis did not run)."""
    if analysis is None:
        return {}
    return {key: loop_status(theme.feedback, theme.label) for key, theme in analysis.themes.items()}
