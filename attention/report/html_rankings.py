"""The report's ranking section: themes and their tickers by mentions on the report's day, with
where they were discussed and the items behind the numbers (user text escaped)."""

from __future__ import annotations

import pandas as pd

from attention.report.data import ReportData
from attention.report.html_sections import _safe_url, esc, section, table

TICKERS_SHOWN = 10
HEADERS = [
    "name",
    "rank",
    "rank change",
    "day",
    "vs day before",
    "week",
    "vs week before",
    "authors",
    "weighted",
]


def rankings(data: ReportData) -> str:
    frame = data.rankings
    if frame is None or frame.empty:
        return section(
            "rank", "Ranked by mentions", "<p>No theme-matched posts or headlines in the last two weeks.</p>"
        )
    themes = frame[frame["kind"] == "theme"]
    tickers = frame[(frame["kind"] == "ticker") & (frame["mentions_week"] > 0)].head(TICKERS_SHOWN)
    body = (
        f'<p class="muted">Mentions on {esc(data.as_of)} (UTC) and in the 7 days to it, against the '
        "day and the week before. Weighted: each item counts 1 + ln(1 + upvotes + comments).</p>"
    )
    body += _ranking_table(themes, {k: t.label for k, t in data.config.themes.items()})
    if not tickers.empty:
        body += "<h3>Tickers</h3>" + _ranking_table(tickers, {})
    body += "".join(_behind(row, data.label(row.name)) for row in themes.itertuples())
    return section("rank", "Ranked by mentions", body)


def _ranking_table(rows: pd.DataFrame, labels: dict[str, str]) -> str:
    return table(
        HEADERS,
        [
            [
                esc(labels.get(r.name, r.name)),
                esc(r.rank),
                _signed(r.rank_change),
                esc(r.mentions_day),
                _pct(r.change_day_pct),
                esc(r.mentions_week),
                _pct(r.change_week_pct),
                esc(r.authors_week),
                esc(f"{r.weighted_week:g}"),
            ]
            for r in rows.itertuples()
        ],
        numeric_from=1,
    )


def _behind(row: object, label: str) -> str:
    places = ", ".join(f"{esc(p['place'])} {p['mentions']}" for p in row.places_week)  # type: ignore[attr-defined]
    items = []
    for item in row.top_items:  # type: ignore[attr-defined]
        url = _safe_url(item.get("url"))
        title = esc(item.get("title") or "(no title)")
        link = f'<a href="{esc(url)}" rel="noopener noreferrer">{title}</a>' if url else title
        items.append(f"<li>{link} <span class=muted>{esc(item.get('place'))}</span></li>")
    mood = getattr(row, "sentiment_week", None)
    mood_text = "" if mood is None or mood != mood else f" Mean sentiment {mood:+.2f} (-1..1)."
    return f"<p><strong>{esc(label)}</strong>: this week on {places or 'nowhere'}.{mood_text}</p>" + (
        f"<ol class=items>{''.join(items)}</ol>" if items else ""
    )


def _signed(value: object) -> str:
    if value is None or value is pd.NA or value != value:
        return "new"
    return f"{int(value):+d}" if value else "0"  # type: ignore[call-overload]


def _pct(value: object) -> str:
    return "–" if value is None or value is pd.NA or value != value else f"{float(value):+.0f}%"  # type: ignore[arg-type]
