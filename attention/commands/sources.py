"""`attention sources check`: is each enabled source reachable from here, and if not, why and
what to do (one request per source, never retried)."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, EXIT_PARTIAL, choices, handle_errors, load
from attention.config import Secrets
from attention.daily.sources_check import CheckResult, check_sources
from collectors import REGISTRY

sources_app = typer.Typer(help="Check the data sources.", no_args_is_help=True)


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    sources_app.command("check")(check)


@handle_errors
def check(
    config: Path = CONFIG_OPTION,
    source: list[str] = typer.Option(
        None, "--source", "-s", callback=choices(REGISTRY), help="Only these sources (repeatable)."
    ),
) -> None:
    """One cheap request per enabled source: reachable, blocked, needs credentials, DNS or TLS failure."""
    cfg = load(config)
    results = check_sources(cfg, Secrets.from_env(), only=source or None)
    typer.echo(render(results))
    for name in dict.fromkeys(source or []):
        if not any(r.source == name for r in results):
            typer.echo(
                f"attention: {name}: not checked, it is off in the config (sources.{name}.enabled)", err=True
            )
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
