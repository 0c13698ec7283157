"""`attention status`: what the store holds (date ranges per source and theme), the last run of
each source, and whether a run is going on right now.

While a run holds the store, DuckDB lets no other process open it, so status reads a copy of
the file taken now (:func:`attention.commands.common.readable_store`) and says that a run is in
progress; if the copy cannot be read, it says since when the run has been going.
"""

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

from attention.commands.common import CONFIG_OPTION, EXIT_OK, handle_errors, load, readable_store
from attention.config import Config
from attention.daily.messages import root_cause
from attention.derive.rescore import stale_hint, stale_versions
from attention.errors import StoreError
from attention.panel.coverage import covered_fraction, watched_summary
from attention.scoring import scorer_for
from attention.store import Store
from attention.store.people import RunningWriter, running_writer


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("status")(status)


@handle_errors
def status(
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Show what the store holds (date ranges per source and theme) and the last run of each source."""
    cfg = load(config, store__path=str(store) if store else None)
    writer = running_writer(cfg.store.path)
    try:
        with readable_store(cfg.store.path, writer) as db:
            facts = gather_status(db, cfg)
    except StoreError:
        if writer is None:
            raise
        facts = {"store": str(cfg.store.path)}
    facts["run_in_progress"] = _writer_facts(writer)
    if writer is None:
        _no_run_is_running(facts.get("last_runs", []))
    if as_json:
        typer.echo(json.dumps(facts, indent=2, default=str))
    else:
        show_status(facts, Console())
    raise typer.Exit(EXIT_OK)


def gather_status(db: Store, cfg: Config) -> dict[str, Any]:
    """Everything `status` shows, as plain values (the --json output)."""
    lexicon = scorer_for(cfg).version
    return {
        "store": str(cfg.store.path),
        "schema_version": db.schema_version(),
        "tables": {t: db.count(t) for t in db.tables() if t != "schema_migrations"},
        "sources": _records(db.source_coverage()),
        "themes": _records(theme_watched(db.theme_coverage(), db.coverage_spans())),
        "last_runs": _records(db.last_run_of_each_source()),
        "lexicon_version": lexicon,
        "stale_scores": stale_versions(db, lexicon),
        "rescore_hint": stale_hint(db, lexicon),
        "coverage": _records(watched_summary(db.coverage_spans())),
        "data_flags": _records(db.data_flags()),
        "unpriced": unpriced_members(db.priced_tickers(), cfg),
        "theme_labels": {k: t.label for k, t in cfg.themes.items()},
    }


def unpriced_members(priced: set[str], cfg: Config) -> list[dict[str, Any]]:
    """Per theme, the proxy members with no stored price at all (what the report's data-quality
    section and the verdicts call "no data from prices of the proxy"); ``none_priced`` when no
    member of the basket has any price, so the theme has no return."""
    out = []
    for key, theme in cfg.themes.items():
        members = theme.proxy.members
        missing = [m for m in members if m not in priced]
        if missing:
            out.append(
                {"theme": key, "members": members, "unpriced": missing, "none_priced": missing == members}
            )
    return out


def _unpriced_lines(rows: list[dict[str, Any]], labels: dict[str, str]) -> list[str]:
    lines = []
    for row in rows:
        label, members = labels.get(row["theme"], row["theme"]), ", ".join(row["members"])
        if row["none_priced"]:
            lines.append(f"  {label}: no member of the proxy ({members}) has any price: no theme return")
        else:
            shown = ", ".join(row["unpriced"])
            lines.append(f"  {label}: no price at all for {shown} (of {members}): its return is the others'")
    return lines


def theme_watched(themes: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Per theme and source, ``watched``: the fraction (0..1) of the days from its first to its
    last item (whole UTC days) that the source was watched, from the coverage records; missing
    when the source recorded no coverage at all (an old store: unknown, not 0)."""
    themes = themes.copy()
    watched: list[float | None] = []
    for row in themes.itertuples():
        own = spans[spans["source"] == row.source]
        if own.empty:
            watched.append(None)
            continue
        start = pd.DatetimeIndex([pd.Timestamp(row.first)], tz="UTC")
        stop = pd.DatetimeIndex([pd.Timestamp(row.last) + pd.Timedelta(days=1)], tz="UTC")
        watched.append(round(float(covered_fraction(own, start, stop)[0]), 3))
    themes["watched"] = watched
    return themes


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    """A stored value as JSON-friendly text or number; a missing one is None, never 0."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        stamp = value.astimezone(dt.UTC) if value.tzinfo else value
        return stamp.date().isoformat() if stamp.time() == dt.time() else f"{stamp:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


# A source logged 'running' while no process holds the store: its run was killed (kill -9, a
# power loss) before it could say so; the next run marks it interrupted in the store too.
DIED = (
    "no run holds the store: the run was killed or crashed before this source finished; "
    "its committed batches are kept and the next run completes it"
)


def _no_run_is_running(last_runs: list[dict[str, Any]]) -> None:
    """Show such a source as interrupted at once, never as still running."""
    for row in last_runs:
        if row.get("status") == "running":
            row["status"], row["error"] = "interrupted", DIED


def _writer_facts(writer: RunningWriter | None) -> dict[str, str] | None:
    if writer is None:
        return None
    return {"holder": writer.holder, "since": f"{writer.since:%Y-%m-%d %H:%M:%S} UTC"}


def show_status(facts: dict[str, Any], console: Console) -> None:
    """The status as narrow tables: values wrap onto more lines, never get cut."""
    running = facts.get("run_in_progress")
    if running:
        console.print(f"a run is in progress since {running['since']} ({running['holder']})", style="yellow")
    if "schema_version" not in facts:
        console.print("the store cannot be read until it finishes; try again then", markup=False)
        return
    suffix = " (a copy taken now)" if running else ""
    console.print(f"store {facts['store']}, schema version {facts['schema_version']}{suffix}", markup=False)
    _table(
        console,
        "What is stored",
        ["source", "from", "to", "rows", "series"],
        facts["sources"],
        ["source", "first", "last", "rows", "series"],
    )
    _table(
        console,
        "Items per theme",
        ["theme", "source", "from", "to", "items", "watched"],
        [{**row, "watched": _share(row.get("watched"))} for row in facts["themes"]],
        ["theme", "source", "first", "last", "items", "watched"],
    )
    _table(
        console,
        "Last run of each source",
        ["source", "run date", "started (UTC)", "status", "records"],
        facts["last_runs"],
        ["source", "run_date", "started_at", "status", "records"],
    )
    for row in facts["last_runs"]:  # errors below the table, where they have the whole width
        if row.get("error"):
            console.print(
                f"{row['source']} {row['status']}: {root_cause(row['error'], row['source'])}", markup=False
            )
    _table(
        console,
        "What was watched (coverage)",
        ["source", "unit", "from", "to", "watched, of days", "by"],
        [
            {
                **row,
                "unit": f"{row['unit_kind']}\n{row['unit']}",  # two short lines fold less
                "first": _two_lines(row["first"]),
                "last": _two_lines(row["last"]),
                "days": watched_days(row["days"], row["between"]),
            }
            for row in facts.get("coverage", [])
        ],
        ["source", "unit", "first", "last", "days", "origins"],
    )
    _print_flags(console, facts.get("data_flags", []))
    unpriced = _unpriced_lines(facts.get("unpriced", []), facts.get("theme_labels", {}))
    if unpriced and not facts["tables"].get("prices"):
        console.print("prices: none stored yet, so no theme has a return", style="yellow")
    elif unpriced:
        console.print(f"prices: {len(unpriced)} theme(s) with proxy members never priced", style="yellow")
        for line in unpriced:
            console.print(line, style="yellow", markup=False)
    if facts.get("rescore_hint"):
        console.print(facts["rescore_hint"], style="yellow", markup=False)


def watched_days(days: float, between: float) -> str:
    """'100% of 8,212': the share of the days from first to last that were watched (the
    days themselves are in --json); a share under 100% never rounds up to it."""
    if between <= 0:
        return f"{days:,.1f}"
    share = min(days / between, 1.0)
    shown = "100%" if share >= 1 else f"{min(share * 100, 99.9):.3g}%"
    return f"{shown} of {between:,.0f}" if between >= 10 else f"{shown} of {between:.1f}"


def _share(value: float | None) -> str:
    """0.994 as '99.4%' (never rounded up to 100%); unknown as '?'."""
    if value is None:
        return "?"
    return "100%" if value >= 1 else f"{min(value * 100, 99.9):.3g}%"


def _two_lines(value: Any) -> Any:
    """'2024-06-22 17:46' as the date over the time: narrower, so other columns fold less."""
    return value.replace(" ", "\n", 1) if isinstance(value, str) else value


def _print_flags(console: Console, flags: list[dict[str, Any]]) -> None:
    """What the input checks flagged, one line each (they have the whole width)."""
    if not flags:
        console.print("data quality: no input check flagged anything")
        return
    console.print(f"data quality: {len(flags)} flag(s) from the input checks")
    for row in flags:
        span = f" ({row['first_date']} to {row['last_date']})" if row.get("first_date") else ""
        style = "red" if row["severity"] == "error" else "yellow"
        console.print(
            f"  {row['check_name']}: {row['subject']}: {row['detail']}{span}", style=style, markup=False
        )


def _table(
    console: Console, title: str, headers: list[str], rows: list[dict[str, Any]], keys: list[str]
) -> None:
    if not rows:
        console.print(f"{title}: none yet")
        return
    # no vertical rules: their columns of characters go to the values, which then fold less
    table = Table(title=title, title_justify="left", expand=False, box=box.SIMPLE_HEAD)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(key) is None else str(row[key]) for key in keys))
    console.print(table)
