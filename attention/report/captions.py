"""The sentences under the charts that say how their numbers were made.

Under the share-of-attention chart: how many mentions named only a stock shared by several
themes and were split between them (:func:`attention.themes.evidence_weights`), e.g. "33 of 251
mentions named only a stock in two themes and count half for each". Under the sentiment chart:
the version of the scorer that produced the stored scores (and a warning when versions mix).
Pure: the counts come from :meth:`attention.store.Store.theme_weight_counts` and
:meth:`~attention.store.Store.score_versions` through :class:`attention.report.data.ReportData`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from attention.checks.baskets import MIN_COVERED_WEIGHT

if TYPE_CHECKING:
    from attention.report.data import ReportData

_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}
_PARTS = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth"}


def caption_for(chart: str, data: ReportData) -> str | None:
    """The sentence under chart ``chart`` (a name in ``charts_analysis.CHARTS``), if it has one."""
    if chart == "performance":
        return performance_caption(data)
    if chart == "attention_share":
        return share_caption(data.theme_weights)
    if chart == "sentiment":
        return sentiment_caption(data.score_versions, _configured_version(data))
    return None


def _configured_version(data: ReportData) -> str:
    from attention.scoring import scorer_for

    return scorer_for(data.config).version


def share_caption(counts: Mapping[str, int]) -> str:
    """What the share-of-attention chart does with mentions shared by several themes."""
    total = int(counts.get("items", 0))
    if total == 0:
        return "No Reddit or news mention matched a theme yet."
    splits = sorted((int(k.split("_")[1]), int(n)) for k, n in counts.items() if k.startswith("split_") and n)
    if not splits:
        text = (
            f"None of the {total:,} mentions named only a stock shared by several themes: "
            "each counts whole in every theme it names."
        )
    else:
        first, *rest = splits
        clauses = [
            f"{_count(first[1], total)} named only a stock in {_themes(first[0])} and count "
            f"{_part(first[0])} for each"
        ]
        clauses += [
            f"{n:,} named only a stock in {_themes(k)} and count {_part(k)} for each" for k, n in rest
        ]
        text = "; ".join(clauses) + ", so no mention is counted twice in the mentions' shares."
    unweighted = int(counts.get("unweighted", 0))
    if unweighted:
        text += (
            f" {unweighted:,} mention(s) stored before theme weights existed count whole in each "
            "theme; `attention rescore` splits them."
        )
    return text


def sentiment_caption(versions: Mapping[str, int], configured: str) -> str:
    """Which scorer version the stored sentiment scores come from."""
    if not versions:
        return f"No stored sentiment scores yet (the configured scorer is {configured})."
    if len(versions) == 1:
        (version,) = versions
        note = "" if version == configured else f"; the configured scorer is {configured}"
        return f"Stored scores made by scorer {version} ({versions[version]:,} mentions){note}."
    listed = ", ".join(f"{v} ({n:,})" for v, n in versions.items())
    return (
        f"Stored scores come from several scorer versions ({listed}): the series mix two scales; "
        "`attention rescore` brings them to one."
    )


def _count(split: int, total: int) -> str:
    return f"{split:,} of {total:,} mentions"


def _themes(k: int) -> str:
    return f"{_NUMBERS.get(k, str(k))} themes"


def _part(k: int) -> str:
    return _PARTS.get(k, f"1/{k}")


def thin_basket_note(weight: pd.Series | None, members: list[str]) -> str | None:
    """ "thin basket: 14% of its weight priced" when a basket proxy (two or more members) had
    prices for under MIN_COVERED_WEIGHT of its weight on its last priced session, else None."""
    if weight is None or len(members) < 2:
        return None
    priced = weight[weight > 0].dropna()
    if priced.empty or priced.iloc[-1] >= MIN_COVERED_WEIGHT:
        return None
    return f"thin basket: {priced.iloc[-1]:.0%} of its weight priced"


def performance_caption(data: ReportData) -> str | None:
    """Which themes' lines on the performance chart are those of a thin basket's priced members."""
    notes = []
    for key, panel in data.panels.items():
        members = data.config.themes[key].proxy.members
        weight = panel.daily.get("basket_weight")
        if thin_basket_note(weight, members) and weight is not None:
            priced = weight[weight > 0].dropna()
            thin = int((priced < MIN_COVERED_WEIGHT).sum())
            notes.append(
                f"{data.label(key)}: only {priced.iloc[-1]:.0%} of the basket's weight priced on its "
                f"last priced session (under {MIN_COVERED_WEIGHT:.0%} on {thin} of {len(priced)} "
                "sessions), so its line is the return of the members priced, not of the whole basket"
            )
    return "; ".join(notes) + "." if notes else None
