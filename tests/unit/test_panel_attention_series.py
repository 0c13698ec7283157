"""The panel's page-view and mentions-per-1,000-comments columns, checked by hand on small
constructed inputs: a day is usable from the session after it; a partial sum is not a sum."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from attention.calendar import sessions_and_closes, week_labels
from attention.panel.attention_series import page_view_columns, share_columns

# Thu 2024-03-07 .. Wed 2024-03-13: sessions Thu, Fri, Mon, Tue, Wed.
SESSIONS, _ = sessions_and_closes(pd.Timestamp("2024-03-07"), pd.Timestamp("2024-03-13"))
SESSIONS = SESSIONS[(SESSIONS >= "2024-03-07") & (SESSIONS <= "2024-03-13")]
WEEKS = week_labels(SESSIONS)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_page_views_sum_articles_and_wait_for_the_day_to_end() -> None:
    rows = []
    for day, a, b in [
        ("2024-03-07", 100, 10),
        ("2024-03-08", 200, 20),
        ("2024-03-09", 300, 30),
        ("2024-03-10", 400, None),
        ("2024-03-11", 500, 50),
    ]:
        rows.append({"article": "A", "day": _day(day), "views": a})
        if b is not None:
            rows.append({"article": "B", "day": _day(day), "views": b})
    daily, weekly = page_view_columns(pd.DataFrame(rows), ["A", "B"], SESSIONS, WEEKS)
    ts = pd.Timestamp
    assert np.isnan(daily[ts("2024-03-07")])  # nothing of Thursday is known at Thursday's close
    assert daily[ts("2024-03-08")] == 110  # Thursday's views, known on Friday
    # Monday gets Fri and Sat (Sunday lacks article B: a partial sum is left out)
    assert daily[ts("2024-03-11")] == (220 + 330) / 2
    assert daily[ts("2024-03-12")] == 550
    assert np.isnan(daily[ts("2024-03-13")])
    assert len(weekly) == 2 and weekly.iloc[0] == 110 and weekly.iloc[1] == (220 + 330 + 550) / 3


def test_mentions_per_thousand_comments() -> None:
    mentions = pd.DataFrame(
        {
            "source": ["reddit", "reddit", "reddit", "news", "reddit"],
            "item_id": list("abcde"),
            "created_utc": pd.to_datetime(
                [
                    "2024-03-07 10:00",
                    "2024-03-07 23:00",
                    "2024-03-11 09:00",
                    "2024-03-07 10:00",
                    "2024-03-07 12:00",
                ],
                utc=True,
            ),
            "theme": ["t", "t", "t", "t", "other"],
        }
    )
    comments = pd.DataFrame(
        [
            {"subreddit": s, "day": _day(d), "value": v}
            for s, d, v in [
                ("stocks", "2024-03-07", 1500),
                ("wsb", "2024-03-07", 2500),
                ("stocks", "2024-03-11", 1000),
            ]
        ]  # wsb's Monday total is missing
    )
    daily, _ = share_columns(mentions, comments, "t", ["Stocks", "WSB"], SESSIONS, WEEKS)
    assert daily[pd.Timestamp("2024-03-08")] == 2 / 4000 * 1000
    assert np.isnan(daily[pd.Timestamp("2024-03-12")])  # the denominator was not observed
