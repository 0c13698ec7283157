"""`attention import prices|shares|series|reddit-csv`: data the user already holds, in files."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, choices, handle_errors, load, stderr_is_tty, time_zone
from attention.imports.external_series import KINDS
from attention.imports.tabular import ImportSummary
from attention.store import Store

STORE_OPTION = typer.Option(None, "--store", help="Store path (overrides store.path).")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    import_app.command("prices")(prices)
    import_app.command("shares")(shares)
    import_app.command("reddit-csv")(reddit_csv)
    import_app.command("series")(series)


@contextlib.contextmanager
def row_progress(what: str = "rows") -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (only on a terminal) fed ``(done, total)``."""
    if not stderr_is_tty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def echo_summaries(summaries: list[ImportSummary]) -> None:
    """One line per file on stdout; notes (layout, flags, warnings) on stderr."""
    for summary in summaries:
        typer.echo(summary.line())
        for note in summary.notes:
            typer.echo(f"  note: {note}", err=True)


@handle_errors
def prices(
    files: list[Path] = typer.Argument(
        ..., help="Daily price CSVs: Yahoo/yfinance, Stooq, Alpha Vantage or date,close[,volume]."
    ),
    ticker: str = typer.Option(None, "--ticker", help="The ticker of the file when the file does not say."),
    allow_weekly: bool = typer.Option(
        False, "--allow-weekly", help="Store weekly or monthly bars as they are (default: refuse)."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
) -> None:
    """Import daily prices; every row is checked first and nothing is written if one is bad."""
    from attention.derive.checks import derive_checks
    from attention.imports.prices import import_prices

    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db, row_progress("files") as progress:
        summaries = import_prices(
            db,
            files,
            ticker=ticker,
            allow_weekly=allow_weekly,
            progress=progress,
            stale_after=cfg.sources.flows.stale_after_days,
        )
        derive_checks(db, cfg)  # the flags (frozen closes, missing sessions, ...) status shows
    echo_summaries(summaries)


@handle_errors
def shares(
    files: list[Path] = typer.Argument(..., help="CSV files with date, shares outstanding [and ticker]."),
    ticker: str = typer.Option(
        None, "--ticker", help="The ETF of the files when they have no ticker column."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
) -> None:
    """Import shares-outstanding histories and derive flows exactly as for collected shares."""
    from attention.imports.shares_csv import import_shares

    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db:
        summaries, flows = import_shares(db, cfg, files, ticker=ticker)
    echo_summaries(summaries)
    typer.echo(f"flows derived from all stored shares outstanding: {flows:,} new rows")


@handle_errors
def reddit_csv(
    files: list[Path] = typer.Argument(
        ..., help="Reddit post CSVs: the Kaggle WSB layout or a praw-style CSV."
    ),
    subreddit: str = typer.Option(
        None, "--subreddit", help="Subreddit of rows with no subreddit column and no /r/ URL."
    ),
    timezone: str = typer.Option(
        "UTC",
        "--timezone",
        callback=time_zone,
        help="Zone of date-times written without one (epoch times are UTC).",
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
) -> None:
    """Import Reddit posts from CSV; rows without an id or time are rejected and counted."""
    from attention.imports.reddit_csv import import_reddit_csv

    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db, row_progress() as progress:
        summaries = import_reddit_csv(
            db, cfg, files, subreddit=subreddit, timezone=timezone, progress=progress
        )
    echo_summaries(summaries)


@handle_errors
def series(
    file: Path = typer.Argument(..., help="A CSV with a date column and a numeric column."),
    name: str = typer.Option(..., "--name", help="The series name (lower-case; panel column ext_NAME)."),
    kind: str = typer.Option(
        ..., "--kind", callback=choices(KINDS), help="What it measures: attention, sentiment or volume."
    ),
    column: str = typer.Option(None, "--column", help="The value column when the file has several."),
    price_derived: bool = typer.Option(
        False, "--price-derived", help="The series is computed from prices (e.g. fear & greed)."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
) -> None:
    """Import any dated series; map it to themes with external_series in config.yaml."""
    from attention.imports.external_series import import_series

    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db:
        summary = import_series(db, file, name, kind, column=column, price_derived=price_derived)
    echo_summaries([summary])
    if not any(name in theme.external_series for theme in cfg.themes.values()):
        hint = f"external_series: [{name}]"
        typer.echo(f"  note: to use it in panels, add to a theme in config.yaml: {hint}", err=True)
