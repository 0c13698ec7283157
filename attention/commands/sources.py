"""`attention sources check`: is each enabled source reachable from here, and if not, why and
what to do (one request per source, never retried)."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, EXIT_PARTIAL, handle_errors, load
from attention.config import Secrets
from attention.daily.sources_check import CheckResult, check_sources

sources_app = typer.Typer(help="Check the data sources.", no_args_is_help=True)


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    sources_app.command("check")(check)


@handle_errors
def check(
    config: Path = CONFIG_OPTION,
    source: list[str] = typer.Option(None, "--source", "-s", help="Only these sources (repeatable)."),
) -> None:
    """One cheap request per enabled source: reachable, blocked, needs credentials, DNS or TLS failure."""
    cfg = load(config)
    results = check_sources(cfg, Secrets.from_env(), only=source or None)
    typer.echo(render(results))
    if any(not r.ok for r in results):
        raise typer.Exit(EXIT_PARTIAL)


def render(results: list[CheckResult]) -> str:
    """A plain table, one line per probe: source, status, detail, next step, endpoint."""
    rows = [("source", "status", "detail", "next step", "endpoint")]
    rows += [(r.source, r.status, r.detail, r.next_step, r.endpoint) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
