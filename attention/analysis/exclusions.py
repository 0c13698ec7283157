"""What a theme's analysis rests on: the date span of its data, whether that data is stale, and
the inputs the panel left out or used late (issue 15, items 4 and 5).

The verdict sentences themselves are written by :mod:`attention.analysis.wording`; this module
only gathers the facts, from three places, so that a check added later is named without a
change here:

* the panel's own columns: text periods not (fully) watched (``<source>_coverage`` below 1,
  their counts missing), sessions where the proxy basket had prices for under 80% of its
  weight (``basket_weight``), sources configured for the theme with no value at all;
* the inputs: weekly search series that are monthly (or coarser) steps, which the panel uses
  only from the end of their period (:func:`attention.checks.series.detect_step`), and flows
  marked stale (a frozen feed);
* the stored data-quality flags (``data_flags``, :class:`attention.panel.build.PanelInputs`
  ``flags``) whose subject is one of the theme's inputs (its tickers, its search terms, the
  theme itself): frozen feeds, missing sessions, partial bars, dates moved to the next session
  and any check added later, in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from attention.analysis.context import STALE_SESSIONS  # one threshold: verdicts and context agree
from attention.calendar import sessions_and_closes
from attention.checks.baskets import MIN_COVERED_WEIGHT
from attention.checks.series import detect_step
from attention.config import Config
from attention.panel.build import PanelInputs, ThemePanel
from attention.panel.text import FULL_COVERAGE, TEXT_SOURCES

VALUED = ("flow_usd", "theme_return", "benchmark_return")  # columns where 0 is a value
SPAN_COLUMNS = {"attention": "attention_index", "excess returns": "excess_return"}
SOURCE_NAMES = {"reddit": "Reddit", "news": "news"}
# stored checks whose subject the panel's own columns already name (not repeated)
FROM_DATA = ("step_series", "thin_basket")
CHECK_WORDS = {
    "frozen_feed": "frozen feed, its values treated as unknown",
    "missing_sessions": "sessions without a price, returns across them span several sessions",
    "partial_bar": "partial (intraday) last bar",
    "holiday_dates": "records dated on days without a session, used from the next session",
    "import_dates": "records dated on days without a session, used from the next session",
    "benchmark_is_proxy": "the benchmark is the proxy, so no excess return",
}


@dataclass(frozen=True)
class DataSpan:
    """The dates a theme's analysis was computed from and the date it was run for."""

    data_from: dt.date | None
    data_as_of: dt.date | None
    run_date: dt.date
    computed_at: dt.datetime
    # each analysed series: (name, first date, last date)
    series: tuple[tuple[str, dt.date, dt.date], ...] = ()
    sessions_behind: int = 0  # NYSE sessions after data_as_of up to run_date
    shared: bool = True  # False: the series have no date with a value in both (holes included)

    @property
    def overlap(self) -> bool:
        """Whether the analysed series share any dates."""
        return (
            self.shared
            and self.data_from is not None
            and self.data_as_of is not None
            and self.data_from <= self.data_as_of
        )

    @property
    def stale(self) -> bool:
        return self.data_as_of is None or self.sessions_behind > STALE_SESSIONS


def data_span(panel: ThemePanel, run_date: dt.date, computed_at: dt.datetime) -> DataSpan:
    """Where the analysed series (attention, excess returns) of the daily panel overlap: a
    test of one against the other has no data outside it. ``data_as_of`` is the earlier of
    their last dates (a panel cut at an as-of date, as the report's, ends there)."""
    series, common = [], None
    for name, column in SPAN_COLUMNS.items():
        values = panel.daily[column].dropna() if column in panel.daily else pd.Series(dtype=float)
        if not values.empty:
            series.append((name, values.index.min().date(), values.index.max().date()))
            common = values.index if common is None else common.intersection(values.index)
    if not series or common is None:
        return DataSpan(None, None, run_date, computed_at)
    # the dates with a value in every series: a series with holes (text watched in two short
    # periods) may start before and end after the other and still share no date with it
    first, last = max(s[1] for s in series), min(s[2] for s in series)
    if len(common):
        first, last = common.min().date(), common.max().date()
    span = DataSpan(first, last, run_date, computed_at, tuple(series), sessions_after(last, run_date))
    return dataclasses.replace(span, shared=len(common) > 0)


def sessions_after(first: dt.date, last: dt.date) -> int:
    """NYSE sessions strictly after ``first`` up to and including ``last``."""
    if last <= first:
        return 0
    sessions, _ = sessions_and_closes(pd.Timestamp(first), pd.Timestamp(last))
    return int(((sessions > pd.Timestamp(first)) & (sessions <= pd.Timestamp(last))).sum())


def excluded_inputs(
    panel: ThemePanel, inputs: PanelInputs, config: Config, run_date: dt.date | None = None
) -> tuple[str, ...]:
    """Every input the theme's panel dropped or used late, one phrase each (empty: none).
    Stored flags about dates after ``run_date`` (a report for a past date) are left out."""
    theme = config.themes[panel.theme]
    items = _uncovered(panel) + _steps(inputs, theme.search_terms) + _thin(panel, theme.proxy.members)
    items += _stale_flows(inputs, theme.proxy.members) + _silent(panel, config)
    tickers = {*theme.proxy.members, config.benchmark_for(panel.theme), panel.theme}
    subjects = {*tickers, *(f"search '{t}'" for t in theme.search_terms)}
    mine = _Subjects({s.upper() for s in subjects}, {t.upper() for t in tickers})
    return tuple(items + _flagged(inputs.flags, mine, run_date))


def _uncovered(panel: ThemePanel) -> list[str]:
    """Per text source, the periods its counts are missing: before its first and after its last
    watched day (never watched there), and the weeks between not fully watched. Weeks before a
    source was first watched are not counted as gaps: a reader needs when it was watched and
    how often it was not in that time."""
    out = []
    for source in TEXT_SOURCES:
        column = f"{source}_coverage"
        fraction = panel.weekly.get(column, pd.Series(dtype=float)).fillna(0.0)
        if fraction.empty or not (fraction > 0).any():
            continue  # never watched: named by _silent when the source is on
        watched = fraction[fraction > 0].index
        inside = fraction.loc[watched[0] : watched[-1]]
        first, last = _watched_days(panel.daily.get(column), watched[0], watched[-1])
        parts = []
        before, after = fraction.index[0] < watched[0], fraction.index[-1] > watched[-1]
        if before or after:
            sides = [f"before {first}"] * before + [f"after {last}"] * after
            parts.append(f"{' and '.join(sides)} (not watched)")
        gaps = int((inside < FULL_COVERAGE).sum())
        if gaps:
            parts.append(
                f"in {gaps} of the {len(inside)} weeks from {first} to {last} ({_gap_kinds(inside)})"
            )
        if parts:
            out.append(f"{SOURCE_NAMES[source]} mentions {' and '.join(parts)}: missing, not zero")
    return out


def _gap_kinds(inside: pd.Series) -> str:
    """How the weeks between a source's first and last watched day fell short: not watched at
    all, or watched in part."""
    unwatched, partly = int((inside == 0).sum()), int(((inside > 0) & (inside < FULL_COVERAGE)).sum())
    kinds = [f"{unwatched} not watched"] * bool(unwatched) + [f"{partly} watched in part"] * bool(partly)
    return ", ".join(kinds)


def _watched_days(
    daily: pd.Series | None, first: pd.Timestamp, last: pd.Timestamp
) -> tuple[dt.date, dt.date]:
    """The first and last day with any coverage in the daily panel, within the watched weeks
    (``first``, ``last``: their week-end labels); the week labels when the daily panel has none."""
    lo, hi = first - pd.Timedelta(days=6), last
    days = daily[(daily.index >= lo) & (daily.index <= hi)] if daily is not None else pd.Series(dtype=float)
    seen = days[days.fillna(0) > 0].index
    if seen.empty:
        return first.date(), last.date()
    return seen[0].date(), seen[-1].date()


def _steps(inputs: PanelInputs, terms: list[str]) -> list[str]:
    search, out = inputs.search, list[str]()
    if search.empty:
        return out
    weekly = search[(search["granularity"] == "week") & search["term"].isin(terms)]
    for term, rows in weekly.groupby("term", sort=True):
        values = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.to_datetime(rows["date"]))
        step = detect_step(values)
        if step is not None:
            out.append(
                f"search '{term}' ({step.name}ly values on weekly labels, each used only after its "
                f"{step.name} ends)"
            )
    return out


def _thin(panel: ThemePanel, members: list[str]) -> list[str]:
    weight = panel.daily.get("basket_weight", pd.Series(dtype=float))
    priced = weight[weight > 0]
    thin = priced[priced < MIN_COVERED_WEIGHT]
    if len(members) < 2 or thin.empty:
        return []
    return [
        f"the basket ({', '.join(members)}) under {MIN_COVERED_WEIGHT:.0%} of its weight priced on "
        f"{len(thin)} of {len(priced)} sessions (lowest {thin.min():.0%}; its return is the priced "
        "members')"
    ]


def _stale_flows(inputs: PanelInputs, members: list[str]) -> list[str]:
    flows = inputs.flows
    if flows.empty or "stale" not in flows:
        return []
    stale = flows[flows["ticker"].isin(members) & flows["stale"].fillna(False).astype(bool)]
    if stale.empty:
        return []
    tickers = ", ".join(sorted(stale["ticker"].unique()))
    return [f"flows of {tickers} on {len(stale)} date(s) (stale feed: missing, not zero)"]


def _silent(panel: ThemePanel, config: Config) -> list[str]:
    """Inputs of the theme (sources on in the config, its proxy and benchmark prices, its
    imported series) that gave no value at all, as one phrase."""
    theme, on = config.themes[panel.theme], set(config.sources.enabled_names())
    wanted = {
        f"prices of the proxy ({', '.join(theme.proxy.members)})": (True, "theme_return"),
        f"prices of the benchmark {config.benchmark_for(panel.theme)}": (True, "benchmark_return"),
        "search interest": ("google_trends" in on, "search"),
        "Reddit": ("reddit" in on and bool(theme.subreddits), "reddit_coverage"),
        "news": ("news" in on, "news_coverage"),
        "Wikipedia page views": ("wikipedia" in on and bool(theme.wikipedia_articles), "page_views"),
        "flows": ("flows" in on, "flow_usd"),
        **{f"the imported series {name}": (True, f"ext_{name}") for name in theme.external_series},
    }
    daily = panel.daily
    silent = [name for name, (enabled, column) in wanted.items() if enabled and not _has_value(daily, column)]
    if not silent:
        return []
    return [f"no data from {', '.join(silent)} (not collected, or the source did not answer)"]


def _has_value(frame: pd.DataFrame, column: str) -> bool:
    """A flow of 0 is a value; a coverage, search or view count of 0 everywhere is nothing seen."""
    if column not in frame:
        return True  # not a column of this panel: nothing to say
    values = frame[column]
    counted = column in VALUED or column.startswith("ext_")  # 0 is a value there
    return bool(values.notna().any() if counted else (values.fillna(0) > 0).any())


@dataclass(frozen=True)
class _Subjects:
    """The flag subjects that are a theme's inputs: exactly one of ``exact`` (its tickers, its
    key, ``search '<term>'``), or a subject naming one of its ``tickers`` among other words
    ("IWM shares", "shares of IWM"). A search subject matches only exactly: a ticker that is
    also a word ("AI") must not pull in another theme's search term."""

    exact: set[str]
    tickers: set[str]

    def __contains__(self, subject: object) -> bool:
        text = str(subject).upper()
        if text in self.exact:
            return True
        if text.startswith("SEARCH '"):
            return False
        return not self.tickers.isdisjoint(t.rstrip(".-_") for t in TOKEN.findall(text))


TOKEN = re.compile(r"[A-Z0-9^][A-Z0-9^.=_-]*")  # tickers: IWM, ^GSPC, BRK.B, ES=F, small_caps


def _flagged(flags: pd.DataFrame, subjects: _Subjects, run_date: dt.date | None) -> list[str]:
    if flags.empty:
        return []
    out = []
    for row in flags.itertuples(index=False):
        if row.check_name in FROM_DATA or row.subject not in subjects:
            continue
        words = CHECK_WORDS.get(row.check_name, str(row.check_name).replace("_", " "))
        first, last = _day(row.first_date), _day(row.last_date)
        if run_date is not None and first is not None and first > run_date:
            continue  # not known yet on the date the analysis is for
        when = f", {first}..{last}" if first and last and first != last else f", {first}" if first else ""
        out.append(f"{row.subject} ({words}{when})")
    return list(dict.fromkeys(out))


def _day(value: object) -> dt.date | None:
    """A stored date (a date, a timestamp or missing) as a date."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
