"""Charts of the analysis results: lead-lag cross-correlations, impulse responses, event-study
paths; plus :func:`render_charts`, which draws every chart and writes the PNGs."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from attention.analysis.event import EventStudyResult
from attention.analysis.feedback import series_label
from attention.report import charts as base
from attention.report.captions import caption_for
from attention.report.charts import ChartResult, MissingChartDataError, finish, new_figure, theme_color
from attention.report.data import ReportData

log = logging.getLogger("attention.report.charts")
PAIR_COLORS = {"excess_return": "#1f77b4", "flow_usd": "#2ca02c", "abnormal_volume": "#9467bd"}


def _feedback(data: ReportData) -> dict:
    if data.analysis is None:
        raise MissingChartDataError("the analysis did not run")
    return {k: t.feedback for k, t in data.analysis.themes.items()}


def lead_lag(data: ReportData) -> bytes:
    """corr(attention_{t-k}, y_t) per theme: bars right of 0 mean attention leads."""
    results = {k: fb for k, fb in _feedback(data).items() if fb.cross_correlations}
    if not results:
        raise MissingChartDataError("too little overlapping data for cross-correlations")
    fig, axes = new_figure(len(results))
    for ax, (key, fb) in zip(axes[:, 0], results.items(), strict=True):
        pairs = fb.cross_correlations
        width = 0.8 / len(pairs)
        for i, cc in enumerate(pairs):
            offset = (i - (len(pairs) - 1) / 2) * width
            ax.bar(
                np.array(cc.lags) + offset,
                cc.values,
                width=width,
                color=PAIR_COLORS.get(cc.y, base.PALETTE[i]),
                label=f"vs {series_label(cc.y)}",
                zorder=2,
            )
        band = max(cc.band for cc in pairs)
        ax.axhspan(-band, band, color="#bbbbbb", alpha=0.35, zorder=0, label="95% band of no correlation")
        ax.axhline(0, color="#333333", lw=0.8)
        ax.axvline(0, color="#333333", lw=0.6, ls=":")
        ax.set_title(data.label(key), fontsize=10, loc="left")
        ax.set_ylabel("correlation")
        ax.grid(alpha=0.3)
    unit = "weeks" if next(iter(results.values())).freq == "W" else "days"
    axes[-1, 0].set_xlabel(f"lag k in {unit} (k > 0: attention leads; k < 0: attention follows)")
    return finish(
        fig,
        "Lead-lag: attention vs returns and money",
        "corr(attention index at t-k, series at t) on the stationary weekly series of the analysis panel.",
        data,
        base.widest_legend(axes),
    )


def _irf_scale(column: str) -> tuple[float, str]:
    """Returns are shown in percentage points, the attention index in its z units."""
    if column.endswith("return"):
        return 100.0, f"{series_label(column)} (pct points)"
    return 1.0, f"{series_label(column)} (index units)"


def impulse_responses(data: ReportData) -> bytes:
    """Attention -> excess return and excess return -> attention, per theme, with 95% bands."""
    wanted = (("attention_index", "excess_return"), ("excess_return", "attention_index"))
    rows = []
    for key, fb in _feedback(data).items():
        found = {(r.impulse, r.response): r for r in fb.impulse_responses}
        if any(w in found for w in wanted):
            rows.append((key, [found.get(w) for w in wanted]))
    if not rows:
        raise MissingChartDataError("too little data to fit the VAR")
    fig, axes = new_figure(len(rows), 2, sharex=False)
    for (key, responses), row in zip(rows, axes, strict=True):
        for ax, (impulse, response), irf in zip(row, wanted, responses, strict=True):
            ax.set_title(
                f"{data.label(key)}: {series_label(impulse)} → {series_label(response)}",
                fontsize=9,
                loc="left",
            )
            if irf is None:
                ax.text(0.5, 0.5, "not estimated", ha="center", va="center", transform=ax.transAxes)
                continue
            scale, unit = _irf_scale(response)
            horizons = np.arange(len(irf.irf))
            ax.fill_between(
                horizons,
                np.array(irf.lower) * scale,
                np.array(irf.upper) * scale,
                color=theme_color(data, key),
                alpha=0.2,
            )
            ax.plot(horizons, np.array(irf.irf) * scale, color=theme_color(data, key), marker="o", ms=3)
            ax.axhline(0, color="#333333", lw=0.8)
            ax.set_ylabel(unit, fontsize=8)
            ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("weeks after the shock")
    return finish(
        fig,
        "Impulse responses to a one-s.d. shock (VAR)",
        "VAR on the weekly panel's series as made stationary for the tests "
        "(differenced if needed); orthogonalised shocks, Cholesky order attention, "
        "money, returns; asymptotic 95% bands.",
        data,
        [
            base.line("response (colour = theme)", lw=2, marker="o", ms=3),
            base.patch("95% band", "#1f77b4", 0.2),
        ],
    )


def _event_limits(study: EventStudyResult) -> tuple[float, float]:
    """Y range from the mean path and the placebo band: a wide t interval from a handful of
    spikes would otherwise flatten everything (the interval is clipped, not hidden)."""
    values = (
        np.concatenate(
            [np.array(v, dtype=float) for v in (study.mean_car, study.placebo_lower, study.placebo_upper)]
        )
        * 100
    )
    values = values[np.isfinite(values)]
    if not len(values):
        return -1.0, 1.0
    span = max(abs(values.min()), abs(values.max()), 0.5) * 1.5
    return -span, span


def event_paths(data: ReportData) -> bytes:
    """Mean cumulative excess return after attention spikes, vs random dates."""
    if data.analysis is None:
        raise MissingChartDataError("the analysis did not run")
    studies = []
    for key, theme in data.analysis.themes.items():
        weekly = [
            e
            for e in theme.events
            if e.freq == "W" and e.n_events and np.isfinite(np.array(e.mean_car, dtype=float)).any()
        ]
        if weekly:
            studies.append((key, weekly[0]))
    if not studies:
        raise MissingChartDataError("no attention spikes (trailing z > 2) with a measured window to study")
    fig, axes = new_figure(len(studies), sharex=False)
    for ax, (key, study) in zip(axes[:, 0], studies, strict=True):
        h = np.array(study.horizons)
        pct = lambda values: np.array(values, dtype=float) * 100  # noqa: E731
        ax.fill_between(h, pct(study.placebo_lower), pct(study.placebo_upper), color="#bbbbbb", alpha=0.45)
        ax.fill_between(h, pct(study.lower), pct(study.upper), color=theme_color(data, key), alpha=0.2)
        ax.plot(h, pct(study.mean_car), color=theme_color(data, key), lw=1.6)
        ax.axhline(0, color="#333333", lw=0.8)
        ax.set_ylim(*_event_limits(study))
        spikes = f"{study.n_events} spike{'s' if study.n_events != 1 else ''}"
        ax.set_title(f"{data.label(key)}: {spikes} in {series_label(study.signal)}", fontsize=10, loc="left")
        ax.set_ylabel("cum. excess return (%)")
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("weeks after the spike")
    return finish(
        fig,
        "After attention spikes: cumulative excess return",
        "event study on the weekly panel; a spike is the onset of a trailing z-score "
        "above 2; returns from the close after the spike; the t interval is clipped "
        "to the plot.",
        data,
        [
            base.line("mean after the spikes (colour = theme)", lw=2),
            base.patch("95% t interval", "#1f77b4", 0.2),
            base.patch("95% range of random dates", "#bbbbbb", 0.45),
        ],
    )


CHARTS: tuple[tuple[str, str, base.Chart], ...] = (
    ("attention_share", "Share of attention by theme", base.attention_share),
    ("search_interest", "Search interest per theme, spikes marked", base.search_interest),
    ("sentiment", "Sentiment by theme and source", base.sentiment),
    ("performance", "Cumulative excess return and attention", base.performance),
    ("lead_lag", "Lead-lag cross-correlations", lead_lag),
    ("impulse_responses", "Impulse responses", impulse_responses),
    ("event_study", "After attention spikes", event_paths),
)


def render_charts(data: ReportData, out_dir: Path | None = None) -> list[ChartResult]:
    """Draw every chart; write ``<name>.png`` into ``out_dir`` when given. A chart without
    data (or one that fails) is skipped with a note, never raised."""
    results = []
    for name, title, draw in CHARTS:
        try:
            png = draw(data)
        except MissingChartDataError as why:
            results.append(ChartResult(name, title, skipped=str(why)))
            continue
        except Exception as exc:  # one broken chart must not cost the whole report
            log.warning("chart %s failed: %s", name, exc, exc_info=True)
            results.append(ChartResult(name, title, skipped=f"could not be drawn: {exc}"))
            continue
        with base.phone_sized():
            phone = draw(data)  # it drew at desktop size, so it draws here too
        path = None
        if out_dir is not None:
            path = Path(out_dir) / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
            path.with_name(f"{name}.phone.png").write_bytes(phone)
        results.append(ChartResult(name, title, path, png, phone_png=phone, caption=caption_for(name, data)))
    return results
