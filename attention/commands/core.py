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
from attention.daily.flow import run_daily
from attention.derive.rescore import stale_hint, stale_versions
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
    """Collect every enabled source, store, derive, analyze and refresh outputs. Cron-friendly."""
    cfg = load(config, store__path=str(store) if store else None)
    run_date = parse_date(date)
    console = Console(stderr=True)
    with console.status("collecting") as spinner:

        def collecting(name: str) -> None:
            spinner.update(f"collecting {name}")

        def stepping(line: str) -> None:
            spinner.update(line.split(":", 1)[0])

        result = run_daily(
            cfg, run_date=run_date, sources=source or None, progress=collecting, on_step=stepping
        )
    typer.echo(result.run.summary())
    for entry, outcome in result.run.derivations.items():
        if outcome.startswith("failed"):
            typer.echo(f"attention: derivation {entry} {outcome}", err=True)
    for line in [*result.lines, *(f"attention: {hint}" for hint in result.hints)]:
        typer.echo(line, err=True)
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
        flags = db.data_flags()
        coverage = _watched(db.coverage_spans()) if "coverage" in db.tables() else pd.DataFrame()
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
                    "data_flags": json.loads(flags.to_json(orient="records", date_format="iso")),
                    "coverage": json.loads(coverage.to_json(orient="records", date_format="iso")),
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
    _print_quality(console, flags, coverage)
    if hint:
        console.print(hint, style="yellow", markup=False)


def _print_quality(console: Console, flags: pd.DataFrame, coverage: pd.DataFrame) -> None:
    """What was watched (coverage per source and unit) and what the input checks flagged."""
    if not coverage.empty:
        watched = Table("source", "unit", "first", "last", "days watched/between", "spans", "by")
        for row in coverage.itertuples():
            watched.add_row(
                row.source,
                f"{row.unit_kind} {row.unit}",
                _cell(row.first)[:16],
                _cell(row.last)[:16],
                f"{row.days:.1f}/{row.between:.1f}",
                str(row.spans),
                row.origins,
            )
        console.print(watched)
    if flags.empty:
        console.print("data quality: no input check flagged anything")
        return
    console.print(f"data quality: {len(flags)} flag(s) from the input checks")
    for row in flags.itertuples():
        span = f" ({row.first_date} to {row.last_date})" if not pd.isna(row.first_date) else ""
        style = "red" if row.severity == "error" else "yellow"
        console.print(f"  {row.check_name}: {row.subject}: {row.detail}{span}", style=style, markup=False)


def _watched(spans: pd.DataFrame) -> pd.DataFrame:
    """Per source and unit: first and last instant watched, the days inside the spans (their
    union) and between first and last: a gap between two imports shows as the difference."""
    from attention.panel.coverage import union_spans

    rows = []
    for (source, kind, unit), group in spans.groupby(["source", "unit_kind", "unit"], sort=True):
        merged = union_spans(group)
        first, last = merged[0][0], merged[-1][1]
        rows.append(
            {
                "source": source,
                "unit_kind": kind,
                "unit": unit,
                "first": first,
                "last": last,
                "days": sum((b - a).total_seconds() for a, b in merged) / 86400,
                "between": (last - first).total_seconds() / 86400,
                "spans": len(group),
                "origins": ", ".join(sorted(set(group["origin"]))),
            }
        )
    return pd.DataFrame(rows)
