"""The analysis of every theme: panels -> feedback tests (BH across every test of every theme)
-> event studies -> market context, as one :class:`AnalysisResults`.

Pure: it reads panels and their inputs, never the store. Loading the panels from the store and
saving the results (:mod:`attention.analysis.persist` turns them into rows) is the daily flow's
job (:mod:`attention.daily.outputs`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from attention.analysis.context import MarketContext, MonthDay, market_context, vs_other_3m
from attention.analysis.context_basket import basket_context
from attention.analysis.errors import AnalysisInputError
from attention.analysis.event import EventStudyResult, event_study
from attention.analysis.exclusions import DataSpan, data_span, excluded_inputs
from attention.analysis.feedback import FeedbackResult, feedback_tests
from attention.analysis.granger import with_qvalues
from attention.calendar import sessions_and_closes
from attention.checks.feeds import drop_frozen_prices, price_min_run
from attention.config import Config
from attention.panel.build import PanelInputs, ThemePanel, build_theme_panel

CAPITAL = ("flow_usd", "abnormal_volume")
SeasonalWindow = tuple[MonthDay, MonthDay]
DEFAULT_WINDOW: SeasonalWindow = ((1, 1), (1, 31))  # the January effect
SPIKE_Z = 2.0  # an attention spike: trailing z-score above 2


@dataclass(frozen=True)
class ThemeAnalysis:
    theme: str
    label: str
    feedback: FeedbackResult
    events: tuple[EventStudyResult, ...]
    context: MarketContext | None
    notes: tuple[str, ...] = ()
    span: DataSpan | None = None  # the dates the analysis rests on (None: built by hand)
    excluded: tuple[str, ...] = ()  # inputs the panel dropped or used late

    @property
    def verdict(self) -> str:
        """What `analyze` prints, the report shows and the exports save (one wording module)."""
        from attention.analysis.wording import event_verdict, feedback_verdict

        parts = [feedback_verdict(self.feedback, self.label), *(event_verdict(e) for e in self.events)]
        if self.qualifier:  # each part a sentence of its own before the qualifier's sentences
            parts = [p if p.endswith(".") else f"{p}." for p in parts] + [self.qualifier]
        return " ".join(parts)

    @property
    def qualifier(self) -> str:
        """The data span (stale in words) and what was excluded or used late: the sentences that
        follow every verdict and headline of the theme."""
        from attention.analysis.wording import asof_sentence, excluded_sentence

        if self.span is None:
            return ""
        return f"{asof_sentence(self.span)} {excluded_sentence(self.excluded)}"

    def summary(self) -> str:
        parts = [self.feedback.summary(), *(e.summary() for e in self.events)]
        if self.context is not None:
            parts.append(self.context.summary())
        parts += [f"note: {n}" for n in self.notes]
        return "\n".join(parts)


@dataclass(frozen=True)
class AnalysisResults:
    computed_at: dt.datetime
    themes: dict[str, ThemeAnalysis] = field(default_factory=dict)

    def verdicts(self) -> list[str]:
        return [t.verdict for t in self.themes.values()]

    def summary(self) -> str:
        return "\n\n".join(t.summary() for t in self.themes.values())

    def to_dict(self) -> dict[str, object]:
        """Plain data for ``--json`` (NaN becomes None)."""
        from attention.analysis.wording import excluded_sentence

        data = plain(
            {
                "computed_at": self.computed_at,
                "themes": {
                    k: {
                        **dataclasses.asdict(v),
                        "verdict": v.verdict,
                        "stale": v.span.stale if v.span else None,
                        "excluded_sentence": excluded_sentence(v.excluded),
                    }
                    for k, v in self.themes.items()
                },
            }
        )
        assert isinstance(data, dict)  # plain() keeps a dict a dict
        return data


def analyze(inputs: PanelInputs, config: Config, asof: dt.date | None = None) -> AnalysisResults:
    """Analyse every configured theme from panel inputs already in memory."""
    panels = {k: build_theme_panel(inputs, config, k, end=asof) for k in config.themes}
    return analyze_panels(panels, inputs, config, asof)


def analyze_panels(
    panels: dict[str, ThemePanel], inputs: PanelInputs, config: Config, asof: dt.date | None = None
) -> AnalysisResults:
    """Analyse panels already built (``inputs`` gives the other index for market context)."""
    max_lag, alpha = config.analysis.max_lag_weeks, config.analysis.fdr_alpha
    feedback = {
        k: feedback_tests(
            p.weekly,
            theme=k,
            attention="attention_index",
            capital=CAPITAL,
            max_lag=max_lag,
            alpha=alpha,
            log=(),
            freq="W",
            split_dates=config.analysis.split_dates,
        )
        for k, p in panels.items()
    }
    feedback = _bh_across_themes(feedback)
    computed_at = dt.datetime.now(dt.UTC)
    run_date = asof or computed_at.date()
    themes = {}
    for key, panel in panels.items():
        context, notes = _context(panel, inputs, config, asof, requested=run_date)
        themes[key] = ThemeAnalysis(
            key,
            config.themes[key].label,
            feedback[key],
            _events(panel),
            context,
            (*panel.notes, *notes),
            data_span(panel, run_date, computed_at),
            excluded_inputs(panel, inputs, config, run_date),
        )
    return AnalysisResults(computed_at, themes)


def context_all(
    inputs: PanelInputs, config: Config, asof: dt.date | None = None, window: SeasonalWindow = DEFAULT_WINDOW
) -> dict[str, tuple[MarketContext | None, list[str]]]:
    """Market context per theme (None plus the reason when it cannot be computed); ``window``
    is the seasonal calendar window (:func:`attention.analysis.context.parse_window`)."""
    # built up to ``asof``: the input checks (frozen closes) see only what was known by then;
    # without an ``asof`` the figures are judged against today (stale when the data ended earlier)
    requested = asof or dt.datetime.now(dt.UTC).date()
    return {
        k: _context(build_theme_panel(inputs, config, k, end=asof), inputs, config, asof, window, requested)
        for k in config.themes
    }


def _bh_across_themes(results: dict[str, FeedbackResult]) -> dict[str, FeedbackResult]:
    """Benjamini-Hochberg over every test of every theme (not theme by theme)."""
    flat = [(k, t) for k, r in results.items() for t in r.tests]
    adjusted = with_qvalues([t for _, t in flat])
    out = {k: [] for k in results}  # type: dict[str, list]
    for (key, _), test in zip(flat, adjusted, strict=True):
        out[key].append(test)
    return {k: dataclasses.replace(r, tests=tuple(out[k])) for k, r in results.items()}


def _events(panel: ThemePanel) -> tuple[EventStudyResult, ...]:
    weekly_signal = "asvi" if panel.weekly["asvi"].notna().sum() >= 30 else "attention_index"
    studies = [
        event_study(panel.weekly, weekly_signal, threshold=SPIKE_Z, freq="W", theme=panel.theme),
        event_study(panel.daily, "attention_index", threshold=SPIKE_Z, freq="D", theme=panel.theme),
    ]
    # keep a study with no spikes only when its own frame had a signal to look at
    return tuple(
        s
        for s in studies
        if s.n_events or (panel.weekly if s.freq == "W" else panel.daily)[s.signal].notna().any()
    )


def _context(
    panel: ThemePanel,
    inputs: PanelInputs,
    config: Config,
    asof: dt.date | None,
    window: SeasonalWindow = DEFAULT_WINDOW,
    requested: dt.date | None = None,
) -> tuple[MarketContext | None, list[str]]:
    """The theme's market context up to ``asof``; ``requested`` (default ``asof``) is the date
    the figures are judged against: data ending more than a few sessions before it is stale."""
    context, notes = _context_at(panel, inputs, config, asof, window, requested or asof)
    return (basket_context(context, panel, inputs, config) if context else None), notes


def _no_context(
    theme_key: str, inputs: PanelInputs, config: Config, asof: dt.date | None, no_theme: bool, no_bench: bool
) -> str:
    """Why a theme has no market context: which prices were never stored, and which only after
    ``asof`` (there a later ``--asof`` helps; for the others no date would)."""
    proxy = config.themes[theme_key].proxy
    wanted = ([proxy.etf] if proxy.etf else list(proxy.tickers)) if no_theme else []
    wanted += [config.benchmark_for(theme_key)] if no_bench else []
    stored = set(inputs.prices["ticker"])
    never = [t for t in wanted if t not in stored]
    later = [t for t in wanted if t in stored]
    parts = [f"no prices stored for {', '.join(never)}"] if never else []
    if later:
        when = f"on or before {asof} (pick a later --asof)" if asof else "in the panel's span"
        parts.append(f"no prices for {', '.join(later)} {when}")
    return "market context skipped: " + "; ".join(parts)


def _context_at(
    panel: ThemePanel,
    inputs: PanelInputs,
    config: Config,
    asof: dt.date | None,
    window: SeasonalWindow,
    requested: dt.date | None,
) -> tuple[MarketContext | None, list[str]]:
    theme, bench = _level(panel.daily["theme_return"]), _level(panel.daily["benchmark_return"])
    if theme.empty or bench.empty:
        return None, [_no_context(panel.theme, inputs, config, asof, theme.empty, bench.empty)]
    others, frozen = _other_closes(inputs, config, panel.theme, asof)
    other = others[0] if others else None
    name = config.themes[panel.theme].label
    try:
        context = market_context(theme, bench, asof=requested, other=other, seasonal_window=window, name=name)
        return context, _more_indices(theme, others, context) + frozen
    except AnalysisInputError as exc:
        if other is not None:  # e.g. under 3 months of the other index: drop it, keep the rest
            try:
                return market_context(theme, bench, asof=requested, seasonal_window=window, name=name), [
                    str(exc)
                ]
            except AnalysisInputError as inner:
                exc = inner
        return None, [f"market context skipped: {exc}"]


def _level(returns: pd.Series) -> pd.Series:
    """An index level (100 at the session before the first return) from daily returns. A session
    without a return (a missing bar) has no level: a flat level would be an invented 0% day
    (the next session's return already holds the move since the last bar)."""
    valid = returns.dropna()
    if valid.empty:
        return valid
    level = 100 * (1 + valid).cumprod()
    first = pd.Timestamp(valid.index[0])
    sessions, _ = sessions_and_closes(first - pd.Timedelta(days=10), first)
    before = sessions[sessions < first]  # the session of the close the first return is from
    start = pd.Series([100.0], index=[before[-1] if len(before) else first - pd.Timedelta(days=1)])
    return pd.concat([start, level])


def _other_closes(
    inputs: PanelInputs, config: Config, theme: str, asof: dt.date | None = None
) -> tuple[list[pd.Series], list[str]]:
    """Closes of the theme's context indices, else of the extra tickers (QQQ by default), that
    are not the theme's proxy or benchmark and have prices; the first is the context's "other".
    The repeats of a frozen close (checked on the rows up to ``asof``) are dropped, with a note."""
    members = set(config.themes[theme].proxy.members) | {config.benchmark_for(theme)}
    found, notes = [], []
    min_run = price_min_run(config.sources.flows.stale_after_days)
    for ticker in config.themes[theme].context_indices or config.sources.prices.extra_tickers:
        rows = inputs.prices[inputs.prices["ticker"] == ticker] if not inputs.prices.empty else inputs.prices
        if asof is not None and not rows.empty:
            rows = rows[pd.to_datetime(rows["date"]) <= pd.Timestamp(asof)]
        if ticker in members or rows.empty:
            continue
        rows, frozen = drop_frozen_prices(rows, min_run)
        notes += [f"frozen feed: {f.line()}" for f in frozen]
        if not rows.empty:
            closes = rows["adj_close"].fillna(rows["close"])
            found.append(pd.Series(closes.to_numpy(), index=pd.to_datetime(rows["date"]), name=ticker))
    return found, notes


def _more_indices(theme: pd.Series, others: list[pd.Series], context: MarketContext) -> list[str]:
    """Which index "other" was, and the 3-month return against every further context index."""
    if not others or context.return_vs_other_3m is None:
        return []
    notes = [f"other index: {others[0].name}"]
    when = pd.Timestamp(context.asof)
    for other in others[1:]:
        try:
            diff, late = vs_other_3m(theme[:when], other.dropna()[:when])
        except (AnalysisInputError, ValueError, IndexError):
            continue
        notes.append(f"3-month return vs {other.name} {diff:+.2%}" + (f" ({late[0]})" if late else ""))
    return notes


def plain(value: object) -> object:
    """Dataclasses, dates and numpy numbers as JSON-ready data (NaN becomes None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return value
