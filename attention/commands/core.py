"""`attention run` and `attention status`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from attention.commands.common import CONFIG_OPTION, EXIT_OK, handle_errors, load, parse_date
from attention.daily.collect import run_pipeline
from attention.derive.rescore import stale_hint, stale_versions
from attention.errors import AttentionError
from attention.scoring import scorer_for
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)


@handle_errors
def run(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(None, "--date", help="Run date YYYY-MM-DD (default: today, UTC)."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Only these sources (repeatable)."),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Collect every enabled source, store, derive, and refresh outputs. Cron-friendly."""
    cfg = load(config, store__path=str(store) if store else None)
    run_date = parse_date(date)
    console = Console(stderr=True)
    with console.status("collecting") as spinner:
        report = run_pipeline(
            cfg,
            run_date=run_date,
            sources=source or None,
            progress=lambda name: spinner.update(f"collecting {name}"),
        )
    typer.echo(report.summary())
    for entry, outcome in report.derivations.items():
        if outcome.startswith("failed"):
            typer.echo(f"attention: derivation {entry} {outcome}", err=True)
    _refresh_outputs(cfg, report)
    _warn_stale_scores(cfg)
    raise typer.Exit(report.exit_code)


def _warn_stale_scores(cfg) -> None:
    """After an upgrade changes the lexicon version, say so until the store is re-scored."""
    try:
        with Store(cfg.store.path, read_only=True) as db:
            hint = stale_hint(db, scorer_for(cfg).version)
    except AttentionError:
        return  # a hint is not worth failing a run that succeeded (e.g. the store is busy)
    if hint:
        typer.echo(f"attention: {hint}", err=True)


def _cell(value: object) -> str:
    """A run-log value as table text; a missing one (None, or NaN in a float column) is blank."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a count in a column that also holds NULLs
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # run dates come back as midnight timestamps
    return str(value)


def _refresh_outputs(cfg, report) -> None:
    """Analysis and report refresh after a run (when those features are installed)."""
    from attention.daily import steps as post_run

    for line in post_run.run_steps(cfg, report):
        typer.echo(line, err=True)


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
