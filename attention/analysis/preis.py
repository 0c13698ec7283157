"""The Google Trends trading rule of Preis, Moat and Stanley (2013), with a random baseline.

For each week ``t`` (a search value labelled by the week's last day)::

    dn(t) = n(t) - mean(n(t-1), ..., n(t-dt))

If ``dn > 0`` (more searching: worry) the index is sold at the close of the first trading day
after week ``t`` and bought back at the close of the first trading day one week later; if
``dn < 0`` it is bought then and sold one week later; ``dn == 0`` means no trade. "Zero" has a
tolerance: ``|dn| <= ZERO_TOLERANCE * max|n|`` (1e-9 of the series' largest value), so a series
and the same series times 7 make the same trades (without it, floating-point noise in the moving
average turned exact ties into trades for some scalings and not others). As in the
paper a short position earns ``ln p(entry) - ln p(exit)``, so its factor is
``p(entry) / p(exit)`` and a long's is ``p(exit) / p(entry)``. The cumulative return is the
product of all factors minus 1 (3.26 means +326%).

Costs. Every trade is a round trip: two sides, each paying ``bp`` basis points of the traded
value, so its net factor is ``factor * (1 - bp / 10_000) ** 2`` (Bijl et al. 2016 charge costs
this way; a weekly rule pays them about 52 times a year). ``cost_bp`` (default 10) is the
headline's level; ``costs`` holds the cumulative return at 0, 5, 10 and 20 bp per side, and
``delta_t_table`` the rule for dt = 1..6 before and after ``cost_bp``.

A second null keeps the search series' persistence: the rule on phase-randomised copies of it
(:mod:`attention.analysis.nulls`), in the spirit of Challet & Bel Hadj Ayed's random keywords.
The random baseline takes the same weeks with a coin for the direction. It tests a rule fixed in
advance; a term or a dt chosen after looking at results has already been selected for beating
it, so "beat X% of random strategies" says nothing about such a choice (Challet & Bel Hadj
Ayed found random finance terms do about as well as chosen ones).

Week labels. The rule needs each search value labelled by the last day of its week (Saturday
for Google's Sunday-Saturday weeks): a week is only known once it has ended. Google Trends'
CSV export and pytrends label weeks by their first day, the Sunday; taken as a week end, that
would trade six days before the week was over. ``weeks`` says which convention a series uses:
"end" (labels are week ends, kept), "start" (labels are week starts, moved six days later), or
"auto" (the default): a series whose labels are all Sundays is taken as Google's week starts and
moved, the safe guess (a wrong move only delays each trade by six days, a wrong keep would trade
on a week not yet over), and the result says so in ``notes``. A series resampled by pandas
("W", Sunday week ends) is labelled by week ends: pass "end".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from attention.analysis.errors import AnalysisInputError
from attention.analysis.nulls import N_SURROGATES, phase_surrogate
from attention.analysis.preis_checks import check_prices, check_search
from attention.checks.feeds import FROZEN_MIN_SESSIONS, PRICES_DONE, frozen_findings, repeat_mask


@dataclass(frozen=True)
class Trade:
    week_end: pd.Timestamp  # last day of the search week t
    dn: float
    position: int  # -1 short, +1 long
    entry_date: pd.Timestamp
    entry_price: float
    exit_date: pd.Timestamp
    exit_price: float

    @property
    def factor(self) -> float:
        ratio = self.exit_price / self.entry_price
        return ratio if self.position > 0 else 1.0 / ratio


COST_LEVELS_BP = (0.0, 5.0, 10.0, 20.0)
DELTA_T_RANGE = range(1, 7)
ZERO_TOLERANCE = 1e-9
SELECTION_NOTE = (
    "the random-strategy comparison tests a rule fixed in advance: a term or dt picked after "
    "seeing results is not tested by it"
)


@dataclass(frozen=True)
class CostRow:
    bp_per_side: float
    cumulative_return: float


@dataclass(frozen=True)
class DeltaTRow:
    delta_t: int
    n_trades: int
    cumulative_return: float  # before costs
    net_return: float  # after the result's cost_bp per side


@dataclass(frozen=True)
class PreisResult:
    delta_t: int
    trades: tuple[Trade, ...]
    cumulative_return: float  # before costs (the paper's figure)
    buy_and_hold: float  # from the first entry to the last exit
    random_mean: float  # cumulative return of random long/short sequences
    random_std: float
    random_quantile: float  # share of random strategies the rule beat
    n_random: int
    seed: int
    notes: tuple[str, ...] = ()
    cost_bp: float = 10.0
    net_return: float = 0.0  # after cost_bp per side
    costs: tuple[CostRow, ...] = ()
    delta_t_table: tuple[DeltaTRow, ...] = ()
    zero_tolerance: float = ZERO_TOLERANCE
    phase_null_mean: float = float("nan")  # the rule on phase-randomised search (same spectrum)
    phase_null_quantile: float = float("nan")  # share of those surrogates the rule beat
    n_phase: int = 0

    @property
    def log_return(self) -> float:
        return float(np.log1p(self.cumulative_return))

    def summary(self) -> str:
        notes = "".join(f"\nnote: {n}" for n in self.notes)
        if not self.trades:
            return f"Preis backtest (dt = {self.delta_t}): no trades" + notes
        first, last = self.trades[0], self.trades[-1]
        costs = ", ".join(f"{c.bp_per_side:g} bp {c.cumulative_return:+.1%}" for c in self.costs)
        dts = ", ".join(f"dt {r.delta_t} {r.cumulative_return:+.1%}" for r in self.delta_t_table)
        return (
            f"Preis backtest (dt = {self.delta_t}), {len(self.trades)} trades "
            f"{first.entry_date.date()}..{last.exit_date.date()}: strategy "
            f"{self.cumulative_return:+.1%} before costs, {self.net_return:+.1%} after "
            f"{self.cost_bp:g} bp per side; buy and hold {self.buy_and_hold:+.1%}; random "
            f"strategies {self.random_mean:+.1%} +/- {self.random_std:.1%} "
            f"(n = {self.n_random}, seed {self.seed}); the rule beat "
            f"{self.random_quantile:.0%} of them before costs; on {self.n_phase} phase-randomised "
            f"copies of the search series it earned {self.phase_null_mean:+.1%} on average and the real "
            f"series beat {self.phase_null_quantile:.0%} of them"
            f"\ncosts per side: {costs}\nbefore costs by dt: {dts}" + notes + f"\nnote: {SELECTION_NOTE}"
        )


WEEK_LABELS = ("auto", "start", "end")


def preis_backtest(
    search: pd.Series,
    prices: pd.Series,
    delta_t: int = 3,
    n_random: int = 1000,
    seed: int = 0,
    weeks: str = "auto",
    cost_bp: float = 10.0,
    resample_search: bool = False,
    allow_steps: bool = False,
    n_phase: int = N_SURROGATES,
    frozen_min_run: int = FROZEN_MIN_SESSIONS,
) -> PreisResult:
    """Backtest the rule on a weekly ``search`` series (indexed by each week's last day;
    all-Sunday labels are moved to Saturday, see the module docstring) and a daily close
    series ``prices`` (indexed by trading date). Frequency checks:
    :mod:`attention.analysis.preis_checks`. A close repeated on ``frozen_min_run`` bars or more
    is a frozen feed: its repeats are missing, and a trade entering or exiting there is skipped."""
    search, prices = clean_series(search, "search"), clean_series(prices, "prices")
    frozen = repeat_mask(prices, frozen_min_run)
    frozen_notes = [
        f"frozen prices: {f.detail}"
        for f in frozen_findings("prices", "close", prices, frozen_min_run, done=PRICES_DONE)
    ]
    prices = prices.where(~frozen)
    if delta_t < 1:
        raise AnalysisInputError(f"delta_t must be at least 1 (got {delta_t})")
    if not 0 <= cost_bp < 10_000:
        raise AnalysisInputError(f"cost_bp must be between 0 and 10000 basis points (got {cost_bp})")
    search, notes = check_search(search, resample_search, allow_steps)
    search, moved = week_end_labels(search, weeks)
    notes += moved + check_prices(prices, pd.DatetimeIndex(search.index)) + frozen_notes
    trades = rule_trades(search, prices, delta_t)
    cumulative = net_cumulative(trades, 0.0)
    hold = (trades[-1].exit_price / trades[0].entry_price - 1) if trades else 0.0
    rand = _random_baseline(trades, n_random, seed)
    beat = float(np.mean(rand < cumulative)) if len(rand) else float("nan")
    by_dt = [(d, rule_trades(search, prices, d)) for d in DELTA_T_RANGE]
    surrogates = phase_null(search, prices, delta_t, n_phase, seed)
    return PreisResult(
        delta_t,
        tuple(trades),
        cumulative,
        float(hold),
        float(rand.mean()) if len(rand) else 0.0,
        float(rand.std(ddof=1)) if len(rand) > 1 else 0.0,
        beat,
        n_random,
        seed,
        tuple(notes),
        cost_bp,
        net_cumulative(trades, cost_bp),
        tuple(CostRow(bp, net_cumulative(trades, bp)) for bp in sorted({*COST_LEVELS_BP, cost_bp})),
        tuple(DeltaTRow(d, len(t), net_cumulative(t, 0.0), net_cumulative(t, cost_bp)) for d, t in by_dt),
        phase_null_mean=float(surrogates.mean()) if len(surrogates) else float("nan"),
        phase_null_quantile=float(np.mean(surrogates < cumulative)) if len(surrogates) else float("nan"),
        n_phase=len(surrogates),
    )


def week_log_returns(weeks: pd.DatetimeIndex, prices: pd.Series) -> np.ndarray:
    """Per search week, ``ln p(exit) - ln p(entry)`` of its trade (NaN where it has none), with
    the entry/exit rules of :func:`rule_trades`."""
    dates = prices.index
    entry = dates.searchsorted(weeks, side="right")
    exit_ = dates.searchsorted(weeks + pd.Timedelta(days=7), side="right")
    ok = (exit_ < len(dates)) & (entry < exit_)
    ok[ok] &= (dates[exit_[ok]] - weeks[ok]) <= pd.Timedelta(days=14)
    logs = np.log(prices.to_numpy(float))
    out = np.full(len(weeks), np.nan)
    out[ok] = logs[exit_[ok]] - logs[entry[ok]]
    return out


def rule_return(values: np.ndarray, week_logs: np.ndarray, delta_t: int, tolerance: float) -> float:
    """The rule's cumulative return (before costs) for search ``values`` (vectorised)."""
    before = pd.Series(values).shift(1).rolling(delta_t, min_periods=delta_t).mean().to_numpy()
    dn = values - before
    take = np.isfinite(dn) & (np.abs(dn) > tolerance) & np.isfinite(week_logs)
    return float(np.expm1(np.sum(-np.sign(dn[take]) * week_logs[take])))


def phase_null(search: pd.Series, prices: pd.Series, delta_t: int, n: int, seed: int) -> np.ndarray:
    """The rule's return on ``n`` phase-randomised copies of ``search`` (same spectrum and
    values; :func:`attention.analysis.nulls.phase_surrogate`)."""
    if n < 1 or len(search) < 2 * delta_t + 2:
        return np.array([])
    logs = week_log_returns(pd.DatetimeIndex(search.index), prices)
    values = search.to_numpy(float)
    tolerance = ZERO_TOLERANCE * float(np.abs(values).max())
    rng = np.random.default_rng(seed)
    return np.array([rule_return(phase_surrogate(values, rng), logs, delta_t, tolerance) for _ in range(n)])


def net_cumulative(trades: list[Trade], bp_per_side: float) -> float:
    """Cumulative return of ``trades`` after ``bp_per_side`` basis points on each of the two
    sides of every trade (0.0 when there are no trades)."""
    if not trades:
        return 0.0
    keep = (1.0 - bp_per_side / 10_000.0) ** 2
    return float(np.prod([t.factor * keep for t in trades]) - 1.0)


def rule_trades(search: pd.Series, prices: pd.Series, delta_t: int) -> list[Trade]:
    """The rule's trades on week-end labelled ``search`` and ``prices`` (see the docstring)."""
    dn = search - search.shift(1).rolling(delta_t, min_periods=delta_t).mean()
    tolerance = ZERO_TOLERANCE * float(search.abs().max())
    trades = []
    dates = prices.index
    for week_end, change in dn.dropna().items():
        if abs(change) <= tolerance:
            continue  # no change in searching: no trade
        entry = dates.searchsorted(week_end, side="right")
        exit_ = dates.searchsorted(week_end + pd.Timedelta(days=7), side="right")
        if exit_ >= len(dates) or entry >= exit_:
            continue  # the exit session has not happened yet (or a gap in prices)
        if dates[exit_] - week_end > pd.Timedelta(days=14):
            continue  # prices missing around this week: no fair entry/exit sessions
        if np.isnan(prices.iloc[entry]) or np.isnan(prices.iloc[exit_]):
            continue  # a frozen (missing) close on the entry or exit session: no fair price
        trades.append(
            Trade(
                week_end,
                float(change),
                -1 if change > 0 else 1,
                dates[entry],
                float(prices.iloc[entry]),
                dates[exit_],
                float(prices.iloc[exit_]),
            )
        )
    return trades


def week_end_labels(search: pd.Series, weeks: str = "auto") -> tuple[pd.Series, list[str]]:
    """``search`` labelled by each week's last day (``weeks``: see the module docstring).
    Returns the series and a note saying whether it was moved."""
    if weeks not in WEEK_LABELS:
        raise AnalysisInputError(f"weeks must be one of {WEEK_LABELS} (got {weeks!r})")
    labels = pd.DatetimeIndex(search.index)
    if weeks == "end":
        return search, []
    if weeks == "auto" and (len(labels) < 2 or not (labels.day_of_week == 6).all()):
        return search, []
    moved = search.copy()
    moved.index = labels + pd.Timedelta(days=6)
    why = (
        "you said they are week starts"
        if weeks == "start"
        else "all Sundays, as Google Trends and pytrends label weeks; pass --weeks end if they are week ends"
    )
    return moved, [
        f"search weeks were taken as labelled by their first day ({why}); moved to "
        f"the week's last day, e.g. {labels[0].date()} -> {moved.index[0].date()}"
    ]


def _random_baseline(trades: list[Trade], n_random: int, seed: int) -> np.ndarray:
    """Cumulative returns of ``n_random`` strategies that take the same weeks but choose long
    or short by a fair coin (the paper's random-investment comparison)."""
    if not trades or n_random < 1:
        return np.array([])
    log_long = np.log([t.exit_price / t.entry_price for t in trades])
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(n_random, len(trades)))
    return np.expm1(signs @ log_long)


MIN_CLOSE = 1e-6
MAX_PRICE_RANGE = 1e9


def clean_series(series: pd.Series, name: str) -> pd.Series:
    """Numeric values on a sorted, tz-naive, de-duplicated date index; clear errors if not."""
    if not isinstance(series, pd.Series):
        raise AnalysisInputError(f"{name} must be a pandas Series (got {type(series).__name__})")
    out = pd.to_numeric(series, errors="coerce").dropna()
    try:
        out.index = pd.DatetimeIndex(out.index).tz_localize(None)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(f"{name}: the index must be dates ({exc})") from None
    out = out[~out.index.duplicated(keep="last")].sort_index()
    if out.empty:
        raise AnalysisInputError(f"{name}: no numeric values; check the file or column")
    if name == "prices" and (out <= 0).any():
        raise AnalysisInputError("prices: closes must be positive")
    if not np.isfinite(out).all():
        raise AnalysisInputError(f"{name}: infinite values; check the file or column")
    if name == "prices" and (out.max() / out.min() > MAX_PRICE_RANGE or out.min() < MIN_CLOSE):
        # Ratios of such closes overflow (a close of 1e-300 makes a trade's factor infinite).
        raise AnalysisInputError(
            f"prices: closes from {out.min():.3g} to {out.max():.3g} are not a price series; "
            f"closes must be at least {MIN_CLOSE:g} and within a factor of {MAX_PRICE_RANGE:.0e}"
        )
    return out
