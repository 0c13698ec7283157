"""`attention rank`: themes and tickers ranked by mentions, with their change against the day
and the week before (a thin shell over :mod:`attention.rankings`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from attention.commands.common import CONFIG_OPTION, handle_errors, load, parse_date, readable_store
from attention.rankings import words
from attention.rankings.load import rankings


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("rank")(rank)


@handle_errors
def rank(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(
        None,
        "--date",
        help="End the windows at the newest item by the end of this UTC day YYYY-MM-DD (default: newest).",
    ),
    top: int = typer.Option(10, "--top", min=1, help="Tickers shown (themes are all shown)."),
    as_json: bool = typer.Option(
        False, "--json", help="Every row and column, with places and items, on stdout."
    ),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Rank themes and tickers by mentions: last day and week, change, authors, where, top items."""
    cfg = load(config, store__path=str(store) if store else None)
    asked = parse_date(date)
    with readable_store(cfg.store.path) as db:  # during a run: a copy taken now
        frame, day = rankings(db, cfg, asked)
    if as_json:
        typer.echo(json.dumps(_document(frame, day), indent=2))
        return
    console = Console()
    if frame.empty:
        console.print(f"no theme-matched items in the two weeks to {day}: nothing to rank")
        return
    first = frame.iloc[0].to_dict()
    for kind, what in (("theme", "Themes"), ("ticker", "Tickers")):
        rows = frame[(frame["kind"] == kind) & (frame["mentions_week"].fillna(0) > 0)].head(
            top if kind == "ticker" else None
        )
        if not rows.empty:
            labels = {key: theme.label for key, theme in cfg.themes.items()} if kind == "theme" else {}
            console.print(words.title(what, first["window_end"]), markup=False, highlight=False)
            console.print(ranking_table(rows, labels))
    notes = (words.watched_line(first, frame.attrs.get("watched_by_source")), words.authors_note(frame))
    for line in (words.behind_line(first["window_end"], asked), *notes):
        if line:
            console.print(line, markup=False, highlight=False)
    themes = frame[frame["kind"] == "theme"]
    for row in themes.itertuples():
        places = ", ".join(f"{p['place']} {p['mentions']}" for p in row.places_week)
        label = cfg.themes[row.name].label if row.name in cfg.themes else row.name
        mood = "" if pd.isna(row.sentiment_week) else f"; mean sentiment {row.sentiment_week:+.2f} (-1..1)"
        console.print(f"{label}, last 7 days: {places or 'nowhere'}{mood}", markup=False)
        for item in row.top_items[:1]:
            console.print(f"  top: {item['title']}", markup=False, highlight=False)
            if item["url"]:  # whole, on its own line, so a terminal can open it
                console.print(f"  {item['url']}", markup=False, highlight=False, soft_wrap=True)


def ranking_table(rows: pd.DataFrame, labels: dict[str, str] | None = None) -> Table:
    """Narrow enough for 80 columns: rank and its change, the name, day and week with change,
    authors and the engagement-weighted week."""
    labels = labels or {}
    names = [labels.get(n, n) for n in rows["name"]]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("#", "±", "name", "24h", "±%", "7 days", "±%", "authors", "weighted"):
        table.add_column(header, overflow="fold", justify="left" if header == "name" else "right")
    table.columns[2].min_width = min(24, max(len(n) for n in names))
    for row in rows.to_dict(orient="records"):
        table.add_row(
            str(row["rank"]),
            words.rank_change(row),
            labels.get(row["name"], row["name"]),
            words.count(row["mentions_day"]),
            words.change(row, "day"),
            words.count(row["mentions_week"]),
            words.change(row, "week"),
            words.authors(row["authors_week"]),
            "n/a" if pd.isna(row["weighted_week"]) else f"{row['weighted_week']:g}",
        )
    return table


def _document(frame: pd.DataFrame, day: dt.date) -> dict[str, Any]:
    """The --json document: the day and window end, how much of each window was watched, and
    every row (missing values are null: not watched, unknown authors, no link)."""
    first = frame.iloc[0].to_dict() if not frame.empty else None
    return {
        "day": day.isoformat(),
        "window_end": None if first is None else _plain(first["window_end"]),
        "watched": None if first is None else words.watched(first),
        "watched_by_source": {
            source: {w: round(f, 3) for w, f in fractions.items()}
            for source, fractions in frame.attrs.get("watched_by_source", {}).items()
        },
        "rows": _records(frame),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).isoformat()
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
