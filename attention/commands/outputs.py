"""`attention export`, `attention report` and `attention demo`: thin shells over
:mod:`attention.report` and :mod:`attention.demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, choices, handle_errors, load, out_folder, parse_date
from attention.demo import DEFAULT_DAYS, DEFAULT_OUT, DEFAULT_SEED, MIN_DAYS

STORE_OPTION = typer.Option(None, "--store", help="Store path (overrides store.path).")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("report")(report)
    app.command("demo")(demo)


@handle_errors
def export(
    config: Path = CONFIG_OPTION,
    out: Path = typer.Option(None, "--out", help="Folder for the files (default: outputs.export_dir)."),
    fmt: str = typer.Option(
        None,
        "--format",
        help="csv or parquet (default: outputs.export_format).",
        callback=choices(("csv", "parquet")),
    ),
    include_authors: bool = typer.Option(
        False,
        "--include-authors",
        help="Also export the stored author values (hashed unless raw names were opted in).",
    ),
    store: Path = STORE_OPTION,
) -> None:
    """Write tidy tables (items, search interest, prices, flows, panel, results) as CSV/Parquet."""
    from attention.report.export import export_all
    from attention.report.tables import ExportOptions

    cfg = load(config, store__path=str(store) if store else None)
    result = export_all(cfg, out_folder(out), fmt, ExportOptions(include_authors=include_authors))
    for name, path in result.files.items():
        typer.echo(f"{path}\t{result.rows[name]} rows")
    typer.echo(result.summary(), err=True)


@handle_errors
def report(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(None, "--date", help="Report date YYYY-MM-DD (default: the latest run date)."),
    out: Path = typer.Option(
        None, "--out", help="Folder for the report and charts (default: outputs.report_dir)."
    ),
    store: Path = STORE_OPTION,
) -> None:
    """Write the self-contained HTML report (charts embedded) for one date."""
    from attention.daily.outputs import write_report

    cfg = load(config, store__path=str(store) if store else None)
    result = write_report(cfg, as_of=parse_date(date), out_dir=out_folder(out))
    for chart in result.charts:
        if not chart.drawn:
            typer.echo(f"attention: chart {chart.name} skipped: {chart.skipped}", err=True)
    typer.echo(str(result.path))


def _enough_days(days: int) -> int:
    if days < MIN_DAYS:
        raise typer.BadParameter(f"{days}: the demo needs at least {MIN_DAYS} days of history")
    return days


@handle_errors
def demo(
    out: Path = typer.Option(
        DEFAULT_OUT, "--out", help="Folder for the demo's store, exports, charts and report."
    ),
    days: int = typer.Option(
        DEFAULT_DAYS,
        "--days",
        help=f"Days of simulated history (at least {MIN_DAYS}).",
        callback=_enough_days,
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the simulated world."),
    end: str = typer.Option(
        None, "--end", help="Last day of the simulated world YYYY-MM-DD (default: yesterday, UTC)."
    ),
    history: bool = typer.Option(
        True,
        "--history/--no-history",
        help="Import the Reddit and news history before the replicas' recent windows from "
        "simulated files (the default), so every source covers the whole span.",
    ),
) -> None:
    """Run everything offline on a simulated world served by local replicas of every source."""
    from attention import demo as demo_lib

    result = demo_lib.run_demo(
        out,
        days=days,
        seed=seed,
        end=parse_date(end, "--end"),
        progress=lambda message: typer.echo(f"demo: {message}", err=True),
        history=history,
    )
    typer.echo(result.summary())
    if result.report is not None:
        typer.echo(f"open {result.report.path}")
