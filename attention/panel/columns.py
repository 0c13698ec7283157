"""Column builders for the panel: market (returns, volume, flows), search (interest, ASVI) and
the combined attention index (text columns: :mod:`attention.panel.text`).

Each builder takes long-format input rows plus the session index and returns a daily frame on
that index and a weekly frame on the week labels; alignment rules live in ``panel_align``.
Missing data stays NaN: a day without a flow is unknown, not zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from attention.calendar import session_after_day, session_on_or_after
from attention.checks.baskets import covered_weight
from attention.checks.findings import Finding
from attention.checks.series import step_finding

VOLUME_WINDOW_DAYS = 20
VOLUME_WINDOW_WEEKS = 12
ASVI_WEEKS = 8


def _closes(
    prices: pd.DataFrame, sessions: pd.DatetimeIndex, column: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-ticker closes on ``sessions`` and where a bar was observed. A gap of up to 5 sessions
    inside a ticker's history is carried forward (so the move since the last bar lands on the
    next close), never past its last price; the gap sessions themselves are not observed."""
    if prices.empty:
        return pd.DataFrame(index=sessions), pd.DataFrame(index=sessions)
    frame = prices.assign(session=session_on_or_after(prices["date"], sessions))
    wide = frame.pivot_table(index="session", columns="ticker", values=column, aggfunc="last")
    wide = wide.reindex(sessions)
    last_valid = {t: wide[t].last_valid_index() for t in wide}
    filled = wide.ffill(limit=5)
    for ticker, last in last_valid.items():
        filled.loc[filled.index > last, ticker] = np.nan
    return filled, wide.notna()


def market_columns(
    prices: pd.DataFrame,
    flows: pd.DataFrame,
    weights: Mapping[str, float],
    benchmark: str,
    sessions: pd.DatetimeIndex,
    weeks: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """theme/benchmark/excess returns, dollar and abnormal volume, flows (daily and weekly)."""
    adjusted, observed = _closes(
        prices.assign(adj=prices["adj_close"].fillna(prices["close"])) if not prices.empty else prices,
        sessions,
        "adj",
    )
    # a session without a bar has an unknown return (not 0: that would break a streak or flatten
    # a week); the move since the last bar is the return of the next session with one
    rets = adjusted.pct_change(fill_method=None).where(observed)
    daily = pd.DataFrame(index=sessions)
    daily["theme_return"] = _basket_return(rets, weights)
    daily["basket_weight"] = covered_weight(rets.reindex(columns=list(weights)), weights)
    daily["benchmark_return"] = rets[benchmark] if benchmark in rets else np.nan
    daily["excess_return"] = daily["theme_return"] - daily["benchmark_return"]
    volumes = _member_volume(prices, list(weights), sessions)
    daily["dollar_volume"] = volumes.sum(axis=1, min_count=1)
    daily["flow_usd"] = _flows(flows, list(weights), sessions)
    daily["abnormal_volume"] = _basket_abnormal(volumes, weights, VOLUME_WINDOW_DAYS)
    grouped = daily.groupby(weeks.to_numpy())
    weekly = pd.DataFrame(
        {
            "theme_return": grouped["theme_return"].apply(_week_return),
            "basket_weight": grouped["basket_weight"].min(),  # the week's thinnest session
            "benchmark_return": grouped["benchmark_return"].apply(_week_return),
            # strict: a week with a session of unknown volume or flow has an unknown weekly
            # total (summing the sessions known would read a gap as a quiet day)
            "dollar_volume": grouped["dollar_volume"].apply(_known_sum),
            "flow_usd": grouped["flow_usd"].apply(_known_sum),
        }
    )
    weekly["excess_return"] = weekly["theme_return"] - weekly["benchmark_return"]
    # per-session average: a 4-session holiday week is not a 20% drop in activity
    weekly_volumes = volumes.groupby(weeks.to_numpy()).mean()
    weekly["abnormal_volume"] = _basket_abnormal(weekly_volumes, weights, VOLUME_WINDOW_WEEKS)
    return daily, weekly


def _basket_return(rets: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Weighted mean of member returns, weights renormalised over members with a return
    that day (a member that had not listed yet simply drops out)."""
    members = [t for t in weights if t in rets]
    if not members:
        return pd.Series(np.nan, index=rets.index)
    w = pd.Series({t: weights[t] for t in members})
    values = rets[members]
    present = values.notna().mul(w, axis=1)
    total = present.sum(axis=1)
    out = values.fillna(0).mul(w, axis=1).sum(axis=1) / total
    return out.where(total > 0)


def _known_sum(values: pd.Series) -> float:
    """The sum of a week's sessions, or NaN when any of them is unknown."""
    return float(values.sum()) if values.notna().all() else np.nan


def _week_return(values: pd.Series) -> float:
    """A week's compounded return; missing when its last session has no return (a missing or
    frozen bar): the move from the last known close to the week's end is not known, and the
    return up to an earlier session is not the week's."""
    if values.empty or pd.isna(values.iloc[-1]):
        return np.nan
    return _compound(values)


def _compound(values: pd.Series) -> float:
    clean = values.dropna()
    return float(np.prod(1 + clean) - 1) if len(clean) else np.nan


def _member_volume(prices: pd.DataFrame, members: Sequence[str], sessions: pd.DatetimeIndex) -> pd.DataFrame:
    """close * volume per session (rows) and proxy member (columns); NaN where a member has no bar."""
    if prices.empty:
        return pd.DataFrame(index=sessions)
    mine = prices[prices["ticker"].isin(members)]
    mine = mine.assign(dv=mine["close"] * mine["volume"], session=session_on_or_after(mine["date"], sessions))
    mine = mine.dropna(subset=["dv"])  # a bar without a volume has no dollar volume (not 0)
    return mine.pivot_table(index="session", columns="ticker", values="dv", aggfunc="sum").reindex(sessions)


def _basket_abnormal(volumes: pd.DataFrame, weights: Mapping[str, float], window: int) -> pd.Series:
    """Each member's abnormal volume against its own trailing mean, averaged with the basket's
    weights over the members that have one: a member whose prices start (a listing) or stop
    changes which members are averaged, never the level (a summed volume would jump there and
    read as abnormal activity that was not observed). One member: :func:`_abnormal` itself."""
    if volumes.empty:
        return pd.Series(np.nan, index=volumes.index)
    return _basket_return(volumes.apply(lambda member: _abnormal(member, window)), weights)


def _abnormal(volume: pd.Series, window: int) -> pd.Series:
    """ln(volume / mean of the previous ``window`` periods)."""
    trailing = volume.shift(1).rolling(window, min_periods=max(window // 2, 2)).mean()
    ratio = volume / trailing
    return np.log(ratio.where(ratio > 0))


def _flows(flows: pd.DataFrame, members: Sequence[str], sessions: pd.DatetimeIndex) -> pd.Series:
    """Sum of members' daily flows; imported flows win over derived ones; stale is unknown."""
    if flows.empty:
        return pd.Series(np.nan, index=sessions)
    mine = flows[flows["ticker"].isin(members)].copy()
    mine["rank"] = (mine["method"] != "import").astype(int)
    mine = mine.sort_values("rank").drop_duplicates(["ticker", "date"], keep="first")
    mine.loc[mine["stale"].fillna(False).astype(bool), "flow_usd"] = np.nan
    mine["session"] = session_on_or_after(mine["date"], sessions)
    # min_count=1: a session whose only flow is unknown stays unknown (sum() would give 0)
    wide = (
        mine.groupby(["session", "ticker"])["flow_usd"].sum(min_count=1).unstack("ticker").reindex(sessions)
    )
    if wide.shape[1] < len(members):
        return pd.Series(np.nan, index=sessions)
    return wide.sum(axis=1, min_count=len(members)).where(wide.notna().all(axis=1))


def search_columns(
    search: pd.DataFrame, terms: Sequence[str], sessions: pd.DatetimeIndex, weeks: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Theme search interest (mean of its terms on the common scale), daily and weekly.

    Partial periods are dropped. Daily search uses day rows when there are any (else the
    weekly value, held from the session it became usable). Weekly search is the mean of the
    daily values usable in the trading week when there are day rows: each is usable from the
    session after its day, so a trading week holds the search up to its second-to-last day,
    a week fresher than a Google week (Sun-Sat), which is usable only in the next trading week.
    Without day rows, weekly search uses the week rows.
    """
    empty = pd.Series(np.nan, index=sessions), pd.Series(np.nan, index=weeks.unique())
    if search.empty:
        return empty
    rows = search[search["term"].isin(terms) & ~search["is_partial"].fillna(False).astype(bool)]
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return empty
    rows = rows.assign(session=session_after_day(rows["date"], sessions)).dropna(subset=["session"])
    day, week = rows[rows["granularity"] == "day"], rows[rows["granularity"] == "week"]
    weekly_by_session = _term_mean(week, "session")
    if not day.empty:
        daily = _term_mean(day, "session").reindex(sessions)
    else:
        daily = weekly_by_session.reindex(sessions).ffill(limit=10)
    if day.empty:
        labels = weeks.reindex(weekly_by_session.index.to_numpy()).to_numpy()
        weekly = weekly_by_session.groupby(labels).last().reindex(weeks.unique())
    else:
        weekly = daily.groupby(weeks.to_numpy()).mean().reindex(weeks.unique())
    return daily, weekly


def step_adjusted(search: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Weekly search rows of a term whose values repeat over whole months (or quarters, years)
    moved to where they were known: each row gets the value of the last period ended by its
    date (DESIGN.md 4.15). Returns the rows and one flag per such term."""
    if search.empty:
        return search, []
    findings = []
    out = search.copy()
    week = out["granularity"] == "week"
    for term in out.loc[week, "term"].unique():
        rows = week & (out["term"] == term)
        values = pd.Series(
            out.loc[rows, "value"].to_numpy(dtype=float), index=pd.to_datetime(out.loc[rows, "date"])
        )
        finding, usable = step_finding(f"search '{term}'", values)
        if finding is not None:
            out.loc[rows, "value"] = usable.to_numpy()
            findings.append(finding)
    return out, findings


def _term_mean(rows: pd.DataFrame, key: str) -> pd.Series:
    """Mean over terms of each term's value per key (several days -> one session: mean)."""
    per_term = rows.groupby([key, "term"])["value"].mean()
    return per_term.groupby(level=0).mean()


def asvi(weekly_search: pd.Series) -> pd.Series:
    """Da-Engelberg-Gao abnormal search: ln SVI_t - ln median(SVI_{t-1..t-8})."""
    positive = weekly_search.where(weekly_search > 0)
    median = positive.shift(1).rolling(ASVI_WEEKS, min_periods=ASVI_WEEKS).median()
    return np.log(positive) - np.log(median)


def attention_index(parts: Mapping[str, pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Average of z-scores of the components observed in each period, and which they were.

    Every component is standardised with the mean and s.d. of one common baseline window: the
    periods where all usable components have data (each one's own span if they never overlap).
    Fixed constants keep the index an affine map of each component, so it never mixes in
    information from after a date except through those two constants. A component missing in a
    period (not covered there) is left out of that period's mean, so the index changes meaning
    where a source starts or stops: the second series names the components of each period
    (``search+reddit``; empty where the index is missing) so that the export says so.
    """
    frame = pd.DataFrame({k: v for k, v in parts.items() if v.notna().sum() >= 3})
    if frame.empty:
        index = next(iter(parts.values())).index if parts else pd.Index([])
        return pd.Series(np.nan, index=index), pd.Series("", index=index, dtype=object)
    common = frame.dropna()
    base = common if len(common) >= 10 else frame
    z = (frame - base.mean()) / base.std()
    z = z.loc[:, base.std() > 0]
    observed = z.notna()
    names = pd.Series("", index=z.index, dtype=object)
    for column in z.columns:
        names = names.where(~observed[column], names.where(names == "", names + "+") + column)
    return z.mean(axis=1), names
