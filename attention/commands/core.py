"""`attention run` and `attention status`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from attention.commands.common import CONFIG_OPTION, EXIT_OK, handle_errors, load, parse_date
from attention.pipeline import run_pipeline
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)


@handle_errors
def run(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(None, "--date", help="Run date YYYY-MM-DD (default: today, UTC)."),
    source: list[str] = typer.Option(None, "--source", "-s",
                                     help="Only these sources (repeatable)."),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Collect every enabled source, store, derive, and refresh outputs. Cron-friendly."""
    cfg = load(config, store__path=str(store) if store else None)
    run_date = parse_date(date)
    console = Console(stderr=True)
    with console.status("collecting") as spinner:
        report = run_pipeline(cfg, run_date=run_date, sources=source or None,
                              progress=lambda name: spinner.update(f"collecting {name}"))
    typer.echo(report.summary())
    for entry, outcome in report.derivations.items():
        if outcome.startswith("failed"):
            typer.echo(f"attention: derivation {entry} {outcome}", err=True)
    _refresh_outputs(cfg, report)
    raise typer.Exit(report.exit_code)


def _refresh_outputs(cfg, report) -> None:
    """Analysis and report refresh after a run (when those features are installed)."""
    from attention import post_run

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
    if as_json:
        typer.echo(json.dumps({"store": str(cfg.store.path), "schema_version": version,
                               "tables": counts,
                               "runs": json.loads(runs.to_json(orient="records", date_format="iso"))},
                              indent=2))
        raise typer.Exit(EXIT_OK)
    console = Console()
    console.print(f"store {cfg.store.path} (schema version {version})")
    table = Table("table", "rows")
    for name, n in counts.items():
        table.add_row(name, str(n))
    console.print(table)
    recent = Table("run", "source", "date", "status", "records", "requests", "mode", "error")
    for row in runs.itertuples():
        recent.add_row(row.run_id, row.source, str(row.run_date), row.status, str(row.records),
                       str(row.requests), row.mode or "", (row.error or "")[:80])
    console.print(recent)
