"""Frequency checks for the Preis backtest: is the search weekly, and are the prices daily (or
dated the way the paper's own data is)?

The rule compares each week's search value with the weeks before it and trades on the first
session after the week. Three inputs break it silently:

* daily search: every day becomes a "week" and the one-week trades overlap (a 2004-2011 daily
  series gives hundreds of overlapping trades). An error, unless ``resample_search`` asks to
  average each Sunday-Saturday week (labelled by its Saturday, as the rule expects).
* monthly search, or monthly values copied onto weeks (a step series): there is nothing weekly
  to compare, and a month's value shown in its first weeks is not known until the month is
  over (look-ahead). An error, unless ``allow_steps`` says to run anyway; the result then
  carries a note saying the trades use values before they were published.
* weekly prices: entering at "the first price after the week" then means the first weekly
  close, up to a week late. Accepted only when every price date falls within four days after a
  search week's end, which is the layout of Preis et al.'s supplementary data (the DJIA close
  at the first trading day after each Google week); otherwise an error.
"""

from __future__ import annotations

import pandas as pd

from attention.analysis.errors import AnalysisInputError

DAILY_MAX_GAP = pd.Timedelta(days=4)  # median spacing at or below this: daily data
WEEKLY_MAX_GAP = pd.Timedelta(days=10)  # above this: monthly (or coarser) data
FIRST_SESSION_WINDOW = pd.Timedelta(days=4)  # Saturday -> Wednesday at the latest (holidays)
STEP_SHARE = 0.9  # share of months with one repeated value that marks a step series
MIN_MONTHS_FOR_STEPS = 12


def median_gap(index: pd.DatetimeIndex) -> pd.Timedelta:
    return pd.Series(index).diff().dropna().median() if len(index) > 1 else pd.Timedelta(days=7)


def check_search(search: pd.Series, resample_search: bool, allow_steps: bool) -> tuple[pd.Series, list[str]]:
    """``search`` as weekly values, or a clear error; returns it with notes on what was done."""
    gap = median_gap(pd.DatetimeIndex(search.index))
    if gap <= DAILY_MAX_GAP:
        if not resample_search:
            raise AnalysisInputError(
                f"search: values are {gap.days}-daily (median spacing {gap.days} day(s)), the rule "
                "needs one value per week; give weekly search or pass --resample-search to average "
                "each Sunday-Saturday week"
            )
        weekly = search.resample("W-SAT").mean().dropna()
        return weekly, [
            f"search was daily: averaged into {len(weekly)} Sunday-Saturday weeks labelled by "
            "their Saturday (--resample-search)"
        ]
    if gap > WEEKLY_MAX_GAP:
        raise AnalysisInputError(
            f"search: values are {gap.days} days apart (monthly or coarser); the rule needs one "
            "value per week and monthly values cannot be made weekly; give weekly search"
        )
    share, months = step_share(search)
    if months >= MIN_MONTHS_FOR_STEPS and share >= STEP_SHARE:
        what = (
            f"search looks like monthly values copied onto weeks ({share:.0%} of {months} months "
            "hold one repeated value): a month's value appears in its first weeks before the "
            "month is over (look-ahead), and most weeks compare equal values"
        )
        if not allow_steps:
            raise AnalysisInputError(what + "; give weekly search, or pass --allow-steps to run anyway")
        return search, [what + "; run anyway (--allow-steps): the result is not a fair test"]
    return search, []


def step_share(search: pd.Series) -> tuple[float, int]:
    """Share of calendar months (with at least three values) whose values are all equal, and
    the number of such months; real weekly search rarely repeats one value for a whole month."""
    index = pd.DatetimeIndex(search.index)
    grouped = search.groupby([index.year, index.month])
    sizes, distinct = grouped.size(), grouped.nunique()
    full = sizes >= 3
    months = int(full.sum())
    if not months:
        return 0.0, 0
    return float((distinct[full] == 1).mean()), months


def check_prices(prices: pd.Series, week_ends: pd.DatetimeIndex) -> list[str]:
    """Daily prices pass; weekly prices pass only in the paper's layout (each dated at the
    first trading day after a search week); anything else is an error."""
    gap = median_gap(pd.DatetimeIndex(prices.index))
    if gap <= DAILY_MAX_GAP:
        return []
    dates = pd.DatetimeIndex(prices.index)
    inside = dates[(dates > week_ends.min()) & (dates <= week_ends.max() + pd.Timedelta(days=7))]
    last_end = week_ends[week_ends.searchsorted(inside, side="left") - 1] if len(inside) else week_ends
    late = (inside - last_end) > FIRST_SESSION_WINDOW if len(inside) else []
    if len(inside) and not any(late):
        return [
            "prices are weekly, dated at the first trading day after each search week "
            "(the layout of Preis et al.'s data): each trade enters and exits at those closes"
        ]
    raise AnalysisInputError(
        f"prices: closes are {gap.days} days apart and not dated at the first trading day after each "
        "search week, so every trade would enter up to a week late; give daily closes (or weekly "
        "closes dated the first trading day after each search week, as in Preis et al.'s data)"
    )
