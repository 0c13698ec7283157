"""Export specs of the analysis result tables (written by ``Store.replace_analysis_results``
after every analysis; migrations ``analysis_results_v1`` and ``_v2_irf``). Columns are listed
explicitly so that the export stays stable even when the result tables grow."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from attention.config import Config
from attention.report.tables import Column, ExportOptions, TableSpec
from attention.store import Store


def _reader(
    table: str, columns: tuple[Column, ...], order: str
) -> Callable[[Store, Config, ExportOptions], pd.DataFrame]:
    names = [c.name for c in columns]
    by = [c.strip() for c in order.split(",")]

    def load(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
        return store.export_result_table(table, names, by)

    return load


def _spec(name: str, description: str, order: str, *columns: tuple[str, str, str]) -> TableSpec:
    cols = tuple(Column(*c) for c in columns)
    return TableSpec(name, description, cols, _reader(name, cols, order))


def _without_empty_results(spec: TableSpec, measured: tuple[str, ...]) -> TableSpec:
    """``spec`` whose rows without a single measured value (no spike, or no complete window at
    that horizon) are left out: such a row says nothing a reader could use."""
    read = spec.load

    def load(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
        frame = read(store, config, options)
        return frame[frame[list(measured)].notna().any(axis=1)].reset_index(drop=True)

    return TableSpec(spec.name, spec.description, spec.columns, load)


FEEDBACK_TESTS = _spec(
    "feedback_tests",
    "Granger tests of the feedback loop, one row per theme and direction "
    "(weekly panel, stationary transforms, Benjamini-Hochberg across all tests of a run).",
    "theme, freq, causing, caused",
    ("theme", "string", "theme key"),
    ("freq", "string", "W = weekly panel"),
    ("causing", "string", "the series whose past is tested (e.g. attention_index)"),
    ("caused", "string", "the series it may help predict (e.g. excess_return)"),
    ("statistic", "float", "F statistic"),
    ("pvalue", "float", "p-value of the F test"),
    ("qvalue", "float", "Benjamini-Hochberg q-value"),
    ("lags", "int", "lag order (weeks), chosen by the information criterion"),
    ("nobs", "int", "observations in the regression"),
    ("df_num", "int", "numerator degrees of freedom"),
    ("df_denom", "int", "denominator degrees of freedom"),
    ("effect_size", "float", "partial R squared of the causing lags, 0..1"),
    ("cumulative_effect", "float", "sum of lag coefficients, s.d. of caused per s.d. of causing"),
    ("lead_lags", "string", "JSON list of lags whose own coefficient has |t| > 1.96"),
    ("transforms", "string", "transforms of causing/caused (log, diff, level)"),
    ("ic", "string", "information criterion used for the lag order"),
    ("null_hypothesis", "string", "the null hypothesis in words"),
    ("significant", "bool", "q below analysis.fdr_alpha"),
    ("shift_pvalue", "float", "p-value of the F statistic under circular shifts of the causing series"),
    (
        "effect_in_units",
        "float",
        "the cumulative effect in the caused series' units (returns: 0.004 = +0.4%)",
    ),
    ("sample_start", "date", "first week in the regression"),
    ("sample_end", "date", "last week in the regression"),
    (
        "beyond_price",
        "string",
        "against a price-only model: adds to price / in sample only / "
        "out of sample only / adds nothing beyond price (leads of returns and money only)",
    ),
    ("beyond_f_pvalue", "float", "nested F test p-value of the causing lags over own and benchmark lags"),
    ("beyond_mse_ratio", "float", "out-of-sample MSE with / without the causing lags (below 1: it helped)"),
    ("beyond_cw_pvalue", "float", "Clark-West p-value (one-sided) of the out-of-sample comparison"),
    (
        "stability",
        "string",
        "the test in subperiods: stable / only in ... / reversed / in no part / not tested",
    ),
    ("break_pvalue", "float", "F test that the causing lags' coefficients are equal in every subperiod"),
    ("subperiods", "string", "JSON list of subperiods with label, nobs, pvalue and effect (sd)"),
    ("computed_at", "timestamp", "when the analysis ran (UTC)"),
    ("data_from", "date", "first date with both attention and excess returns (the theme's analysed data)"),
    ("data_as_of", "date", "last date with both attention and excess returns: what the results are as of"),
)

FEEDBACK_VERDICTS = _spec(
    "feedback_verdicts",
    "The feedback-loop verdict per theme, in words, with the dates it rests on and what was left out.",
    "theme",
    ("theme", "string", "theme key"),
    ("verdict", "string", "what was and was not found, in plain words (numbers: feedback_tests)"),
    ("n_tests", "int", "directional tests run"),
    ("skipped", "string", "JSON list of pairs that could not be tested, with the reason"),
    ("notes", "string", "JSON list of data notes"),
    ("computed_at", "timestamp", "when the analysis ran (UTC)"),
    ("data_from", "date", "first date with both attention and excess returns (the theme's analysed data)"),
    ("data_as_of", "date", "last date with both attention and excess returns: what the results are as of"),
    (
        "stale",
        "bool",
        "the data end more than 3 NYSE sessions before the date the analysis was run for",
    ),
    (
        "excluded",
        "string",
        "'Excluded or used late: ...': inputs the panel dropped or delayed (the verdict's last sentence)",
    ),
)

EVENT_STUDIES = _spec(
    "event_studies",
    "Mean cumulative excess return after attention spikes, per horizon (horizons without a "
    "measured value are left out).",
    "theme, signal, freq, horizon",
    ("theme", "string", "theme key"),
    ("signal", "string", "spike signal (asvi or attention_index)"),
    ("freq", "string", "W weekly or D daily"),
    ("horizon", "int", "periods after the spike"),
    ("mean_car", "float", "mean cumulative excess return, fraction"),
    ("lower", "float", "95% t interval, lower, fraction"),
    ("upper", "float", "95% t interval, upper, fraction"),
    ("placebo_lower", "float", "2.5% of the mean CAR of random dates, fraction"),
    ("placebo_upper", "float", "97.5% of the mean CAR of random dates, fraction"),
    ("n_events", "int", "spikes found"),
    ("n_obs", "int", "spikes with a complete window at this horizon"),
    ("threshold", "float", "spike threshold (trailing z-score)"),
    ("computed_at", "timestamp", "when the analysis ran (UTC)"),
    ("data_from", "date", "first date with both attention and excess returns (the theme's analysed data)"),
    ("data_as_of", "date", "last date with both attention and excess returns: what the results are as of"),
)
EVENT_STUDIES = _without_empty_results(EVENT_STUDIES, ("mean_car", "lower", "upper"))

CONTEXT = _spec(
    "context",
    "Market context per theme and as-of date, as the articles report it.",
    "theme, as_of",
    ("theme", "string", "theme key"),
    ("as_of", "date", "last session used"),
    ("ytd_return", "float", "theme year-to-date return, fraction"),
    ("benchmark_ytd_return", "float", "benchmark year-to-date return, fraction"),
    ("streak", "int", "sessions in a row the theme beat the benchmark, ending at as_of"),
    ("streak_start", "date", "first session of that streak"),
    (
        "streak_longest_since",
        "date",
        "end of the last earlier streak at least as long (empty: the longest in the data)",
    ),
    ("rsi14", "float", "RSI(14), Wilder's smoothing, 0..100"),
    ("return_vs_other_3m", "float", "3-month return minus the other index's (e.g. QQQ), fraction"),
    ("seasonal_window", "string", "calendar window MM-DD..MM-DD"),
    ("seasonal_mean", "float", "mean relative return over the window across years, fraction"),
    ("seasonal_years", "int", "years with a complete window"),
    ("notes", "string", "JSON list of notes"),
    ("computed_at", "timestamp", "when the analysis ran (UTC)"),
    ("data_from", "date", "first date with both a theme and a benchmark close"),
    ("requested", "date", "the date asked for (the run date when none was given)"),
    ("stale", "bool", "as_of lags requested by more than a few NYSE sessions: the figures are not current"),
    ("stale_sessions", "int", "NYSE sessions after as_of up to requested"),
    (
        "streak_gaps",
        "string",
        "JSON list of sessions inside the beat streak without a close (each gap counted as one session)",
    ),
    (
        "basket_weight",
        "float",
        "share of a basket proxy's weight priced on as_of (empty: a single-ticker proxy); under 0.8 "
        "every figure is that of the priced members only",
    ),
)

IMPULSE_RESPONSES = _spec(
    "impulse_responses",
    "VAR impulse responses behind the verdict: the response of one series "
    "to a one-s.d. orthogonalised shock in another (Cholesky order: attention, then capital, "
    "then excess returns), per horizon, with 95% asymptotic bands.",
    "theme, freq, impulse, response, horizon",
    ("theme", "string", "theme key"),
    ("freq", "string", "W = weekly panel"),
    ("impulse", "string", "the shocked series"),
    ("response", "string", "the responding series"),
    ("horizon", "int", "periods after the shock (0 = same period)"),
    ("irf", "float", "response, in the response's units after its transform (see feedback_tests.transforms)"),
    ("lower", "float", "95% band, lower"),
    ("upper", "float", "95% band, upper"),
    ("computed_at", "timestamp", "when the analysis ran (UTC)"),
    ("data_from", "date", "first date with both attention and excess returns (the theme's analysed data)"),
    ("data_as_of", "date", "last date with both attention and excess returns: what the results are as of"),
)

ANALYSIS_TABLES = (FEEDBACK_TESTS, FEEDBACK_VERDICTS, EVENT_STUDIES, CONTEXT, IMPULSE_RESPONSES)
