"""The report's one-line answer per theme: did the data show a feedback loop?

The call itself is the analysis' (:attr:`attention.analysis.feedback.FeedbackResult.
loop_status`): ``loop`` when performance led attention and attention led prices, directly or
through money (flows, abnormal volume), every leg significant (BH q < ``analysis.fdr_alpha``)
with a positive effect; ``partial`` when only some legs are; ``none`` otherwise. This module adds
``untested`` (too little data); the headline's words come from :mod:`attention.analysis.wording`,
the one module that writes every verdict sentence. Each card ends with the theme's data span
(stale in words) and what was excluded or used late, the same sentences as its verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from attention.analysis.feedback import FeedbackResult
from attention.analysis.granger import GrangerResult
from attention.analysis.run import AnalysisResults
from attention.analysis.wording import loop_card


@dataclass(frozen=True)
class LoopStatus:
    theme: str
    label: str
    status: str  # loop | partial | none | untested
    links: tuple[GrangerResult, ...]  # significant directions, in test order
    result: FeedbackResult  # the tests behind it (n, dates, power for the headline)
    qualifier: str = ""  # the data span and what was excluded (ThemeAnalysis.qualifier)

    @property
    def headline(self) -> str:
        card = loop_card(self.label, self.status, self.links, self.result)
        return f"{card} {self.qualifier}" if self.qualifier else card

    def summary(self) -> str:
        return self.headline


def loop_status(result: FeedbackResult, label: str = "", qualifier: str = "") -> LoopStatus:
    label = label or result.theme
    links = tuple(t for t in result.tests if t.significant(result.alpha))
    status = result.loop_status if result.tests else "untested"
    return LoopStatus(result.theme, label, status, links, result, qualifier)


def loop_statuses(analysis: AnalysisResults | None) -> dict[str, LoopStatus]:
    """Per theme of an ``AnalysisResults`` (empty when the analysis did not run)."""
    if analysis is None:
        return {}
    return {
        key: loop_status(theme.feedback, theme.label, theme.qualifier)
        for key, theme in analysis.themes.items()
    }
