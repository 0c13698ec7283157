"""`attention rank`: themes and tickers ranked by mentions, with their change against the day
and the week before (a thin shell over :mod:`attention.rankings`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from attention.commands.common import CONFIG_OPTION, handle_errors, load, parse_date, readable_store
from attention.rankings.load import rankings


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("rank")(rank)


@handle_errors
def rank(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(
        None, "--date", help="Day ranked YYYY-MM-DD (default: the newest stored item's day)."
    ),
    top: int = typer.Option(10, "--top", min=1, help="Tickers shown (themes are all shown)."),
    as_json: bool = typer.Option(
        False, "--json", help="Every row and column, with places and items, on stdout."
    ),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Rank themes and tickers by mentions: last day and week, change, authors, where, top items."""
    cfg = load(config, store__path=str(store) if store else None)
    with readable_store(cfg.store.path) as db:  # during a run: a copy taken now
        frame, day = rankings(db, cfg, parse_date(date))
    if as_json:
        typer.echo(json.dumps({"day": day.isoformat(), "rows": _records(frame)}, indent=2))
        return
    console = Console()
    if frame.empty:
        console.print(f"no theme-matched items in the two weeks to {day}: nothing to rank")
        return
    for kind, title in (("theme", "Themes"), ("ticker", "Tickers")):
        rows = frame[(frame["kind"] == kind) & (frame["mentions_week"] > 0)].head(
            top if kind == "ticker" else None
        )
        if not rows.empty:
            labels = {key: theme.label for key, theme in cfg.themes.items()} if kind == "theme" else {}
            console.print(ranking_table(rows, f"{title} by mentions on {day} (UTC)", labels))
    themes = frame[frame["kind"] == "theme"]
    for row in themes.itertuples():
        places = ", ".join(f"{p['place']} {p['mentions']}" for p in row.places_week)
        label = cfg.themes[row.name].label if row.name in cfg.themes else row.name
        mood = "" if pd.isna(row.sentiment_week) else f"; mean sentiment {row.sentiment_week:+.2f} (-1..1)"
        console.print(f"{label}, this week: {places or 'nowhere'}{mood}", markup=False)
        for item in row.top_items[:1]:
            console.print(f"  top: {item['title']} {item['url'] or ''}".rstrip(), markup=False)


def ranking_table(rows: pd.DataFrame, title: str, labels: dict[str, str] | None = None) -> Table:
    """Narrow enough for 80 columns: rank and its change, the name, day and week with change."""
    labels = labels or {}
    names = [labels.get(n, n) for n in rows["name"]]
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("#", "±", "name", "24h", "±%", "7 days", "±%", "authors", "weighted"):
        table.add_column(header, overflow="fold", justify="left" if header == "name" else "right")
    table.columns[2].min_width = min(24, max(len(n) for n in names))
    for row in rows.itertuples():
        table.add_row(
            str(row.rank),
            _signed(row.rank_change, "new"),
            labels.get(row.name, row.name),
            str(row.mentions_day),
            _signed(row.change_day_pct, "new"),
            str(row.mentions_week),
            _signed(row.change_week_pct, "new"),
            str(row.authors_week),
            f"{row.weighted_week:g}",
        )
    return table


def _signed(value: Any, missing: str) -> str:
    """+3 / -2 / 0, or ``missing`` when there is nothing to compare with."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return missing
    return f"{value:+g}" if value else "0"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append(
            {k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
        )
    return out
