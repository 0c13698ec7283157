"""Null distributions that fit the data: circular shifts for the Granger and cross-correlation
statistics, phase-randomised search for the Preis rule.

The F test assumes homoskedastic, serially independent errors; weekly returns are neither
(volatility clusters, search is persistent). A circular shift moves the leading series by a
random number of periods against the led one, wrapping the end round to the start: each
series keeps its own autocorrelation and volatility pattern, only their alignment is broken. The
p-value is ``(1 + #{shifted statistic >= observed}) / (1 + B)`` over ``B`` shifts drawn at least
``MIN_SHIFT`` periods from zero (a shift of one or two periods would keep a real one-week lead).

For the Preis rule, a surrogate search series with the same power spectrum (so the same
autocorrelation) and random Fourier phases (Theiler et al. 1992) replaces the real one; its
values are then mapped back onto the real series' sorted values, so the level distribution is
the same too (amplitude-adjusted). The rule run on surrogates says what a search series with the
same persistence, but no link to prices, earns: the spirit of Challet & Bel Hadj Ayed's random
keywords, without a list of keywords. Shifts and phases need only numpy (no bootstrap library).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attention.analysis.granger import granger_test, lag_matrix

MIN_SHIFT = 8  # periods
N_SHIFTS = 199
N_SURROGATES = 200


def _shifts(n: int, count: int, seed: int) -> np.ndarray:
    if n <= 2 * MIN_SHIFT:
        return np.array([], dtype=int)
    return np.random.default_rng(seed).integers(MIN_SHIFT, n - MIN_SHIFT + 1, size=count)


def shift_pvalue(observed: float, shifted: np.ndarray) -> float:
    finite = shifted[np.isfinite(shifted)]
    if not np.isfinite(observed) or not len(finite):
        return float("nan")
    return float((1 + np.sum(finite >= observed)) / (1 + len(finite)))


def granger_shift_pvalue(
    caused: np.ndarray, causing: np.ndarray, lags: int, n_shifts: int = N_SHIFTS, seed: int = 0
) -> float:
    """Circular-shift p-value of the Granger F statistic (arrays on the full period index)."""
    observed = granger_test(caused, causing, lags)["statistic"]
    own = lag_matrix(caused, lags)
    stats_ = [
        f_statistic(caused, own, np.roll(causing, s), lags) for s in _shifts(len(causing), n_shifts, seed)
    ]
    return shift_pvalue(observed, np.array(stats_, dtype=float))


def _ssr(x: np.ndarray, y: np.ndarray) -> float:
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    return float(resid @ resid)


def f_statistic(caused: np.ndarray, own: np.ndarray, causing: np.ndarray, lags: int) -> float:
    """The Granger F statistic alone (as :func:`granger_test`, without its other numbers);
    ``own`` is ``lag_matrix(caused, lags)``, computed once for all shifts."""
    other = lag_matrix(causing, lags)
    ok = np.isfinite(caused) & np.isfinite(own).all(axis=1) & np.isfinite(other).all(axis=1)
    rows = int(ok.sum())
    df_denom = rows - 2 * lags - 1
    if df_denom < 1:
        return float("nan")
    restricted = np.hstack([np.ones((rows, 1)), own[ok]])
    ssr_r, ssr_u = _ssr(restricted, caused[ok]), _ssr(np.hstack([restricted, other[ok]]), caused[ok])
    return ((ssr_r - ssr_u) / lags) / (ssr_u / df_denom) if ssr_u > 0 else float("nan")


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return float("nan")
    a, b = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    denom = np.sqrt((a @ a) * (b @ b))
    return float(a @ b / denom) if denom > 0 else float("nan")


def peak_abs_corr(x: np.ndarray, y: np.ndarray, max_lag: int) -> float:
    """max over k in -max_lag..max_lag of |corr(x_{t-k}, y_t)| (pairs with a NaN dropped)."""
    n = len(x)
    values = []
    for k in range(-max_lag, max_lag + 1):
        if k >= 0:
            values.append(abs(_corr(x[: n - k], y[k:])))
        else:
            values.append(abs(_corr(x[-k:], y[: n + k])))
    finite = [v for v in values if np.isfinite(v)]
    return max(finite) if finite else float("nan")


def xcorr_shift_pvalue(
    x: pd.Series, y: pd.Series, max_lag: int, n_shifts: int = N_SHIFTS, seed: int = 0
) -> float:
    """Circular-shift p-value of the largest |cross-correlation| over lags -max_lag..max_lag."""
    raw, other = x.to_numpy(float), y.to_numpy(float)
    observed = peak_abs_corr(raw, other, max_lag)
    shifted = [peak_abs_corr(np.roll(raw, s), other, max_lag) for s in _shifts(len(raw), n_shifts, seed)]
    return shift_pvalue(observed, np.array(shifted, dtype=float))


def phase_surrogate(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An amplitude-adjusted phase-randomised copy of ``values`` (no NaN)."""
    n = len(values)
    spectrum = np.fft.rfft(values - values.mean())
    phases = rng.uniform(0, 2 * np.pi, len(spectrum))
    phases[0] = 0.0
    if n % 2 == 0:
        phases[-1] = 0.0  # the Nyquist term must stay real
    surrogate = np.fft.irfft(np.abs(spectrum) * np.exp(1j * phases), n)
    ranks = np.argsort(np.argsort(surrogate))
    return np.sort(values)[ranks]
