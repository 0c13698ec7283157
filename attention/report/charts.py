"""PNG charts (matplotlib, Agg backend), each readable on its own: a title, labelled axes with
units, a legend and a source note. A chart whose data is missing is skipped with a note.

Charts here show the data (attention share, search interest with spikes, sentiment, performance
vs the benchmark); :mod:`attention.report.charts_analysis` shows the analysis results.
"""

from __future__ import annotations

import io
import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, ever: this runs from cron and in CI
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.typing import ColorType  # noqa: E402

from attention.analysis.event import trailing_zscore  # noqa: E402
from attention.report.captions import thin_basket_note  # noqa: E402
from attention.report.data import ReportData  # noqa: E402

log = logging.getLogger("attention.report.charts")
WIDTH, ROW_HEIGHT, DPI = 8.0, 2.7, 110
# A phone shows a chart about 370 CSS px wide: drawn 3.8 in wide, a 7 pt note is 10 px there,
# and 200 dpi gives 2 image pixels per CSS pixel (sharp on the phone's 2x screen).
PHONE_WIDTH, PHONE_DPI = 3.8, 200
DESKTOP = (WIDTH, DPI)
SPIKE_Z, SPIKE_WINDOW = 2.0, 52
# The tab10 colours (matplotlib's TABLEAU_COLORS are the same ten, in the same order) as RGB.
PALETTE = tuple(mcolors.to_rgb(c) for c in mcolors.TABLEAU_COLORS.values())
SPIKE_COLOR = "#d62728"
ATTENTION_COLOR = "#7f7f7f"


class MissingChartDataError(Exception):
    """The chart's data is missing; the message says what is missing."""


@dataclass(frozen=True)
class ChartResult:
    name: str
    title: str
    path: Path | None = None
    png: bytes | None = None
    skipped: str | None = None  # why the chart was not drawn
    phone_png: bytes | None = None  # the same chart drawn for a phone's width
    caption: str | None = None  # how its numbers were made (attention.report.captions)

    @property
    def drawn(self) -> bool:
        return self.png is not None


@contextmanager
def phone_sized() -> Iterator[None]:
    """Charts drawn inside are sized for a phone (see PHONE_WIDTH); the desktop size after."""
    global WIDTH, DPI
    WIDTH, DPI = PHONE_WIDTH, PHONE_DPI
    try:
        yield
    finally:
        WIDTH, DPI = DESKTOP


def theme_color(data: ReportData, theme: str) -> tuple[float, float, float]:
    return PALETTE[data.themes.index(theme) % len(PALETTE)]


def new_figure(
    rows: int = 1, cols: int = 1, height: float | None = None, sharex: bool = True
) -> tuple[Figure, np.ndarray]:
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(WIDTH, height or (1.4 + ROW_HEIGHT * rows)),
        dpi=DPI,
        sharex=sharex,
        squeeze=False,
    )
    return fig, axes


def line(label: str, color: ColorType = "#444444", **style: Any) -> Line2D:
    """A legend entry that stands for the same kind of line in every panel."""
    return Line2D([], [], color=color, label=label, **style)


def patch(label: str, color: str = "#bbbbbb", alpha: float = 0.5) -> Patch:
    return Patch(facecolor=color, alpha=alpha, label=label)


def theme_handles(data: ReportData, themes: list[str]) -> list[Line2D]:
    return [line(data.label(k), theme_color(data, k), lw=2) for k in themes]


def widest_legend(axes: np.ndarray) -> list:
    """The handles of the panel whose legend has the most entries (for a shared legend)."""
    return max((ax.get_legend_handles_labels()[0] for ax in axes.flat), key=len)


def finish(fig: Figure, title: str, note: str, data: ReportData, legend: list | None = None) -> bytes:
    """Title, a shared legend under it, the source note (with the simulated-data warning),
    tight layout, PNG bytes."""
    lay_out(fig, title, note, data, legend)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def lay_out(fig: Figure, title: str, note: str, data: ReportData, legend: list | None = None) -> None:
    """Everything :func:`finish` does before saving: the title, legend and source note placed
    so that none of them covers a panel, its ticks or its axis labels, at either width."""
    height = fig.get_figheight()
    phone = WIDTH < 5  # narrow: wrap the title and legend instead of letting them run off
    title_lines = textwrap.wrap(title, int(WIDTH * 9)) if phone else [title]
    if phone:  # panel titles too: "Magnificent Seven: 2 spikes in abnormal search" runs off
        for ax in fig.axes:
            panel_title = ax.get_title(loc="left")
            if len(panel_title) > int(WIDTH * 10):
                ax.set_title(textwrap.fill(panel_title, int(WIDTH * 10)), loc="left", fontsize=10)
    fig.suptitle("\n".join(title_lines), fontsize=12, fontweight="bold", y=1 - 0.12 / height)
    top = 1 - (0.45 + 0.2 * (len(title_lines) - 1)) / height
    if legend:
        columns = 3 if max(len(h.get_label()) for h in legend) < 30 else 2
        rows = (len(legend) + columns - 1) // columns
        if phone:
            columns = 1
            for handle in legend:
                handle.set_label(textwrap.fill(handle.get_label(), 48))
            rows = sum(h.get_label().count("\n") + 1 for h in legend)
        fig.legend(
            handles=legend,
            loc="upper center",
            bbox_to_anchor=(0.5, top),
            ncol=min(len(legend), columns),
            fontsize=8,
            frameon=False,
        )
        top -= (0.2 * rows - 0.05) / height
    source = f"Source: {note}"
    if data.simulated:
        source = "SIMULATED DATA (attention demo). " + source
    fig.tight_layout(rect=(0, _source_note(fig, f"{source} As of {data.as_of}."), 1, top))
    _close_the_gap(fig, top)


def _close_the_gap(fig: Figure, top: float) -> None:
    """Move the panels' top up to just under the legend as drawn (or ``top``, a fraction of the
    figure, without one) when the layout left them lower: tight_layout kept about half an inch
    empty there, a tenth of a phone drawing; or down when the legend's estimated height was
    short and it covered the panels."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    if fig.legends:
        top = fig.legends[0].get_window_extent(renderer).y0 / fig.bbox.height
    top -= 0.06 / fig.get_figheight()
    shown = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    highest = max((b.y1 for b in shown if b is not None), default=None)
    if highest is None:
        return
    gap = top - highest / fig.bbox.height
    fig.subplots_adjust(top=min(fig.subplotpars.top + gap, 0.99))


# The source note: 7-point text, about 17 characters an inch, lines 0.125 inch apart.
NOTE_CHARS_PER_INCH, NOTE_LINE_INCHES = 17, 0.125


def _source_note(fig: Figure, text: str) -> float:
    """The note at the foot of the figure, wrapped to its width here (matplotlib's own wrap
    is not known to the layout, so a three-line note on a phone ran over the axis label);
    returns the height it takes, with a gap above it, as a fraction of the figure."""
    lines = textwrap.wrap(text, int(fig.get_figwidth() * NOTE_CHARS_PER_INCH))
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=7, color="#555555", ha="left", va="bottom")
    return (0.08 + NOTE_LINE_INCHES * len(lines)) / fig.get_figheight()


def date_axis(ax: plt.Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def _weekly(data: ReportData, column: str) -> pd.DataFrame:
    """One column of every theme's weekly panel, side by side (themes as columns)."""
    return pd.DataFrame(
        {k: p.weekly[column] for k, p in data.panels.items() if not p.weekly.empty and column in p.weekly}
    )


def _weekly_mentions(data: ReportData, source: str) -> pd.DataFrame:
    """Weekly mentions with their theme weights (a mention shared by two themes is half in each);
    the plain counts for panels built without weights."""
    weighted = _weekly(data, f"{source}_weighted_mentions")
    return weighted if not weighted.empty else _weekly(data, f"{source}_mentions")


# -- the charts ---------------------------------------------------------------------------------
def _shares(levels: pd.DataFrame) -> pd.DataFrame:
    levels = levels.dropna(how="all")
    total = levels.sum(axis=1)
    return (levels.div(total.where(total > 0), axis=0) * 100).dropna(how="all")


def attention_share(data: ReportData) -> bytes:
    """Each theme's share of search interest and of mentions per week (shares sum to 100%)."""
    mentions = _weekly_mentions(data, "reddit").add(_weekly_mentions(data, "news"), fill_value=0)
    bases = [
        ("Google search interest", _shares(_weekly(data, "search"))),
        ("Wikipedia page views", _shares(_weekly(data, "page_views"))),
        ("Reddit + news mentions", _shares(mentions)),
    ]
    bases = [(name, share) for name, share in bases if not share.empty]
    if not bases:
        raise MissingChartDataError("no mentions and no search interest for any theme")
    fig, axes = new_figure(len(bases), height=1.9 + 2.6 * len(bases))
    for ax, (name, share) in zip(axes[:, 0], bases, strict=True):
        ax.stackplot(
            share.index,
            *(share[k].fillna(0) for k in share.columns),
            labels=[data.label(k) for k in share.columns],
            colors=[theme_color(data, k) for k in share.columns],
            alpha=0.85,
        )
        ax.set_ylim(0, 100)
        ax.set_ylabel("share (%)")
        ax.set_title(f"Share of {name}", fontsize=10, loc="left")
        date_axis(ax)
    axes[-1, 0].set_xlabel("trading week (labelled by its last session)")
    return finish(
        fig,
        "Share of attention by theme, weekly",
        "Google Trends on the common scale; Reddit posts/comments and news headlines "
        "matched to each theme, a mention shared by several themes split between them. "
        "Each week's shares sum to 100%.",
        data,
        theme_handles(data, list(bases[0][1].columns)),
    )


def search_interest(data: ReportData) -> bytes:
    """Each theme's search interest on the common scale, with attention spikes marked."""
    search = _weekly(data, "search").dropna(how="all")
    themes = [k for k in search.columns if search[k].notna().any()]
    if not themes:
        raise MissingChartDataError("no Google search interest in the store")
    fig, axes = new_figure(len(themes))
    for ax, key in zip(axes[:, 0], themes, strict=True):
        series = search[key].dropna()
        z = trailing_zscore(series, SPIKE_WINDOW)
        above = (z > SPIKE_Z).to_numpy()
        onsets = series[above & ~np.concatenate([[False], above[:-1]])]
        ax.plot(series.index, series, color=theme_color(data, key), lw=1.4)
        ax.scatter(onsets.index, onsets, marker="^", s=46, color=SPIKE_COLOR, zorder=3)
        ax.set_title(data.label(key), fontsize=10, loc="left")
        ax.set_ylabel("interest (common scale)")
        date_axis(ax)
    axes[-1, 0].set_xlabel("week (Google weeks, aligned to the trading week they became known)")
    return finish(
        fig,
        "Google search interest per theme, weekly",
        "Google Trends, stitched onto one scale through anchor terms (the reference "
        "anchor's mean = 100); theme value = mean of its search terms.",
        data,
        [
            line("weekly search interest (colour = theme)"),
            line(
                f"spike: > {SPIKE_Z:g} s.d. above the trailing {SPIKE_WINDOW} weeks",
                SPIKE_COLOR,
                marker="^",
                ls="",
                ms=8,
            ),
        ],
    )


def sentiment(data: ReportData) -> bytes:
    """Weekly mean sentiment per theme, one panel per source."""
    sources = [(s, _weekly(data, f"{s}_sentiment").dropna(how="all")) for s in ("reddit", "news")]
    sources = [(s, f) for s, f in sources if not f.empty and f.notna().any().any()]
    if not sources:
        raise MissingChartDataError("no scored Reddit or news items matched to a theme")
    fig, axes = new_figure(len(sources))
    for ax, (source, frame) in zip(axes[:, 0], sources, strict=True):
        for key in frame.columns:
            values = frame[key]
            if values.notna().any():
                ax.plot(
                    values.index,
                    values,
                    marker="o",
                    ms=3,
                    lw=1.2,
                    color=theme_color(data, key),
                    label=data.label(key),
                )
        ax.axhline(0, color="#333333", lw=0.8)
        ax.set_ylim(-1, 1)
        ax.set_title("Reddit" if source == "reddit" else "News headlines", fontsize=10, loc="left")
        ax.set_ylabel("mean compound (-1..1)")
        date_axis(ax)
    axes[-1, 0].set_xlabel("trading week")
    lexicon = data.config.analysis.sentiment_lexicon
    return finish(
        fig,
        "Sentiment by theme and source, weekly mean",
        f"items matched to each theme, scored with {lexicon} (VADER compound; > 0 positive, < 0 negative).",
        data,
        theme_handles(data, data.themes),
    )


def performance(data: ReportData) -> bytes:
    """Cumulative excess return vs the benchmark, with the attention index on a second axis."""
    themes = [
        k for k, p in data.panels.items() if not p.daily.empty and p.daily["excess_return"].notna().any()
    ]
    if not themes:
        raise MissingChartDataError("no theme or benchmark prices")
    fig, axes = new_figure(len(themes))
    benches = {data.config.benchmark_for(key) for key in themes}
    bench = benches.pop() if len(benches) == 1 else "each theme's benchmark"
    for ax, key in zip(axes[:, 0], themes, strict=True):
        daily = data.panels[key].daily
        rets = daily[["theme_return", "benchmark_return"]].dropna()
        excess = ((1 + rets["theme_return"]).cumprod() / (1 + rets["benchmark_return"]).cumprod() - 1) * 100
        ax.plot(excess.index, excess, color=theme_color(data, key), lw=1.5)
        ax.axhline(0, color="#333333", lw=0.8)
        ax.set_ylabel(f"vs {data.config.benchmark_for(key)} (%)")
        index = daily["attention_index"].rolling(20, min_periods=5).mean()
        if index.notna().any():
            twin = ax.twinx()
            twin.plot(index.index, index, color=ATTENTION_COLOR, lw=1.0, alpha=0.9)
            twin.set_ylabel("attention (z-score)")
        thin = thin_basket_note(daily.get("basket_weight"), data.config.themes[key].proxy.members)
        ax.set_title(data.label(key) + (f" ({thin})" if thin else ""), fontsize=10, loc="left")
        date_axis(ax)
    axes[-1, 0].set_xlabel("trading session")
    return finish(
        fig,
        f"Themes vs {bench}: cumulative excess return and attention",
        "daily closes (adjusted) of each theme's proxy and the benchmark; attention "
        "index = mean z-score of log search and log(1 + mentions).",
        data,
        [
            line(f"cumulative excess return vs {bench}, % (left axis; colour = theme)", lw=2),
            line("attention index, 20-session mean, z (right axis)", ATTENTION_COLOR),
        ],
    )


Chart = Callable[[ReportData], bytes]
