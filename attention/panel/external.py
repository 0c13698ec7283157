"""Columns from series users import (``attention import series``): ``ext_<name>`` in the panels
of the themes ``config.external_series`` maps the series to.

A value dated ``d`` is used from the first session strictly after ``d`` (as daily search is): a
series published for a day is not assumed known at that day's close. Weekly rows hold the mean
of the values usable in the trading week. Attention and volume series also enter the theme's
attention index (as log(1 + value)); a price-derived series doing so gets a warning note, since
testing it against returns partly tests returns against themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attention.calendar import session_after_day

EXTERNAL_FRAME = ["name", "date", "value", "kind", "price_derived"]
ATTENTION_KINDS = ("attention", "volume")


def empty_external() -> pd.DataFrame:
    return pd.DataFrame(columns=EXTERNAL_FRAME)


def external_columns(
    external: pd.DataFrame, names: list[str], sessions: pd.DatetimeIndex, weeks: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.Series], list[str]]:
    """Daily and weekly ``ext_<name>`` columns, the attention-index components (daily and weekly
    frames share a key), and notes (missing series, price-derived warnings)."""
    daily = pd.DataFrame(index=sessions)
    weekly = pd.DataFrame(index=weeks.unique())
    components: dict[str, pd.Series] = {}
    notes: list[str] = []
    for name in names:
        rows = external[external["name"] == name].dropna(subset=["value"]) if not external.empty else external
        column = f"ext_{name}"
        if rows.empty:
            daily[column], weekly[column] = np.nan, np.nan
            notes.append(f"no values for the imported series {name} (attention import series --name {name})")
            continue
        session = session_after_day(pd.to_datetime(rows["date"]), sessions)
        values = rows.assign(session=session).dropna(subset=["session"])
        daily[column] = values.groupby("session")["value"].mean().reindex(sessions)
        weekly[column] = daily[column].groupby(weeks.to_numpy()).mean().reindex(weeks.unique())
        kind = str(rows["kind"].iloc[0])
        if kind in ATTENTION_KINDS:
            components[column] = daily[column]
            if bool(rows["price_derived"].fillna(False).astype(bool).any()):
                notes.append(
                    f"warning: the attention index includes {name}, a series derived from prices; "
                    "its tests against returns partly test returns against themselves"
                )
    return daily, weekly, components, notes
