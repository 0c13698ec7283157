"""`attention run` (`attention status` is in :mod:`attention.commands.status`)."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import typer

from attention.commands.common import (
    CONFIG_OPTION,
    EXIT_NOTHING,
    choices,
    handle_errors,
    load,
    parse_date,
)
from attention.commands.progress import RunProgress
from attention.daily.flow import run_daily
from collectors import REGISTRY


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("run")(run)


def _stop_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (systemd, docker stop, kill) stops a run the way Ctrl-C does: the run log marks
    the source in progress 'interrupted' and the exit code is 130."""
    raise KeyboardInterrupt


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
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
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
        raise typer.Exit(EXIT_NOTHING)
    raise typer.Exit(result.exit_code)
