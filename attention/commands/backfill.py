"""`attention backfill reddit-dump|news-archive`: large archives imported in parallel with Dask."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from attention.backfill.client import BackfillResult
from attention.backfill.partitions import Partition
from attention.commands.common import (
    CONFIG_OPTION,
    EXIT_OK,
    EXIT_PARTIAL,
    fail,
    handle_errors,
    load,
    stderr_is_tty,
)
from attention.imports.reddit_dump import store_author_policy
from attention.store import Store

backfill_app = typer.Typer(
    help="Import large archives in parallel on Dask (local or a cluster).", no_args_is_help=True
)

SCHEDULER = typer.Option(
    None,
    "--scheduler",
    help="Address of a running Dask scheduler (tcp://host:8786). Default: a local cluster on this machine.",
)
WORKERS = typer.Option(
    None,
    "--workers",
    "-w",
    min=1,
    help="Worker processes of the local cluster (default: one per core). Ignored with --scheduler.",
)
# What a line needs, said when no line of an archive could be read.
EXPECTED = {
    "news": "each row needs a headline (title, headline) and a time (published, pubDate, date, dt, "
    "seendate, ...); name other columns of a CSV with --title-column and --time-column",
    "reddit": "each line must be a Reddit JSON object with an id and created_utc",
}
STORE = typer.Option(None, "--store", help="Store path (overrides store.path).")
PARTITION_MB = typer.Option(
    64,
    "--partition-mb",
    min=1,
    help="Partition size in MiB of text "
    "(decompressed); smaller partitions balance better, larger ones "
    "cost less overhead.",
)
RETRIES = typer.Option(2, "--retries", min=0, help="Retries of a failed partition.")
MEMORY = typer.Option("2GiB", "--memory-limit", help="Memory limit per local worker.")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    backfill_app.command("reddit-dump")(reddit_dump)
    backfill_app.command("news-archive")(news_archive)
    app.add_typer(backfill_app, name="backfill")


@handle_errors
def reddit_dump(
    files: list[Path] = typer.Argument(
        ..., help="Dump files: NDJSON submissions/comments, plain or .zst (single- or multi-frame)."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE,
    scheduler: str = SCHEDULER,
    workers: int = WORKERS,
    partition_mb: int = PARTITION_MB,
    retries: int = RETRIES,
    memory_limit: str = MEMORY,
) -> None:
    """Like `attention import reddit-dump`, in parallel: same rows, plus theme_daily.

    Re-running after an interruption skips the partitions already stored.
    """
    _run(files, "reddit", config, store, scheduler, workers, partition_mb, retries, memory_limit)


@handle_errors
def news_archive(
    files: list[Path] = typer.Argument(
        ...,
        help="News archives: NDJSON (plain or .zst) or CSV "
        "with title, summary, link, published, outlet/feed.",
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE,
    scheduler: str = SCHEDULER,
    workers: int = WORKERS,
    partition_mb: int = PARTITION_MB,
    retries: int = RETRIES,
    memory_limit: str = MEMORY,
    title_column: str = typer.Option(
        None, "--title-column", help="CSV column holding the headline (default: title, headline)."
    ),
    time_column: str = typer.Option(
        None,
        "--time-column",
        help="CSV column holding the time (default: published, pubDate, date, dt, ...).",
    ),
) -> None:
    """Import archived headlines that match a theme, scored like collected news."""
    columns = {"title": title_column, "published": time_column}
    _run(files, "news", config, store, scheduler, workers, partition_mb, retries, memory_limit, columns)


def _run(
    files: list[Path],
    source: str,
    config: Path | None,
    store: Path | None,
    scheduler: str | None,
    workers: int | None,
    partition_mb: int,
    retries: int,
    memory_limit: str,
    columns: dict[str, str] | None = None,
) -> None:
    from attention.backfill.client import backfill, check_files
    from attention.backfill.cluster import dashboard_link, dask_client

    check_files(files)  # before starting a cluster
    cfg = load(config, store__path=str(store) if store else None)
    authors = store_author_policy(cfg)
    console = Console(stderr=True)
    total = sum(f.stat().st_size for f in files if f.is_file())
    with (
        Store(cfg.store.path) as db,
        dask_client(scheduler, workers, memory_limit) as client,
        _bar(console, total) as bar,
    ):
        link = dashboard_link(client)
        if link and stderr_is_tty():  # with the progress bar; in a log (cron) only with -v
            console.print(f"Dask dashboard: {link}")
        elif link:
            logging.getLogger(__name__).info("Dask dashboard: %s", link)
        task = bar.add_task("backfill", total=total or None)

        def progress(result: BackfillResult, part: Partition) -> None:
            if part.kind != "stream":  # a stream partition's size is in decompressed bytes
                bar.advance(task, part.size)
            bar.update(task, description=f"{result.lines:,} lines, {result.kept:,} kept")

        result = backfill(
            files,
            cfg,
            db,
            source=source,
            client=client,
            partition_bytes=partition_mb * 2**20,
            retries=retries,
            authors=authors,
            progress=progress,
            columns=columns,
        )
        bar.update(task, completed=total if result.ok else bar.tasks[0].completed)
    typer.echo(f"backfilled {result.summary()}")
    for error in result.errors:
        typer.echo(f"attention: partition failed: {error}", err=True)
    if result.lines and not result.in_scope:
        raise fail(
            f"no line of the {source} archive could be read ({result.bad_lines:,} malformed); "
            + EXPECTED[source]
        )
    raise typer.Exit(EXIT_OK if result.ok and not result.bad_lines else EXIT_PARTIAL)


def _bar(console: Console, total: int) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        disable=not stderr_is_tty(),
        transient=False,
    )
