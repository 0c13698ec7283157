"""Does attention add anything beyond price? A lead found by a Granger test is compared with a
price-only model of the led series, in sample and out of sample.

Challet & Bel Hadj Ayed found that Google Trends adds close to nothing once past returns are in
the model, so a link "attention leads returns" (or flows) is only worth reporting if it survives
that comparison. For a led series ``y`` (excess returns, flows), a leading series ``x``
(attention) and price controls ``c`` (the benchmark's return, the theme's excess return)::

    price only:        y_t = a + sum_k b_k y_{t-k} + sum_k d_k c_{t-k} + e_t
    price + attention: the same + sum_k g_k x_{t-k}                       (k = 1..p)

* in sample: the nested F test of g = 0 (and the likelihood-ratio statistic
  ``n log(SSR_r / SSR_u)`` against chi-square(p)), as statsmodels' ``compare_f_test`` and
  ``compare_lr_test`` compute them (tests check both);
* out of sample: rolling-origin one-step forecasts (each model refitted on every period before
  the one forecast, starting after half the sample), the ratio of the two mean squared errors
  (below 1: attention helped) and the Clark-West (2007) test for nested models, which corrects
  the larger model's MSE for the noise of estimating parameters that are zero under the null
  (one-sided: the larger model forecasts better).

The verdict says attention "adds to price" only when both agree (F p and Clark-West p below
alpha).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from attention.analysis.granger import lag_matrix

MIN_TRAIN = 30  # periods the first out-of-sample fit uses at least


@dataclass(frozen=True)
class BeyondPrice:
    causing: str
    caused: str
    controls: tuple[str, ...]  # price series whose lags are in both models
    lags: int
    nobs: int
    f_statistic: float
    f_pvalue: float
    lr_statistic: float
    lr_pvalue: float
    n_forecasts: int
    mse_ratio: float  # out-of-sample MSE with attention / without (below 1: attention helped)
    cw_statistic: float
    cw_pvalue: float  # Clark-West, one-sided
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def adds_to_price(self, alpha: float = 0.05) -> bool:
        return bool(self.f_pvalue < alpha and self.cw_pvalue < alpha)

    def call(self, alpha: float = 0.05) -> str:
        """'adds to price', 'in sample only', 'out of sample only' or 'adds nothing beyond price'."""
        inside, outside = self.f_pvalue < alpha, self.cw_pvalue < alpha
        if inside and outside:
            return "adds to price"
        if inside:
            return "in sample only"
        return "out of sample only" if outside else "adds nothing beyond price"


def _design(y: np.ndarray, x: np.ndarray, controls: np.ndarray, lags: int) -> tuple[np.ndarray, ...]:
    """(rows complete at every lag, restricted X, unrestricted X) on the full index."""
    restricted = np.hstack([np.ones((len(y), 1)), lag_matrix(y, lags), lag_matrix(controls, lags)])
    unrestricted = np.hstack([restricted, lag_matrix(x, lags)])
    ok = np.isfinite(y) & np.isfinite(unrestricted).all(axis=1)
    return ok, restricted[ok], unrestricted[ok]


def _ssr(x: np.ndarray, y: np.ndarray) -> float:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    return float(resid @ resid)


def _forecast(x: np.ndarray, y: np.ndarray, t: int) -> float:
    beta, *_ = np.linalg.lstsq(x[:t], y[:t], rcond=None)
    return float(x[t] @ beta)


def clark_west(y: np.ndarray, small: np.ndarray, large: np.ndarray) -> tuple[float, float]:
    """Clark-West statistic and one-sided p-value for forecasts of ``y`` by a ``small`` model
    nested in a ``large`` one: f_t = e_small^2 - (e_large^2 - (small - large)^2)."""
    adjusted = (y - small) ** 2 - ((y - large) ** 2 - (small - large) ** 2)
    sd = adjusted.std(ddof=1)
    if len(adjusted) < 2 or sd == 0:
        return float("nan"), float("nan")
    stat = adjusted.mean() / (sd / np.sqrt(len(adjusted)))
    return float(stat), float(stats.norm.sf(stat))


def beyond_price(
    frame: pd.DataFrame, causing: str, caused: str, controls: Sequence[str], lags: int
) -> BeyondPrice | None:
    """Compare ``caused`` on its own lags and ``controls``' lags with and without ``causing``'s
    lags (``frame``: one row per period, stationary columns). None with too few rows."""
    used = [c for c in controls if c in frame and c not in (causing, caused) and frame[c].notna().any()]
    y = frame[caused].to_numpy(dtype=float)
    x = frame[causing].to_numpy(dtype=float)
    c = frame[used].to_numpy(dtype=float) if used else np.zeros((len(frame), 0))
    ok, x_r, x_u = _design(y, x, c, lags)
    y_ok = y[ok]
    n, k_u = len(y_ok), x_u.shape[1]
    if n < 2 * MIN_TRAIN or n - k_u < 10:
        return None
    ssr_r, ssr_u = _ssr(x_r, y_ok), _ssr(x_u, y_ok)
    df_denom = n - k_u
    f_stat = ((ssr_r - ssr_u) / lags) / (ssr_u / df_denom)
    lr = n * np.log(ssr_r / ssr_u)
    first = max(MIN_TRAIN, n // 2, k_u + 5)
    small = np.array([_forecast(x_r, y_ok, t) for t in range(first, n)])
    large = np.array([_forecast(x_u, y_ok, t) for t in range(first, n)])
    actual = y_ok[first:]
    mse_small, mse_large = np.mean((actual - small) ** 2), np.mean((actual - large) ** 2)
    cw, cw_p = clark_west(actual, small, large)
    index = frame.index[ok]
    dated = isinstance(index, pd.DatetimeIndex) and len(index)
    return BeyondPrice(
        causing,
        caused,
        tuple(used),
        lags,
        n,
        float(f_stat),
        float(stats.f.sf(f_stat, lags, df_denom)),
        float(lr),
        float(stats.chi2.sf(lr, lags)),
        len(actual),
        float(mse_large / mse_small) if mse_small > 0 else float("nan"),
        cw,
        cw_p,
        pd.Timestamp(index[0]) if dated else None,
        pd.Timestamp(index[-1]) if dated else None,
    )
