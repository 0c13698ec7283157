"""The one sentence that opens "Where attention moved this week".

The table is sorted by the change in the attention index, highest first, so its first row is
not the biggest move when every theme fell (the old sentence then said the theme that fell
least "fell most"). The sentence names the largest move either way, and says the themes held
steady when no change reaches :data:`STEADY`.
"""

from __future__ import annotations

import math

import pandas as pd

# Changes in the attention index (standard deviations) smaller than this read as "held steady":
# a tenth of a standard deviation is well inside a normal week's noise.
STEADY = 0.1


def largest_move(moves: pd.DataFrame) -> str:
    """Plain text naming the theme whose attention index moved most this week, either way.

    ``moves`` is :func:`attention.report.data.weekly_moves`' frame (``label``, ``week_end``,
    ``attention_change``). Empty string when no theme has a comparable change.
    """
    changes = pd.to_numeric(moves.get("attention_change"), errors="coerce") if len(moves) else None
    if changes is None or changes.isna().all():
        return ""
    row = moves.loc[changes.abs().idxmax()]
    change, week = float(row["attention_change"]), row["week_end"]
    if math.fabs(change) < STEADY:
        return (
            f"Attention held steady in the week to {week}: no theme's attention index moved "
            f"{STEADY:.1f} or more against its average of the four weeks before."
        )
    direction = "rose" if change > 0 else "fell"
    return (
        f"The largest move in the week to {week}: attention {direction} for {row['label']}, "
        f"{change:+.2f} on the attention index against its average of the four weeks before."
    )
