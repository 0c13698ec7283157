"""The HTML report: one self-contained file per run date.

Charts are embedded as base64 PNG data URIs and the CSS is inline, so the file can be mailed or
opened offline; it loads nothing from anywhere (a Content-Security-Policy forbids it: no
scripts, no remote images, styles or fonts) and needs no JavaScript. Responsive (viewport meta,
fluid images; on a phone every table row becomes a card of "column: value" lines, and each
chart is drawn a second time for a phone's width). User text is escaped (see html_sections).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from attention.files import write_text_atomically
from attention.report import html_quality, html_rankings
from attention.report import html_sections as sections
from attention.report.charts import ChartResult
from attention.report.charts_analysis import render_charts
from attention.report.data import ReportData
from attention.report.verdicts import LoopStatus, loop_statuses

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
CSS = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #dde2ea; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f6f7f9; }
main { max-width: 1120px; margin: 0 auto; padding: 12px 16px 40px; background: #fff; }
h1 { font-size: 1.5rem; margin: 8px 0 4px; } h2 { font-size: 1.2rem; margin-top: 28px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 1.02rem; }
.muted { color: var(--muted); font-size: .9rem; }
.banner { background: #fff3cd; border: 2px solid #e0a800; padding: 10px 12px; margin: 8px 0;
          font-weight: 600; border-radius: 6px; }
nav { font-size: .9rem; } nav a { margin-right: 10px; white-space: nowrap; }
.card { border: 1px solid var(--line); border-left: 6px solid #9aa3af; border-radius: 6px;
        padding: 8px 12px; margin: 8px 0; }
.card p { margin: 4px 0; } .card.loop { border-left-color: #c0392b; }
.card.partial { border-left-color: #e08e0b; } .card.none { border-left-color: #2e8b57; }
.badge { font-size: .75rem; font-weight: 700; letter-spacing: .04em; color: #fff;
         background: #6b7280; border-radius: 4px; padding: 1px 6px; }
.loop .badge { background: #c0392b; } .partial .badge { background: #b36b00; }
.none .badge { background: #2e7d4f; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: .9rem; min-width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #f0f2f5; } td:first-child { min-width: 8.5em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 16px 0; } img { max-width: 100%; height: auto; display: block;
  border: 1px solid var(--line); } figcaption { color: var(--muted); font-size: .85rem; }
ol.items li { margin-bottom: 6px; overflow-wrap: anywhere; }
code { background: #f0f2f5; padding: 0 3px; border-radius: 3px; }
@media (max-width: 600px) { body { font-size: 15px; } main { padding: 8px 10px 32px; }
  th, td { padding: 3px 5px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; min-width: 0; }
  table.stack thead { display: none; }
  table.stack tr { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 4px 8px; }
  table.stack td { display: flex; justify-content: space-between; gap: 12px; border: 0;
                   padding: 2px 0; text-align: right; white-space: normal; }
  table.stack td::before { content: attr(data-label); font-weight: 600; text-align: left;
                           color: var(--muted); }
  table.stack td:first-child { font-weight: 700; } }
"""


@dataclass
class ReportResult:
    path: Path
    as_of: dt.date
    charts: list[ChartResult] = field(default_factory=list)
    statuses: dict[str, LoopStatus] = field(default_factory=dict)

    def summary(self) -> str:
        drawn = sum(c.drawn for c in self.charts)
        skipped = [c.name for c in self.charts if not c.drawn]
        text = f"report {self.path} ({drawn} charts"
        text += f"; skipped: {', '.join(skipped)})" if skipped else ")"
        return text


def report_path(report_dir: Path, as_of: dt.date) -> Path:
    return Path(report_dir) / f"attention-report-{as_of.isoformat()}.html"


def export_links(export_dir: Path, report_dir: Path) -> list[tuple[str, str, int | None]]:
    """(file name, link relative to the report, rows) for every export file present."""
    if not Path(export_dir).is_dir():
        return []
    links = []
    for path in sorted(Path(export_dir).iterdir()):
        if path.suffix not in (".csv", ".parquet") or path.name.startswith("."):
            continue
        rows = None
        if path.suffix == ".csv":
            with path.open("rb") as handle:
                rows = max(sum(1 for _ in handle) - 1, 0)  # physical lines; fine for a hint
        href = Path(os.path.relpath(path, report_dir)).as_posix()
        links.append((path.name, href, rows))
    return links


def render_html(
    data: ReportData,
    charts: list[ChartResult],
    statuses: dict[str, LoopStatus],
    links: list[tuple[str, str, int | None]],
) -> str:
    title = f"Market attention report — {data.as_of}"
    banner = ""
    if data.simulated:
        banner = (
            '<div class="banner" role="alert">SIMULATED DATA. Everything in this report '
            "comes from the built-in simulated world of <code>attention demo</code> "
            "(small caps carry a planted attention loop, the other themes none). It says "
            "nothing about real markets.</div>"
        )
    themes = ", ".join(data.label(k) for k in data.themes)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = (
        "<nav>"
        + " ".join(
            f'<a href="#{a}">{t}</a>'
            for a, t in (
                ("verdicts", "Verdict"),
                ("context", "Context"),
                ("moves", "This week"),
                ("rank", "Ranking"),
                ("tests", "Tests"),
                ("charts", "Charts"),
                ("quality", "Data quality"),
                ("downloads", "Data files"),
            )
        )
        + "</nav>"
    )
    body = "".join(
        [
            f"<h1>{sections.esc(title)}</h1>",
            banner,
            f'<p class="muted">Themes: {sections.esc(themes)}. Benchmark: '
            f"{sections.esc(data.config.benchmark)} (unless a theme has its own). Generated {generated}.</p>",
            nav,
            sections.verdict_cards(statuses, data),
            sections.market_context(data),
            sections.attention_moves(data),
            html_rankings.rankings(data),
            sections.feedback_details(data),
            sections.charts(charts),
            html_quality.data_quality(data),
            sections.downloads(links),
            '<p class="muted">Made by attention. Statistics describe association in past data, '
            "not advice.</p>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<link rel="icon" href="data:,">'
        f"<title>{sections.esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def build_report(data: ReportData, out_dir: Path, export_dir: Path) -> ReportResult:
    """Charts (PNGs in ``out_dir/charts``) and the HTML file for ``data``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = render_charts(data, out_dir / "charts")
    statuses = loop_statuses(data.analysis)
    path = report_path(out_dir, data.as_of)
    page = render_html(data, charts, statuses, export_links(export_dir, out_dir))
    write_text_atomically(path, page)  # a fresh private temporary name: no planted symlink is followed
    return ReportResult(path, data.as_of, charts, statuses)
