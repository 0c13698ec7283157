"""The Google Trends trading rule of Preis, Moat and Stanley (2013), with a random baseline.

For each week ``t`` (a search value labelled by the week's last day)::

    dn(t) = n(t) - mean(n(t-1), ..., n(t-dt))

If ``dn > 0`` (more searching: worry) the index is sold at the close of the first trading day
after week ``t`` and bought back at the close of the first trading day one week later; if
``dn < 0`` it is bought then and sold one week later; ``dn == 0`` means no trade. As in the
paper a short position earns ``ln p(entry) - ln p(exit)``, so its factor is
``p(entry) / p(exit)`` and a long's is ``p(exit) / p(entry)``. The cumulative return is the
product of all factors minus 1 (3.26 means +326%).

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


@dataclass(frozen=True)
class PreisResult:
    delta_t: int
    trades: tuple[Trade, ...]
    cumulative_return: float
    buy_and_hold: float  # from the first entry to the last exit
    random_mean: float  # cumulative return of random long/short sequences
    random_std: float
    random_quantile: float  # share of random strategies the rule beat
    n_random: int
    seed: int
    notes: tuple[str, ...] = ()

    @property
    def log_return(self) -> float:
        return float(np.log1p(self.cumulative_return))

    def summary(self) -> str:
        notes = "".join(f"\nnote: {n}" for n in self.notes)
        if not self.trades:
            return f"Preis backtest (dt = {self.delta_t}): no trades" + notes
        first, last = self.trades[0], self.trades[-1]
        return (
            f"Preis backtest (dt = {self.delta_t}), {len(self.trades)} trades "
            f"{first.entry_date.date()}..{last.exit_date.date()}: strategy "
            f"{self.cumulative_return:+.1%}, buy and hold {self.buy_and_hold:+.1%}, random "
            f"strategies {self.random_mean:+.1%} +/- {self.random_std:.1%} "
            f"(n = {self.n_random}, seed {self.seed}); the rule beat "
            f"{self.random_quantile:.0%} of them" + notes
        )


WEEK_LABELS = ("auto", "start", "end")


def preis_backtest(
    search: pd.Series,
    prices: pd.Series,
    delta_t: int = 3,
    n_random: int = 1000,
    seed: int = 0,
    weeks: str = "auto",
) -> PreisResult:
    """Backtest the rule on a weekly ``search`` series (indexed by each week's last day;
    all-Sunday labels are moved to Saturday, see the module docstring) and a daily close
    series ``prices`` (indexed by trading date)."""
    search, prices = clean_series(search, "search"), clean_series(prices, "prices")
    search, notes = week_end_labels(search, weeks)
    if delta_t < 1:
        raise AnalysisInputError(f"delta_t must be at least 1 (got {delta_t})")
    dn = search - search.shift(1).rolling(delta_t, min_periods=delta_t).mean()
    trades = []
    dates = prices.index
    for week_end, change in dn.dropna().items():
        if change == 0:
            continue
        entry = dates.searchsorted(week_end, side="right")
        exit_ = dates.searchsorted(week_end + pd.Timedelta(days=7), side="right")
        if exit_ >= len(dates) or entry >= exit_:
            continue  # the exit session has not happened yet (or a gap in prices)
        if dates[exit_] - week_end > pd.Timedelta(days=14):
            continue  # prices missing around this week: no fair entry/exit sessions
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
    factors = np.array([t.factor for t in trades])
    cumulative = float(np.prod(factors) - 1) if trades else 0.0
    hold = (trades[-1].exit_price / trades[0].entry_price - 1) if trades else 0.0
    rand = _random_baseline(trades, n_random, seed)
    beat = float(np.mean(rand < cumulative)) if len(rand) else float("nan")
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
    )


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
