"""The report's one-line answer per theme: did the data show a feedback loop?

The loop the articles describe is performance -> attention -> money -> prices -> attention. From
the analysis' directional tests (Benjamini-Hochberg q-values) we call it:

* ``loop``     excess returns led attention AND attention led money or prices (flows, abnormal
               volume or excess returns), each at q < ``analysis.fdr_alpha``;
* ``one-way``  only one of those two directions was found;
* ``none``     neither direction was found;
* ``untested`` too little data to run the tests.

A link from money to prices (flows -> excess returns) is reported beside it but is not needed
for the call: with weekly data the money step is often inside the same week as the attention.
"""

from __future__ import annotations

from dataclasses import dataclass

from attention.analysis.feedback import LABELS, FeedbackResult
from attention.analysis.granger import GrangerResult

ATTENTION = ("attention_index", "attention", "search", "asvi")
RETURNS = "excess_return"


@dataclass(frozen=True)
class LoopStatus:
    theme: str
    label: str
    status: str  # loop | one-way | none | untested
    back: tuple[GrangerResult, ...]  # returns -> attention, significant
    forward: tuple[GrangerResult, ...]  # attention -> money or prices, significant
    money_to_prices: tuple[GrangerResult, ...]  # capital -> returns, significant

    @property
    def headline(self) -> str:
        if self.status == "untested":
            return f"{self.label}: not enough data to test for a feedback loop."
        found = [_link(t) for t in (*self.back, *self.forward, *self.money_to_prices)]
        detail = f" ({'; '.join(found)})" if found else ""
        return {
            "loop": f"{self.label}: feedback loop found — performance drew attention and "
                    f"attention drew money{detail}.",
            "one-way": f"{self.label}: a one-way link, not a loop{detail}.",
            "none": f"{self.label}: no feedback loop — no significant link between attention "
                    "and returns or money.",
        }[self.status]

    def summary(self) -> str:
        return self.headline


def _name(column: str) -> str:
    return LABELS.get(column, column.replace("_", " "))


def _link(test: GrangerResult) -> str:
    q = test.qvalue if test.qvalue is not None else test.pvalue
    return f"{_name(test.causing)} → {_name(test.caused)}, q = {q:.2g}"


def loop_status(result: FeedbackResult, label: str = "") -> LoopStatus:
    label = label or result.theme
    significant = [t for t in result.tests if t.significant(result.alpha)]
    back = tuple(t for t in significant if t.causing == RETURNS and t.caused in ATTENTION)
    forward = tuple(t for t in significant if t.causing in ATTENTION)
    money = tuple(t for t in significant
                  if t.caused == RETURNS and t.causing not in ATTENTION)
    if not result.tests:
        status = "untested"
    elif back and forward:
        status = "loop"
    elif back or forward:
        status = "one-way"
    else:
        status = "none"
    return LoopStatus(result.theme, label, status, back, forward, money)


def loop_statuses(analysis: object) -> dict[str, LoopStatus]:
    """Per theme of an ``AnalysisResults`` (empty when the analysis did not run)."""
    if analysis is None:
        return {}
    return {key: loop_status(theme.feedback, theme.label)
            for key, theme in analysis.themes.items()}  # type: ignore[attr-defined]
