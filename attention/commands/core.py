"""`attention run` and `attention status`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from attention.commands.common import (
    CONFIG_OPTION,
    EXIT_NOTHING,
    EXIT_OK,
    choices,
    handle_errors,
    load,
    parse_date,
)
from attention.commands.progress import RunProgress
from attention.daily.flow import run_daily
from attention.derive.rescore import stale_hint, stale_versions
from attention.scoring import scorer_for
from attention.store import Store
from collectors import REGISTRY


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)


@handle_errors
def run(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(None, "--date", help="Run date YYYY-MM-DD (default: today, UTC)."),
    source: list[str] = typer.Option(
        None,
        "--source",
        "-s",
        help="Only these sources (repeatable).",
        callback=choices(REGISTRY),
    ),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Collect every enabled source, store, derive, analyze and refresh outputs. Cron-friendly."""
    cfg = load(config, store__path=str(store) if store else None)
    run_date = parse_date(date)
    progress = RunProgress()
    result = run_daily(
        cfg,
        run_date=run_date,
        sources=source or None,
        progress=progress.started,
        finished=progress.finished,
        on_step=progress.step,
    )
    typer.echo(result.run.summary())
    for entry, outcome in result.run.derivations.items():
        if outcome.startswith("failed"):
            typer.echo(f"attention: derivation {entry} {outcome}", err=True)
    for hint in result.hints:
        typer.echo(f"attention: {hint}", err=True)
    if result.run.nothing_collected:
        typer.echo(
            "attention: nothing could be collected: every source failed (see the lines above); "
            f"exit {EXIT_NOTHING}",
            err=True,
        )
    raise typer.Exit(result.exit_code)


def _cell(value: object) -> str:
    """A run-log value as table text; a missing one (None, or NaN in a float column) is blank."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a count in a column that also holds NULLs
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # run dates come back as midnight timestamps
    return str(value)


@handle_errors
def status(
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Show what the store holds and the last runs."""
    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path, read_only=True) as db:
        counts = {t: db.count(t) for t in db.tables() if t != "schema_migrations"}
        runs = db.last_runs(15)
        version = db.schema_version()
        lexicon = scorer_for(cfg).version
        stale = stale_versions(db, lexicon)
        hint = stale_hint(db, lexicon)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "store": str(cfg.store.path),
                    "schema_version": version,
                    "tables": counts,
                    "lexicon_version": lexicon,
                    "stale_scores": stale,
                    "rescore_hint": hint,
                    "runs": json.loads(runs.to_json(orient="records", date_format="iso")),
                },
                indent=2,
            )
        )
        raise typer.Exit(EXIT_OK)
    console = Console()
    console.print(f"store {cfg.store.path} (schema version {version})")
    table = Table("table", "rows")
    for name, n in counts.items():
        table.add_row(name, str(n))
    console.print(table)
    recent = Table("run", "source", "date", "status", "records", "requests", "mode", "error")
    for row in runs.itertuples():
        recent.add_row(
            *(
                _cell(v)
                for v in (
                    row.run_id,
                    row.source,
                    row.run_date,
                    row.status,
                    row.records,
                    row.requests,
                    row.mode,
                )
            ),
            _cell(row.error)[:80],
        )
    console.print(recent)
    if hint:
        console.print(hint, style="yellow", markup=False)
