"""The report's ranking section: themes and their tickers by mentions in the 24 hours to the
newest item on or before the report's day, how much of each window was watched, where they were
discussed and the items behind the numbers (user text escaped; the words from
:mod:`attention.rankings.words`)."""

from __future__ import annotations

import pandas as pd

from attention.rankings import words
from attention.report.data import ReportData
from attention.report.html_sections import _safe_url, esc, section, table

TICKERS_SHOWN = 10
HEADERS = [
    "name",
    "rank",
    "rank change",
    "24 hours",
    "vs 24 hours before",
    "7 days",
    "vs 7 days before",
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
    tickers = frame[(frame["kind"] == "ticker") & (frame["mentions_week"].fillna(0) > 0)].head(TICKERS_SHOWN)
    first = frame.iloc[0].to_dict()
    notes = [
        words.behind_line(first["window_end"], data.as_of),
        words.watched_line(first, frame.attrs.get("watched_by_source")),
        words.authors_note(frame),
    ]
    body = (
        f"<p><strong>{esc(words.title('Themes', first['window_end']))}</strong></p>"
        f'<p class="muted">Against the 24 hours and the 7 days before. Weighted: each item counts '
        "1 + ln(1 + upvotes + comments). " + " ".join(esc(n) for n in notes if n) + "</p>"
    )
    body += _ranking_table(themes, {k: t.label for k, t in data.config.themes.items()})
    if not tickers.empty:
        body += f"<h3>{esc(words.title('Tickers', first['window_end']))}</h3>" + _ranking_table(tickers, {})
    body += "".join(_behind(row, data.label(row.name)) for row in themes.itertuples())
    return section("rank", "Ranked by mentions", body)


def _ranking_table(rows: pd.DataFrame, labels: dict[str, str]) -> str:
    return table(
        HEADERS,
        [
            [
                esc(labels.get(r["name"], r["name"])),
                esc(r["rank"]),
                esc(words.rank_change(r)),
                esc(words.count(r["mentions_day"])),
                esc(words.change(r, "day")),
                esc(words.count(r["mentions_week"])),
                esc(words.change(r, "week")),
                esc(words.authors(r["authors_week"])),
                esc("n/a" if pd.isna(r["weighted_week"]) else f"{r['weighted_week']:g}"),
            ]
            for r in rows.to_dict(orient="records")
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
    said = f"<p><strong>{esc(label)}</strong>: in the last 7 days on {places or 'nowhere'}.{mood_text}</p>"
    return said + (f"<ol class=items>{''.join(items)}</ol>" if items else "")
