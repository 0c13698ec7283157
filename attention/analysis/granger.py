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
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

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
    statistic: float          # F statistic
    pvalue: float
    lags: int                 # lag order p (chosen by the information criterion)
    nobs: int                 # observations in the regression
    df: tuple[int, int]       # (p, n - 2p - 1)
    effect_size: float        # partial R^2: share of the restricted residual variance explained
    cumulative_effect: float  # sum of lag coefficients, in s.d. of caused per s.d. of causing
    lead_lags: tuple[int, ...]  # lags whose own coefficient has |t| > 1.96
    ic: str
    transforms: tuple[Transform, Transform]  # (causing, caused)
    qvalue: float | None = None
    theme: str = ""
    unit: str = "periods"

    @property
    def null_hypothesis(self) -> str:
        return (f"past values of {self.causing} do not help predict {self.caused} beyond "
                f"{self.caused}'s own past ({self.lags} lag(s))")

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
        return (f"Granger {self.causing} -> {self.caused}{' [' + self.theme + ']' if self.theme else ''}: "
                f"F({self.df[0]}, {self.df[1]}) = {self.statistic:.3f}, p = {self.pvalue:.3g}, "
                f"q = {q}, lags = {self.lags} ({self.ic}), nobs = {self.nobs}, "
                f"partial R2 = {self.effect_size:.3f}, cumulative effect = "
                f"{self.cumulative_effect:+.3f} sd, lead lags = {list(self.lead_lags)}, "
                f"transforms = {self.transforms[0].describe()}/{self.transforms[1].describe()}\n"
                f"  H0: {self.null_hypothesis}")


def make_stationary(series: pd.Series, log: bool = False, alpha: float = 0.05,
                    max_diff: int = 1) -> tuple[pd.Series, Transform]:
    """Optionally log, then difference until the ADF test rejects a unit root (at most
    ``max_diff`` times). ADF lag length by AIC (statsmodels ``adfuller`` autolag)."""
    from statsmodels.tsa.stattools import adfuller

    out = series.astype(float)
    if log:
        out = np.log(out.where(out > 0))
    out = out.dropna()
    diffs, pvalue = 0, float("nan")
    while True:
        if len(out) < 12 or out.std() == 0:
            break
        pvalue = float(adfuller(out.to_numpy(), autolag="AIC", result_object=False)[1])
        if pvalue < alpha or diffs >= max_diff:
            break
        out, diffs = out.diff().dropna(), diffs + 1
    return out, Transform(str(series.name), log, diffs, pvalue)


def select_lag(data: np.ndarray, max_lag: int, ic: str = "bic") -> int:
    """Lag order of a VAR on ``data`` (n x k) by ``ic`` (aic, bic, hqic, fpe), at least 1."""
    from statsmodels.tsa.api import VAR

    max_lag = max(1, min(max_lag, (len(data) - 10) // (3 * data.shape[1])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = VAR(data).select_order(max_lag).selected_orders[ic]
    return max(1, int(chosen))


def granger_test(caused: np.ndarray, causing: np.ndarray, lags: int) -> dict[str, object]:
    """The F test with ``lags`` lags on aligned 1-d arrays. Returns raw numbers (internal)."""
    n_total = len(caused)
    rows = n_total - lags
    own = np.column_stack([caused[lags - k:n_total - k] for k in range(1, lags + 1)])
    other = np.column_stack([causing[lags - k:n_total - k] for k in range(1, lags + 1)])
    y = caused[lags:]
    const = np.ones((rows, 1))
    x_r = np.hstack([const, own])
    x_u = np.hstack([const, own, other])
    ssr_r = _ssr(x_r, y)[0]
    ssr_u, beta_u, cov_u = _ssr(x_u, y)
    df_denom = rows - 2 * lags - 1
    stat = ((ssr_r - ssr_u) / lags) / (ssr_u / df_denom)
    coefs = beta_u[1 + lags:]
    tvals = coefs / np.sqrt(np.diag(cov_u)[1 + lags:])
    scale = np.std(causing) / np.std(caused) if np.std(caused) > 0 else float("nan")
    return {
        "statistic": float(stat), "pvalue": float(stats.f.sf(stat, lags, df_denom)),
        "nobs": rows, "df": (lags, df_denom),
        "effect_size": float((ssr_r - ssr_u) / ssr_r) if ssr_r > 0 else 0.0,
        "cumulative_effect": float(coefs.sum() * scale),
        "lead_lags": tuple(int(k + 1) for k in np.flatnonzero(np.abs(tvals) > 1.96)),
    }


def _ssr(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    ssr = float(resid @ resid)
    sigma2 = ssr / (len(y) - x.shape[1])
    cov = sigma2 * np.linalg.pinv(x.T @ x)
    return ssr, beta, cov


def granger(frame: pd.DataFrame, causing: str, caused: str, max_lag: int = 4,
            ic: str = "bic", log: Sequence[str] = (), unit: str = "periods",
            theme: str = "", lags: int | None = None) -> GrangerResult | None:
    """Test ``causing -> caused`` on the columns of ``frame`` after making each stationary.

    Columns named in ``log`` are logged first. Returns None when fewer than ``MIN_NOBS``
    aligned observations remain (the caller reports the pair as skipped).
    """
    x, tx = make_stationary(frame[causing].rename(causing), log=causing in log)
    y, ty = make_stationary(frame[caused].rename(caused), log=caused in log)
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1, join="inner").dropna()
    if len(both) < MIN_NOBS or both["x"].std() == 0 or both["y"].std() == 0:
        return None
    data = both.to_numpy()
    p = lags if lags is not None else select_lag(data, max_lag, ic)
    raw = granger_test(data[:, 0], data[:, 1], p)
    return GrangerResult(causing=causing, caused=caused, lags=p, ic=ic if lags is None else "fixed",
                         transforms=(tx, ty), theme=theme, unit=unit, **raw)  # type: ignore[arg-type]


def benjamini_hochberg(pvalues: Sequence[float]) -> np.ndarray:
    """BH-adjusted q-values (step-up, monotone, capped at 1), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def with_qvalues(results: Sequence[GrangerResult]) -> list[GrangerResult]:
    """Copies of ``results`` with BH q-values computed across all of them."""
    q = benjamini_hochberg([r.pvalue for r in results])
    return [dataclasses.replace(r, qvalue=float(v)) for r, v in zip(results, q, strict=True)]
