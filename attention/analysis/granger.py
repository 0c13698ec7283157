"""Granger causality between two series, stationarity transforms and Benjamini-Hochberg.

The test is the classic single-equation F test: regress ``caused_t`` on a constant and ``p`` of
its own lags (restricted) and add ``p`` lags of ``causing`` (unrestricted)::

    F = ((SSR_r - SSR_u) / p) / (SSR_u / (n - 2p - 1))

It equals statsmodels' ``grangercausalitytests`` "ssr_ftest" and the statistic of
``VAR(...).test_causality(kind="f")`` for a two-variable VAR (tests check both). The lag order
``p`` is chosen by an information criterion on the two-variable VAR (statsmodels
``select_order``), between 1 and ``max_lag``. The default is BIC: on 1,200 null tests (300
simulated worlds x 4 links, 260 weeks) choosing the order by AIC rejected 7.4% of true nulls
at the 5% level, BIC 5.1% (``benchmarks/analysis_calibration.py`` reports the current figures).

Gaps. Panels keep one row per calendar period (week or session) and leave a value NaN when it
is unknown, so rows are consecutive periods. Every lag and difference here is taken on that
full index (a shift by one row is one period) and only then are incomplete rows dropped: a
difference or lag that would span a missing period is itself missing, never a jump across the
gap. The ADF test, the F test and the VAR lag-order criteria are computed that way; on data
without gaps they equal statsmodels' ``adfuller``, ``grangercausalitytests`` and
``VAR.select_order`` (tests check all three).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import pandas as pd
from scipy import stats

MIN_NOBS = 30  # below this a Granger test says nothing useful; the pair is skipped


@dataclass(frozen=True)
class Transform:
    """How a series was made stationary before testing."""

    name: str
    log: bool
    differenced: int
    adf_pvalue: float  # ADF p-value of the series finally used

    def describe(self) -> str:
        steps = (["log"] if self.log else []) + ["diff"] * self.differenced
        return "+".join(steps) or "level"


@dataclass(frozen=True)
class GrangerResult:
    """One directional test: does ``causing`` help predict ``caused``?"""

    causing: str
    caused: str
    statistic: float  # F statistic
    pvalue: float
    lags: int  # lag order p (chosen by the information criterion)
    nobs: int  # observations in the regression
    df: tuple[int, int]  # (p, n - 2p - 1)
    effect_size: float  # partial R^2: share of the restricted residual variance explained
    cumulative_effect: float  # sum of lag coefficients, in s.d. of caused per s.d. of causing
    lead_lags: tuple[int, ...]  # lags whose own coefficient has |t| > 1.96
    ic: str
    transforms: tuple[Transform, Transform]  # (causing, caused)
    qvalue: float | None = None
    theme: str = ""
    unit: str = "periods"
    caused_sd: float = float("nan")  # s.d. of the (stationary) caused series, in its own units
    start: pd.Timestamp | None = None  # first and last period in the regression
    end: pd.Timestamp | None = None
    shift_pvalue: float | None = None  # circular-shift p-value of F (attention.analysis.nulls)

    @property
    def effect_in_units(self) -> float:
        """The cumulative effect in the caused series' own units (a fraction for returns):
        the response to a one-s.d. rise in the causing series."""
        return self.cumulative_effect * self.caused_sd

    @property
    def null_hypothesis(self) -> str:
        return (
            f"past values of {self.causing} do not help predict {self.caused} beyond "
            f"{self.caused}'s own past ({self.lags} lag(s))"
        )

    def significant(self, alpha: float = 0.05) -> bool:
        value = self.qvalue if self.qvalue is not None else self.pvalue
        return bool(value < alpha)

    def lead_text(self) -> str:
        """'1-2 weeks', '1 week' or 'within 4 weeks' (no single lag stands out)."""
        unit = self.unit.rstrip("s")
        if not self.lead_lags:
            return f"within {self.lags} {unit}{'s' if self.lags > 1 else ''}"
        lo, hi = min(self.lead_lags), max(self.lead_lags)
        span = str(lo) if lo == hi else f"{lo}-{hi}"
        return f"{span} {unit}{'s' if hi > 1 else ''}"

    def summary(self) -> str:
        q = "n/a" if self.qvalue is None else f"{self.qvalue:.3g}"
        return (
            f"Granger {self.causing} -> {self.caused}{' [' + self.theme + ']' if self.theme else ''}: "
            f"F({self.df[0]}, {self.df[1]}) = {self.statistic:.3f}, p = {self.pvalue:.3g}, "
            f"q = {q}, lags = {self.lags} ({self.ic}), nobs = {self.nobs}, "
            f"partial R2 = {self.effect_size:.3f}, cumulative effect = "
            f"{self.cumulative_effect:+.3f} sd, lead lags = {list(self.lead_lags)}, "
            f"transforms = {self.transforms[0].describe()}/{self.transforms[1].describe()}\n"
            f"  H0: {self.null_hypothesis}"
        )


def make_stationary(
    series: pd.Series, log: bool = False, alpha: float = 0.05, max_diff: int = 1
) -> tuple[pd.Series, Transform]:
    """Optionally log, then difference until the ADF test rejects a unit root (at most
    ``max_diff`` times). ADF lag length by AIC, as statsmodels ``adfuller(autolag="AIC")``.

    The result keeps ``series``' index: missing values stay NaN, and a difference next to a
    missing value is NaN too (``diff`` on the full index), so the caller can build lags that
    respect the calendar.
    """
    out = series.astype(float)
    if log:
        out = np.log(out.where(out > 0))
    diffs, pvalue = 0, float("nan")
    while True:
        valid = out.dropna()
        if len(valid) < 12 or valid.std() == 0:
            break
        pvalue = adf_pvalue(out.to_numpy())
        if not np.isfinite(pvalue) or pvalue < alpha or diffs >= max_diff:
            break
        out, diffs = out.diff(), diffs + 1
    return out, Transform(str(series.name), log, diffs, pvalue)


def lag_matrix(values: np.ndarray, lags: int, first: int = 1) -> np.ndarray:
    """Columns ``values`` shifted by ``first .. lags`` rows (NaN where the lag does not exist).

    ``values`` may be 1-d (n) or 2-d (n x k); the result is n x (k * (lags - first + 1)),
    lag-major: all k columns at lag ``first``, then all at the next lag, and so on."""
    data = np.asarray(values, dtype=float)
    data = data[:, None] if data.ndim == 1 else data
    n, k = data.shape
    out = np.full((n, k * max(lags - first + 1, 0)), np.nan)
    for j, lag in enumerate(range(first, lags + 1)):
        if lag < n:
            out[lag:, j * k : (j + 1) * k] = data[: n - lag]
    return out


def adf_pvalue(values: np.ndarray) -> float:
    """MacKinnon p-value of the ADF test (constant, lag length by AIC) on rows complete at
    every lag: the regression dx_t ~ 1 + x_{t-1} + dx_{t-1..t-L} uses only periods whose
    difference and lags all exist. Equals ``adfuller(..., autolag="AIC")[1]`` without gaps."""
    from statsmodels.tsa.adfvalues import mackinnonp

    x = np.asarray(values, dtype=float)
    dx = np.concatenate([[np.nan], np.diff(x)])
    n_valid = int(np.isfinite(x).sum())
    max_lag = min(int(np.ceil(12.0 * (n_valid / 100.0) ** 0.25)), n_valid // 2 - 2)
    design = np.hstack([np.ones((len(x), 1)), lag_matrix(x, 1), lag_matrix(dx, max(max_lag, 0))])
    # With frequent gaps few rows are complete at a long lag: shorten the longest lag tried
    # until the common sample is big enough to compare the orders (no-op without gaps)
    while max_lag >= 0:
        common = np.isfinite(dx) & np.isfinite(design[:, : 2 + max_lag]).all(axis=1)
        if common.sum() >= max(12, 3 * (2 + max_lag)):
            break
        max_lag -= 1
    if max_lag < 0:
        return float("nan")
    best = min(range(max_lag + 1), key=lambda lag: _ols_aic(design[common, : 2 + lag], dx[common]))
    rows = np.isfinite(dx) & np.isfinite(design[:, : 2 + best]).all(axis=1)
    x_used, y_used = design[rows, : 2 + best], dx[rows]
    _, beta, cov = _ssr(x_used, y_used)
    return float(mackinnonp(beta[1] / np.sqrt(cov[1, 1]), regression="c", N=1))


def _ols_aic(x: np.ndarray, y: np.ndarray) -> float:
    """statsmodels OLS ``aic`` (-2 log-likelihood + 2 parameters) of y on x."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    ssr = float(resid @ resid)
    n = len(y)
    llf = -n / 2 * (np.log(2 * np.pi) + np.log(ssr / n) + 1)
    return float(-2 * llf + 2 * x.shape[1])


def select_lag(data: np.ndarray, max_lag: int, ic: str = "bic") -> int:
    """Lag order of a VAR (with constant) on ``data`` (n x k, consecutive rows are consecutive
    periods, NaN where unknown) by ``ic`` (aic, bic, hqic, fpe), at least 1.

    As statsmodels ``VAR.select_order``: every order 0..max_lag is fitted on the same rows
    (those complete at lag ``max_lag``) and compared by ``log det(Sigma_mle)`` plus the
    penalty on ``p * k^2`` lag coefficients. Without gaps this is exactly ``select_order``.
    """
    data = np.asarray(data, dtype=float)
    n_complete = int(np.isfinite(data).all(axis=1).sum())
    k = data.shape[1]
    max_lag = max(1, min(max_lag, (n_complete - 10) // (3 * k)))
    lagged = lag_matrix(data, max_lag)
    rows = np.isfinite(data).all(axis=1) & np.isfinite(lagged).all(axis=1)
    nobs = int(rows.sum())
    if nobs <= k * max_lag + 1:
        return 1
    y, z_all = data[rows], np.hstack([np.ones((nobs, 1)), lagged[rows]])
    scores = []
    for p in range(max_lag + 1):
        z = z_all[:, : 1 + k * p]
        beta, *_ = np.linalg.lstsq(z, y, rcond=None)
        resid = y - z @ beta
        logdet = np.linalg.slogdet(resid.T @ resid / nobs)[1]
        free = p * k * k + k
        df_model = k * p + 1
        scores.append(
            {
                "aic": logdet + 2.0 / nobs * free,
                "bic": logdet + np.log(nobs) / nobs * free,
                "hqic": logdet + 2.0 * np.log(np.log(nobs)) / nobs * free,
                "fpe": ((nobs + df_model) / (nobs - df_model)) ** k * np.exp(logdet),
            }[ic]
        )
    return max(1, int(np.argmin(scores)))


class GrangerStats(TypedDict):
    """The raw numbers of one F test (the fields of :class:`GrangerResult` it fills)."""

    statistic: float
    pvalue: float
    nobs: int
    df: tuple[int, int]
    effect_size: float
    cumulative_effect: float
    lead_lags: tuple[int, ...]
    caused_sd: float


def complete_rows(caused: np.ndarray, causing: np.ndarray, lags: int) -> np.ndarray:
    """Rows where ``caused_t`` and every lag of both series exist (the regression sample)."""
    own, other = lag_matrix(caused, lags), lag_matrix(causing, lags)
    return np.isfinite(caused) & np.isfinite(own).all(axis=1) & np.isfinite(other).all(axis=1)


def granger_test(caused: np.ndarray, causing: np.ndarray, lags: int) -> GrangerStats:
    """The F test with ``lags`` lags on aligned 1-d arrays (consecutive periods, NaN where
    unknown). A row enters the regression only if ``caused_t`` and every lag of both series
    exist, so no lag reaches across a gap. Returns raw numbers (internal)."""
    caused, causing = np.asarray(caused, dtype=float), np.asarray(causing, dtype=float)
    own, other = lag_matrix(caused, lags), lag_matrix(causing, lags)
    ok = complete_rows(caused, causing, lags)
    rows = int(ok.sum())
    y = caused[ok]
    const = np.ones((rows, 1))
    x_r = np.hstack([const, own[ok]])
    x_u = np.hstack([const, own[ok], other[ok]])
    ssr_r = _ssr(x_r, y)[0]
    ssr_u, beta_u, cov_u = _ssr(x_u, y)
    df_denom = rows - 2 * lags - 1
    stat = ((ssr_r - ssr_u) / lags) / (ssr_u / df_denom)
    coefs = beta_u[1 + lags :]
    tvals = coefs / np.sqrt(np.diag(cov_u)[1 + lags :])
    sd_caused = np.nanstd(caused)
    scale = np.nanstd(causing) / sd_caused if sd_caused > 0 else float("nan")
    return {
        "statistic": float(stat),
        "pvalue": float(stats.f.sf(stat, lags, df_denom)),
        "nobs": rows,
        "df": (lags, df_denom),
        "effect_size": float((ssr_r - ssr_u) / ssr_r) if ssr_r > 0 else 0.0,
        "cumulative_effect": float(coefs.sum() * scale),
        "lead_lags": tuple(int(k + 1) for k in np.flatnonzero(np.abs(tvals) > 1.96)),
        "caused_sd": float(sd_caused),
    }


def _ssr(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """OLS: (SSR, coefficients, their covariance). The covariance comes from the inverse of
    R in X = QR rather than of X'X: it stays accurate when columns differ in scale by many
    orders (flows in USD next to a constant), where pinv(X'X) cut off small singular values."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    ssr = float(resid @ resid)
    sigma2 = ssr / (len(y) - x.shape[1])
    r_inv = np.linalg.inv(np.linalg.qr(x, mode="r"))
    return ssr, beta, sigma2 * (r_inv @ r_inv.T)


def granger(
    frame: pd.DataFrame,
    causing: str,
    caused: str,
    max_lag: int = 4,
    ic: str = "bic",
    log: Sequence[str] = (),
    unit: str = "periods",
    theme: str = "",
    lags: int | None = None,
) -> GrangerResult | None:
    """Test ``causing -> caused`` on the columns of ``frame`` after making each stationary.

    ``frame`` has one row per period (missing values NaN, not missing rows). Columns named in
    ``log`` are logged first. Returns None when fewer than ``MIN_NOBS`` observations are
    usable: the regression needs ``MIN_NOBS - p`` rows complete at every lag (without gaps,
    exactly ``MIN_NOBS`` aligned observations). The caller reports the pair as skipped.
    """
    x, tx = make_stationary(frame[causing].rename(causing), log=causing in log)
    y, ty = make_stationary(frame[caused].rename(caused), log=caused in log)
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1)
    paired = both.dropna()
    if len(paired) < MIN_NOBS or paired["x"].std() == 0 or paired["y"].std() == 0:
        return None
    data = both.to_numpy()
    p = lags if lags is not None else select_lag(data, max_lag, ic)
    raw = granger_test(data[:, 0], data[:, 1], p)
    if int(raw["nobs"]) < MIN_NOBS - p or raw["df"][1] < 1:
        return None
    used = both.index[complete_rows(data[:, 0], data[:, 1], p)]
    return GrangerResult(
        causing=causing,
        caused=caused,
        lags=p,
        ic=ic if lags is None else "fixed",
        transforms=(tx, ty),
        theme=theme,
        unit=unit,
        start=pd.Timestamp(used[0]) if isinstance(used, pd.DatetimeIndex) else None,
        end=pd.Timestamp(used[-1]) if isinstance(used, pd.DatetimeIndex) else None,
        **raw,
    )


def benjamini_hochberg(pvalues: Sequence[float]) -> np.ndarray:
    """BH-adjusted q-values (step-up, monotone, capped at 1), in the input order.

    Only finite p-values are adjusted (and counted in the number of tests); a NaN p-value
    (a test that could not be computed) keeps a NaN q-value instead of spoiling the others.
    """
    p = np.asarray(pvalues, dtype=float)
    q = np.full(len(p), np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    n = len(finite)
    if n == 0:
        return q
    order = finite[np.argsort(p[finite])]
    ranked = p[order] * n / np.arange(1, n + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


def with_qvalues(results: Sequence[GrangerResult]) -> list[GrangerResult]:
    """Copies of ``results`` with BH q-values computed across all of them."""
    q = benjamini_hochberg([r.pvalue for r in results])
    return [dataclasses.replace(r, qvalue=float(v)) for r, v in zip(results, q, strict=True)]
