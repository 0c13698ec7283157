"""`attention import reddit-dump`: Reddit history from Pushshift / Arctic Shift dump files."""

from __future__ import annotations

from pathlib import Path

import typer

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
    show = _progress if stderr_is_tty() else None
    with Store(cfg.store.path) as db:
        result = import_dumps(files, cfg, db, authors=authors, batch_size=batch_size, progress=show)
    if show:
        typer.echo("", err=True)
    typer.echo(f"imported {result.summary()}")
    if result.bad_lines:
        raise typer.Exit(EXIT_PARTIAL)


def _progress(result: DumpImportResult) -> None:
    typer.echo(f"\r{result.lines:,} lines, {result.kept:,} kept", err=True, nl=False)
