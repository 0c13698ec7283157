"""The sections of the HTML report, each a function ReportData -> HTML string.

Every value that can come from outside (post titles, URLs, error messages, theme labels from the
user's config) goes through :func:`esc` (``html.escape``): a post titled
``<script>alert(1)</script>`` renders as that text.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from attention.analysis.context import MarketContext
from attention.analysis.feedback import series_label
from attention.analysis.wording import feedback_details as detail_lines
from attention.report.charts import ChartResult
from attention.report.data import ReportData, weekly_moves
from attention.report.lead import largest_move
from attention.report.verdicts import LoopStatus


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def pct(value: object, signed: bool = True) -> str:
    if _missing(value):
        return "–"
    return f"{float(value):+.1%}" if signed else f"{float(value):.1%}"  # type: ignore[arg-type]


def num(value: object, fmt: str = ".2f") -> str:
    return "–" if _missing(value) else format(float(value), fmt)  # type: ignore[arg-type]


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> str:
    """A table; cells are already-escaped HTML. Each cell carries its column name, so on a phone
    the CSS stacks every row into a card of "name: value" lines instead of scrolling sideways."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    labels = [esc(re.sub(r"<[^>]+>", "", h)) for h in headers]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td{" class=num" if i >= numeric_from else ""} data-label="{labels[i]}">{c}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table class="stack"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{body}</section>'


# -- verdicts ------------------------------------------------------------------------------------
def verdict_cards(statuses: dict[str, LoopStatus], data: ReportData) -> str:
    if not statuses:
        why = "; ".join(data.notes) or "no analysis results"
        return section("verdicts", "Feedback loop: the verdict", f"<p>{esc(why)}</p>")
    cards = []
    for status in statuses.values():
        cards.append(
            f'<div class="card {esc(status.status)}"><span class="badge">'
            f'{esc(status.status.upper())}</span><p title="{esc("; ".join(detail_lines(status.result)))}">'
            f"{esc(status.headline)}</p></div>"
        )
    alpha = data.config.analysis.fdr_alpha
    note = (
        f'<p class="muted">A loop means excess returns led attention and attention led '
        "prices, directly or through money (flows, abnormal volume), every leg with a "
        f"positive effect and a Benjamini-Hochberg q below {alpha:g} (weekly data). Effect "
        "sizes (sd) are the summed lag effects, in standard deviations of the led series "
        "per standard deviation of the leading one; for returns the percent beside it is the "
        "excess return that followed a one-standard-deviation rise. Evidence: strong (q below "
        "0.01), moderate (below 0.05), weak (below 0.10), none.</p>"
    )
    if data.analysis is not None:  # when it ran and on what: each card gives its data's dates
        when = f"{data.analysis.computed_at:%Y-%m-%d %H:%M} UTC"
        note += f'<p class="muted">Computed {esc(when)} from the data known by {esc(str(data.as_of))}.</p>'
    return section("verdicts", "Feedback loop: the verdict", "".join(cards) + note)


def feedback_details(data: ReportData) -> str:
    if data.analysis is None:
        return ""
    parts = []
    for theme in data.analysis.themes.values():
        fb = theme.feedback
        rows = [
            [
                esc(f"{series_label(t.causing)} → {series_label(t.caused)}"),
                str(t.lags),
                num(t.statistic),
                num(t.pvalue, ".3g"),
                num(t.qvalue, ".3g"),
                num(t.effect_size, ".3f"),
                num(t.cumulative_effect, "+.2f"),
                "yes" if t.significant(fb.alpha) else "no",
            ]
            for t in fb.tests
        ]
        parts.append(f"<h3>{esc(theme.label)}</h3><p>{esc(theme.verdict)}</p>")
        if lines := detail_lines(fb):  # the test names and numbers the verdict leaves out
            items = "".join(f"<li>{esc(line)}</li>" for line in lines)
            parts.append(f'<details class="muted"><summary>The numbers</summary><ul>{items}</ul></details>')
        if rows:
            parts.append(
                table(
                    [
                        "direction",
                        "lags (weeks)",
                        "F",
                        "p",
                        "q (BH)",
                        "partial R²",
                        "cum. effect (sd)",
                        "significant",
                    ],
                    rows,
                )
            )
        parts += [f'<p class="muted">Not tested: {esc(s)}</p>' for s in fb.skipped]
    intro = (
        "<p>Granger tests on the weekly panel (stationary transforms, lag order by BIC). "
        "Partial R² is the share of the remaining variance the causing series explains; "
        "the cumulative effect is the sum of its lag coefficients in standard deviations "
        "of the caused series per standard deviation of the causing one.</p>"
    )
    return section("tests", "Feedback loop: the tests", intro + "".join(parts))


# -- market context ------------------------------------------------------------------------------
def _streak_text(context: MarketContext) -> str:
    streak = context.streak
    if not streak:
        return "0 (did not beat it on the last session)"
    since = context.streak_longest_since
    when = "the longest in the data" if since is None else f"longest since {since}"
    gaps = context.streak_gap_text()
    return f"{streak} session{'s' if streak != 1 else ''} ({when})" + (f", {gaps}" if gaps else "")


def _rsi_text(value: float) -> str:
    if _missing(value):
        return "–"
    tag = " overbought" if value > 70 else " oversold" if value < 30 else ""
    return f"{value:.0f}{tag}"


def market_context(data: ReportData) -> str:
    if data.analysis is None:
        return ""
    own = {t.label: data.config.benchmark_for(t.theme) for t in data.analysis.themes.values()}
    bench = esc(data.config.benchmark) if set(own.values()) == {data.config.benchmark} else "benchmark"
    rows, notes = [], [f"{label}: benchmark {b}" for label, b in own.items() if b != data.config.benchmark]
    for theme in data.analysis.themes.values():
        c = theme.context
        if c is None:
            notes.append(f"{theme.label}: no market context (missing prices)")
            continue
        rows.append(
            [
                esc(theme.label),
                esc(f"{c.asof}" + (" (stale)" if c.stale else "")),
                pct(c.ytd_return),
                pct(c.benchmark_ytd_return),
                pct(c.relative_ytd),
                esc(_streak_text(c)),
                _rsi_text(c.rsi14),
                pct(c.return_vs_other_3m),
            ]
        )
        notes += [f"{theme.label}: {n}" for n in c.notes]
    body = (
        table(
            [
                "theme",
                "prices as of",
                "YTD",
                f"{bench} YTD",
                "difference",
                f"beat {bench}, sessions in a row",
                "RSI(14)",
                "3 months vs other index",
            ],
            rows,
        )
        if rows
        else "<p>No prices yet.</p>"
    )
    body += "".join(f'<p class="muted">{esc(n)}</p>' for n in notes)
    return section("context", "Market context", body)


# -- attention this week -------------------------------------------------------------------------
def attention_moves(data: ReportData) -> str:
    moves = weekly_moves(data)
    if moves.empty:
        return section(
            "moves",
            "Where attention moved this week",
            "<p>No weekly attention data yet.</p>" + top_items(data),
        )
    sentence = largest_move(moves)
    lead = f"<p>{esc(sentence)}</p>" if sentence else ""
    rows = [
        [
            esc(r.label),
            num(r.attention_index, "+.2f"),
            num(r.attention_change, "+.2f"),
            pct(r.search_change),
            num(r.mentions, ".0f"),
            pct(r.mentions_change),
            num(r.reddit_sentiment, "+.2f"),
            num(r.news_sentiment, "+.2f"),
            pct(r.excess_return),
        ]
        for r in moves.itertuples()
    ]
    excluded = [f"{r.label}: {r.excluded}" for r in moves.itertuples() if r.excluded]
    lead += "".join(f'<p class="muted">{esc(line)}</p>' for line in excluded)
    body = lead + table(
        [
            "theme",
            "attention (z)",
            "change vs 4 weeks",
            "search vs 4 weeks",
            "mentions",
            "mentions vs 4 weeks",
            "Reddit sentiment",
            "news sentiment",
            "excess return (week)",
        ],
        rows,
    )
    return section("moves", "Where attention moved this week", body + top_items(data))


def _safe_url(url: object) -> str | None:
    text = "" if _missing(url) else str(url)
    return text if text.startswith(("https://", "http://")) else None


def top_items(data: ReportData) -> str:
    items = data.top_items
    if items.empty:
        return '<p class="muted">No posts or headlines matched a theme this week.</p>'
    lines = []
    for item in items.itertuples():
        themes = ", ".join(
            data.label(t) if t in data.config.themes else t
            for t in (item.themes if item.themes is not None else [])
        )
        where = item.container if not _missing(item.container) else item.outlet
        title = esc(item.title)
        url = _safe_url(item.url)
        if url:
            title = f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{title}</a>'
        meta = [
            esc(item.source),
            esc(where) if not _missing(where) else "",
            esc(themes),
            f"sentiment {num(item.compound, '+.2f')}",
        ]
        if not _missing(item.score):
            meta.append(f"score {int(item.score)}")
        lines.append(f"<li>{title}<br><span class=muted>{' · '.join(m for m in meta if m)}</span></li>")
    return "<h3>Most discussed this week</h3><ol class=items>" + "".join(lines) + "</ol>"


# -- charts, data quality, downloads ---------------------------------------------------------------
def charts(results: Sequence[ChartResult]) -> str:
    figures, skipped = [], []
    for chart in results:
        if chart.png is None:
            skipped.append(f"<li>{esc(chart.title)}: skipped — {esc(chart.skipped)}</li>")
            continue
        data_uri = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        phone = ""
        if chart.phone_png is not None:  # the browser picks the drawing made for its width
            phone_uri = "data:image/png;base64," + base64.b64encode(chart.phone_png).decode("ascii")
            phone = f'<source media="(max-width: 600px)" srcset="{phone_uri}">'
        caption = f"<br>{esc(chart.caption)}" if chart.caption else ""
        figures.append(
            f'<figure id="chart-{esc(chart.name)}"><picture>{phone}<img src="{data_uri}" '
            f'alt="{esc(chart.title)}"></picture><figcaption>{esc(chart.title)}{caption}</figcaption>'
            "</figure>"
        )
    body = "".join(figures)
    if skipped:
        body += "<p>Charts not drawn:</p><ul>" + "".join(skipped) + "</ul>"
    return section("charts", "Charts", body)


def downloads(links: Sequence[tuple[str, str, int | None]]) -> str:
    if not links:
        return section("downloads", "Data files", "<p>No exports yet: run <code>attention export</code>.</p>")
    rows = [
        f'<li><a href="{esc(href)}">{esc(name)}</a>{f" ({rows} rows)" if rows is not None else ""}</li>'
        for name, href, rows in links
    ]
    body = (
        "<p>Tidy tables for your own models (columns documented in docs/exports.md):</p>"
        "<ul>" + "".join(rows) + "</ul>"
    )
    return section("downloads", "Data files", body)
