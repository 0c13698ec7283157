"""`attention rescore`: bring stored items to the current sentiment lexicon (and themes)."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, EXIT_OK, handle_errors, load, stderr_is_tty
from attention.derive.rescore import BATCH_SIZE, RescoreResult, rescore
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("rescore")(rescore_command)


@handle_errors
def rescore_command(
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
    themes: bool = typer.Option(
        False,
        "--themes",
        help="Also re-match every item against the themes in config (after adding or editing a theme).",
    ),
    everything: bool = typer.Option(
        False,
        "--all",
        help="Re-score items already on the current "
        "lexicon version too (after editing a custom lexicon file).",
    ),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=100, help="Items per transaction."),
) -> None:
    """Re-score stored items whose lexicon version differs from the one in use.

    Stored scores keep the version that produced them; after an upgrade bumps the finance
    lexicon, or the config switches lexicon, old and new scores would mix in one series.
    Resumable: an interrupted rescore continues with the items still stale.
    """
    cfg = load(config, store__path=str(store) if store else None)
    show = stderr_is_tty()
    with Store(cfg.store.path) as db:
        result = rescore(
            db,
            cfg,
            themes=themes,
            everything=everything,
            batch_size=batch_size,
            progress=_progress if show else None,
        )
    if show and result.batches:
        typer.echo("", err=True)  # end the progress line
    typer.echo(result.summary())
    if result.rescored or result.themes_changed:
        typer.echo(
            "attention: analysis, exports and the report use the new scores from the "
            "next `attention run` (or now: `attention analyze` then `attention report`)",
            err=True,
        )
    raise typer.Exit(EXIT_OK)


def _progress(result: RescoreResult) -> None:
    typer.echo(f"\r{result.examined:,} items examined, {result.rescored:,} re-scored", err=True, nl=False)
