"""The feedback-loop tests for one theme: Granger both ways, VAR impulse responses, lead-lag
cross-correlations, Benjamini-Hochberg, and a verdict in plain words.

The loop the articles describe is performance -> search -> capital -> prices -> search. On a
panel with an attention column, an excess-return column and capital columns (flows, abnormal
volume) we test, each on stationary transforms:

* attention -> excess return, and excess return -> attention (both directions);
* attention -> each capital column, and each capital column -> excess return.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from attention.analysis.beyond import BeyondPrice, beyond_price
from attention.analysis.granger import GrangerResult, granger, make_stationary, with_qvalues
from attention.analysis.nulls import N_SHIFTS, granger_shift_pvalue, xcorr_shift_pvalue
from attention.analysis.stability import Stability, stability

# Plain names for the verdict; columns not listed are shown as they are.
LABELS = {
    "attention": "attention",
    "attention_index": "attention",
    "search": "search",
    "asvi": "abnormal search",
    "excess_return": "excess returns",
    "flow": "flows",
    "flow_usd": "flows",
    "abnormal_volume": "abnormal volume",
}


def series_label(column: str) -> str:
    """A panel column as readers see it ("excess_return" -> "excess returns")."""
    return LABELS.get(column, column.replace("_", " "))


@dataclass(frozen=True)
class ImpulseResponse:
    """Response of ``response`` to a one-s.d. orthogonalised shock in ``impulse`` (Cholesky
    order = the VAR's column order), with asymptotic 95% bands."""

    impulse: str
    response: str
    irf: tuple[float, ...]  # horizon 0..H
    lower: tuple[float, ...]
    upper: tuple[float, ...]

    def significant_horizons(self) -> list[int]:
        return [h for h, (lo, hi) in enumerate(zip(self.lower, self.upper, strict=True)) if lo > 0 or hi < 0]

    def summary(self) -> str:
        sig = self.significant_horizons()
        return (
            f"IRF {self.impulse} -> {self.response}: peak {max(self.irf, key=abs):+.3g} "
            f"(horizons with a band excluding 0: {sig or 'none'})"
        )


@dataclass(frozen=True)
class CrossCorrelation:
    """corr(x_{t-k}, y_t) for k = -K..K: positive k means x leads y. ``band`` is the
    approximate 95% band under no correlation (1.96 / sqrt(n))."""

    x: str
    y: str
    lags: tuple[int, ...]
    values: tuple[float, ...]
    band: float
    nobs: int
    shift_pvalue: float | None = None  # of the peak |corr|, by circular shifts

    def peak(self) -> tuple[int, float]:
        i = int(np.nanargmax(np.abs(self.values)))
        return self.lags[i], self.values[i]

    def summary(self) -> str:
        lag, value = self.peak()
        return (
            f"lead-lag {self.x} vs {self.y}: peak corr {value:+.3f} at lag {lag} "
            f"(band +/-{self.band:.3f}, circular-shift p = {self.shift_pvalue}, n = {self.nobs})"
        )


@dataclass(frozen=True)
class FeedbackResult:
    """All feedback-loop tests for one theme at one frequency."""

    theme: str
    freq: str  # "W" or "D"
    tests: tuple[GrangerResult, ...]
    impulse_responses: tuple[ImpulseResponse, ...] = ()
    cross_correlations: tuple[CrossCorrelation, ...] = ()
    skipped: tuple[str, ...] = ()  # pairs that could not be tested, with the reason
    alpha: float = 0.05
    notes: tuple[str, ...] = field(default_factory=tuple)
    beyond: tuple[BeyondPrice, ...] = ()  # each lead of returns or capital against price only
    stability: tuple[Stability, ...] = ()  # each test re-run in subperiods and rolling windows
    attention: str = ""  # the attention column tested ("": the first test's, for hand-built results)

    def stability_for(self, causing: str, caused: str) -> Stability | None:
        return next((s for s in self.stability if s.causing == causing and s.caused == caused), None)

    def beyond_for(self, causing: str, caused: str) -> BeyondPrice | None:
        return next((b for b in self.beyond if b.causing == causing and b.caused == caused), None)

    def test(self, causing: str, caused: str) -> GrangerResult | None:
        for t in self.tests:
            if t.causing == causing and t.caused == caused:
                return t
        return None

    def _led(self, causing: str, caused: str) -> bool:
        found = self.test(causing, caused)
        return bool(found and found.significant(self.alpha) and found.cumulative_effect > 0)

    @property
    def loop_status(self) -> str:
        """'loop' when every leg of performance -> attention -> (capital ->) prices is
        significant with a positive effect; 'partial' when some legs are; 'none' when none is
        though the back leg and a way forward were tested; 'untested' otherwise.

        The price leg may run directly (attention -> excess return) or through capital
        (attention -> flows or volume -> excess return); the attention leg is excess return ->
        attention.
        """
        attention = self.attention or self._first_attention()
        back = self._led("excess_return", attention)
        direct = self._led(attention, "excess_return")
        capital = {t.causing for t in self.tests if t.caused == "excess_return"} - {attention}
        via_capital = any(self._led(attention, c) and self._led(c, "excess_return") for c in capital)
        if back and (direct or via_capital):
            return "loop"
        if any(self._led(t.causing, t.caused) for t in self.tests):
            return "partial"
        # "No evidence" only when the loop could have been found: its back leg and one way
        # forward were tested. Otherwise (on real data: 1,167 weeks of volume -> returns,
        # attention too short to test) nothing was learnt about the loop.
        tested = {(t.causing, t.caused) for t in self.tests}
        forward = (attention, "excess_return") in tested or any((attention, c) in tested for c in capital)
        return "none" if ("excess_return", attention) in tested and forward else "untested"

    def _first_attention(self) -> str:
        if not self.tests:
            return "attention_index"
        first = self.tests[0]
        return first.caused if first.causing == "excess_return" else first.causing

    def headline(self) -> str:
        from attention.analysis.wording import loop_headline

        return loop_headline(self.loop_status)

    def verdict(self) -> str:
        """The verdict in plain words (:func:`attention.analysis.wording.feedback_verdict`)."""
        from attention.analysis.wording import feedback_verdict

        return feedback_verdict(self)

    def summary(self) -> str:
        lines = [f"Feedback-loop tests: {self.theme} ({self.freq}), BH alpha = {self.alpha}"]
        lines += [t.summary() for t in self.tests]
        lines += [c.summary() for c in self.cross_correlations]
        lines += [i.summary() for i in self.impulse_responses]
        lines += [f"skipped: {s}" for s in self.skipped]
        lines += [f"note: {n}" for n in self.notes]
        lines.append("verdict: " + self.verdict())
        return "\n".join(lines)


def feedback_tests(
    frame: pd.DataFrame,
    theme: str = "",
    attention: str = "attention",
    returns: str = "excess_return",
    capital: Sequence[str] = ("flow",),
    max_lag: int = 4,
    ic: str = "bic",
    alpha: float = 0.05,
    log: Sequence[str] = ("attention",),
    freq: str = "W",
    irf_horizon: int = 8,
    controls: Sequence[str] = ("benchmark_return",),
    split_dates: Sequence[str | pd.Timestamp] = (),
    n_shifts: int = N_SHIFTS,
) -> FeedbackResult:
    """Run the loop's Granger tests (BH within this theme), IRFs and cross-correlations.

    Missing columns or too little data skip a pair with a reason instead of failing; ``log``
    names level columns to log first (search interest). Lags are in periods of ``freq``.
    Every lead of ``returns`` or of a capital column is also compared with a price-only model
    (own lags plus ``controls`` and ``returns``; :mod:`attention.analysis.beyond`), and every
    test is re-run in subperiods split at ``split_dates`` (halves by default;
    :mod:`attention.analysis.stability`).
    """
    unit = "weeks" if freq == "W" else "days"
    pairs = [(attention, returns), (returns, attention)]
    for col in capital:
        pairs += [(attention, col), (col, returns)]
    tests, skipped = [], []
    for causing, caused in pairs:
        missing = [c for c in (causing, caused) if c not in frame or frame[c].notna().sum() == 0]
        if missing:
            skipped.append(f"{causing} -> {caused}: no data for {', '.join(missing)}")
            continue
        result = granger(frame, causing, caused, max_lag=max_lag, ic=ic, log=log, unit=unit, theme=theme)
        if result is None:
            skipped.append(f"{causing} -> {caused}: fewer than 30 overlapping observations")
        else:
            tests.append(result)
    tests = with_qvalues(tests)
    used = [
        c
        for c in dict.fromkeys([attention, *capital, returns])
        if any(c in (t.causing, t.caused) for t in tests)
    ]
    stationary = _stationary_frame(frame, used, log)
    var_data, notes = _var_sample(stationary)
    irfs = impulse_responses(var_data, max_lag, ic, irf_horizon) if len(used) >= 2 else ()
    # Without a test on attention (too few observations) only capital -> returns may have run.
    with_attention = [c for c in used if c != attention] if attention in used else []
    xcorr = tuple(
        dataclasses.replace(
            cross_correlation(stationary, attention, c, max_lag),
            shift_pvalue=xcorr_shift_pvalue(stationary[attention], stationary[c], max_lag, n_shifts)
            if n_shifts
            else None,
        )
        for c in with_attention
    )
    tests = [_with_shift_pvalue(stationary, t, n_shifts) for t in tests] if n_shifts else tests
    beyond = _beyond_price(frame, tests, [*controls, returns], [returns, *capital], log)
    stable = tuple(
        stability(stationary, t.causing, t.caused, t.lags, split_dates, alpha, t.qvalue) for t in tests
    )
    return FeedbackResult(
        theme=theme,
        freq=freq,
        tests=tuple(tests),
        impulse_responses=irfs,
        cross_correlations=xcorr,
        skipped=tuple(skipped),
        alpha=alpha,
        notes=notes,
        beyond=beyond,
        stability=stable,
        attention=attention,
    )


def _with_shift_pvalue(stationary: pd.DataFrame, test: GrangerResult, n_shifts: int) -> GrangerResult:
    """``test`` with the circular-shift p-value of its F statistic (same transforms and lags)."""
    caused = stationary[test.caused].to_numpy(float)
    causing = stationary[test.causing].to_numpy(float)
    return dataclasses.replace(test, shift_pvalue=granger_shift_pvalue(caused, causing, test.lags, n_shifts))


def _beyond_price(
    frame: pd.DataFrame,
    tests: Sequence[GrangerResult],
    controls: Sequence[str],
    led: Sequence[str],
    log: Sequence[str],
) -> tuple[BeyondPrice, ...]:
    """Each tested lead of a return or capital column against the price-only model."""
    targets = [t for t in tests if t.caused in led and t.causing not in controls]
    if not targets:
        return ()
    present = [c for c in controls if c in frame and frame[c].notna().any()]
    columns = list(dict.fromkeys([*present, *(t.causing for t in targets), *(t.caused for t in targets)]))
    stationary = _stationary_frame(frame, columns, log)
    found = (beyond_price(stationary, t.causing, t.caused, present, t.lags) for t in targets)
    return tuple(b for b in found if b is not None)


def _stationary_frame(frame: pd.DataFrame, columns: Sequence[str], log: Sequence[str]) -> pd.DataFrame:
    """The stationary transforms side by side on ``frame``'s full index (gaps stay NaN rows,
    so a shift by one row is still one period)."""
    parts = [make_stationary(frame[c].rename(c), log=c in log)[0] for c in columns]
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, axis=1)


def longest_complete_stretch(data: pd.DataFrame) -> pd.DataFrame:
    """The longest run of consecutive rows with no missing value (the first if tied)."""
    complete = data.notna().all(axis=1).to_numpy() if len(data.columns) else np.zeros(0, bool)
    if not complete.any():
        return data.iloc[0:0]
    edges = np.diff(np.concatenate([[0], complete.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    best = int(np.argmax(ends - starts))
    return data.iloc[starts[best] : ends[best]]


def _var_sample(stationary: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows the VAR for impulse responses is fitted on, and a note when gaps cut it short.

    statsmodels' VAR treats consecutive rows as consecutive periods, so it gets the longest
    stretch of complete consecutive periods rather than rows glued together across gaps."""
    stretch = longest_complete_stretch(stationary)
    complete = int(stationary.notna().all(axis=1).sum()) if len(stationary.columns) else 0
    if len(stretch) == complete:
        return stretch, ()
    span = f" ({stretch.index[0]}..{stretch.index[-1]})" if len(stretch) else ""
    return stretch, (
        f"impulse responses use the longest gap-free stretch: {len(stretch)} of "
        f"{complete} complete periods{span}",
    )


def impulse_responses(
    data: pd.DataFrame, max_lag: int, ic: str = "bic", horizon: int = 8
) -> tuple[ImpulseResponse, ...]:
    """Orthogonalised IRFs of a VAR on ``data`` (columns in Cholesky order), 95% bands.

    ``data`` must be consecutive periods without missing values (see
    :func:`longest_complete_stretch`); fewer than ``30 + 3 * max_lag`` rows give no IRFs."""
    from statsmodels.tsa.api import VAR

    from attention.analysis.granger import select_lag

    if len(data) < 30 + 3 * max_lag or data.isna().any().any():
        return ()
    p = select_lag(data.to_numpy(), max_lag, ic)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = VAR(data.to_numpy()).fit(p)
        irf = fitted.irf(horizon)
        values, stderr = irf.orth_irfs, irf.stderr(orth=True)
    names = list(data.columns)
    out = []
    for i, impulse in enumerate(names):
        for j, response in enumerate(names):
            if i == j:
                continue
            mid, se = values[:, j, i], stderr[:, j, i]
            out.append(
                ImpulseResponse(
                    impulse,
                    response,
                    tuple(map(float, mid)),
                    tuple(map(float, mid - 1.96 * se)),
                    tuple(map(float, mid + 1.96 * se)),
                )
            )
    return tuple(out)


def cross_correlation(data: pd.DataFrame, x: str, y: str, max_lag: int) -> CrossCorrelation:
    """corr(x_{t-k}, y_t) for k in -max_lag..max_lag on the stationary series.

    ``data`` has one row per period; x is shifted on that full index before pairs with a
    missing side are dropped, so lag k always means k periods. ``nobs`` (and the band) count
    the periods where both series are known."""
    pair = data[[x, y]]
    lags = tuple(range(-max_lag, max_lag + 1))
    values = tuple(float(pair[x].shift(k).corr(pair[y])) for k in lags)
    nobs = int(pair.notna().all(axis=1).sum())
    return CrossCorrelation(x, y, lags, values, 1.96 / np.sqrt(max(nobs, 1)), nobs)
