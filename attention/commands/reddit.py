"""`attention import reddit-dump`: Reddit history from Pushshift / Arctic Shift dump files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from attention.commands.common import CONFIG_OPTION, EXIT_PARTIAL, handle_errors, load, stderr_is_tty
from attention.imports.reddit_dump import DumpImportResult, import_dumps, store_author_policy
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    import_app.command("reddit-dump")(reddit_dump)


@handle_errors
def reddit_dump(
    files: list[Path] = typer.Argument(
        ...,
        help="Dump files: NDJSON submissions/comments, plain or .zst (e.g. RS_2024-01.zst, RC_2024-01.zst).",
    ),
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
    batch_size: int = typer.Option(5000, "--batch-size", min=1, help="Kept items per write transaction."),
) -> None:
    """Import the posts and comments of configured subreddits that match a theme.

    Streams the files (any size, bounded memory); an interrupted import resumes where it
    stopped when run again with the same files.
    """
    cfg = load(config, store__path=str(store) if store else None)
    authors = store_author_policy(cfg)
    with Store(cfg.store.path) as db, _bar(files) as (bar, task):

        def show(result: DumpImportResult) -> None:
            bar.update(
                task, completed=result.bytes, description=f"{result.lines:,} lines, {result.kept:,} kept"
            )

        result = import_dumps(files, cfg, db, authors=authors, batch_size=batch_size, progress=show)
    typer.echo(f"imported {result.summary()}")
    if result.bad_lines:
        raise typer.Exit(EXIT_PARTIAL)


@contextmanager
def _bar(files: list[Path]) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar on stderr (a terminal only): against the files' sizes when they are plain
    NDJSON; for compressed dumps the decompressed size is unknown, so it counts instead."""
    plain = all(f.suffix not in (".zst", ".zstd") for f in files)
    total = sum(f.stat().st_size for f in files if f.is_file()) if plain else None
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    if total:
        columns.insert(3, TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, console=Console(stderr=True), disable=not stderr_is_tty()) as bar:
        yield bar, bar.add_task("reading", total=total)
