"""Panel columns from the keyless sources (issue 17), beside search interest:

* ``page_views``: a theme's Wikipedia articles' daily views summed (a day counts only when every
  article of the theme was observed: a partial sum is not the sum), known once the day is over,
  so each UTC day is usable from the session after it; a session holds the mean daily views of
  the days it received (a Monday gets Friday to Sunday), a week the mean of its days.
* ``reddit_per_1k``: theme mentions in Reddit items per 1,000 comments posted in the theme's
  subreddits that day (Arctic Shift's daily totals), a share that does not grow with the
  subreddit; missing where the denominator was not observed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from attention.calendar import session_after_day


def _empty(sessions: pd.DatetimeIndex, weeks: pd.Series) -> tuple[pd.Series, pd.Series]:
    return pd.Series(np.nan, index=sessions), pd.Series(np.nan, index=weeks.unique())


def _by_session(
    per_day: pd.DataFrame, sessions: pd.DatetimeIndex, weeks: pd.Series, ratio: bool
) -> tuple[pd.Series, pd.Series]:
    """Day rows (``num`` and, for a ratio, ``den``; index: days) -> session and week values."""
    per_day = per_day.assign(session=session_after_day(pd.Series(per_day.index), sessions).to_numpy())
    per_day = per_day.dropna(subset=["session"])
    if per_day.empty:
        return _empty(sessions, weeks)
    per_day = per_day.assign(week=weeks.reindex(pd.DatetimeIndex(per_day["session"])).to_numpy())
    out = []
    for key, index in (("session", sessions), ("week", weeks.unique())):
        grouped = per_day.groupby(key)
        values = grouped["num"].sum() / grouped["den"].sum() * 1000 if ratio else grouped["num"].mean()
        out.append(values.reindex(index).astype(float))
    return out[0], out[1]


def page_view_columns(
    views: pd.DataFrame, articles: Sequence[str], sessions: pd.DatetimeIndex, weeks: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """``page_views`` daily and weekly from rows ``article, day, views``."""
    rows = views[views["article"].isin(list(articles))] if not views.empty else views
    if not articles or rows.empty:
        return _empty(sessions, weeks)
    wide = rows.pivot_table(index="day", columns="article", values="views", aggfunc="sum")
    total = wide.reindex(columns=list(articles)).sum(axis=1, min_count=len(articles)).dropna()
    total.index = pd.to_datetime(total.index)
    return _by_session(pd.DataFrame({"num": total}), sessions, weeks, ratio=False)


def share_columns(
    mentions: pd.DataFrame,
    comments: pd.DataFrame,
    theme: str,
    subreddits: Sequence[str],
    sessions: pd.DatetimeIndex,
    weeks: pd.Series,
) -> tuple[pd.Series, pd.Series]:
    """``reddit_per_1k`` from mention rows (``source, created_utc, theme``) and daily comment
    totals (``subreddit, day, value``); days need every subreddit's total."""
    subs = [s.lower() for s in subreddits]
    rows = comments[comments["subreddit"].isin(subs)] if not comments.empty else comments
    if not subs or rows.empty:
        return _empty(sessions, weeks)
    wide = rows.pivot_table(index="day", columns="subreddit", values="value", aggfunc="sum")
    den = wide.reindex(columns=subs).sum(axis=1, min_count=len(subs)).dropna()
    den.index = pd.to_datetime(den.index)
    mine = (
        mentions[(mentions["source"] == "reddit") & (mentions["theme"] == theme)]
        if not mentions.empty
        else mentions
    )
    if mine.empty:
        num = pd.Series(0.0, index=den.index)
    else:
        days = pd.to_datetime(mine["created_utc"], utc=True).dt.tz_convert(None).dt.normalize()
        num = days.value_counts().reindex(den.index, fill_value=0).astype(float)
    frame = pd.DataFrame({"num": num, "den": den.astype(float)})
    return _by_session(frame[frame["den"] > 0], sessions, weeks, ratio=True)
