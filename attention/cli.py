"""The `attention` command: a thin typer shell over the library (DESIGN.md 4.10).

Commands live in ``attention/commands/*.py``; this module only builds the app, sets up logging
(to stderr) and registers them. Exit codes (the README's table): 0 ok, 1 fatal (bad config,
store unusable), 2 usage error, 3 partial (some sources failed, the rest stored), 4 nothing
could be collected (every source failed).
"""

from __future__ import annotations

import logging
import os

import typer

from attention import __version__
from attention.commands import register_all

app = typer.Typer(
    name="attention",
    help="Track market attention and sentiment for investment themes, and test whether "
    "attention and money feed each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import data files (fallbacks and history).", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"attention {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="More log output on stderr (-v info, -vv debug)."
    ),
) -> None:
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Dask's distributed sets up its own INFO logging when imported (in the backfills, and in
    # every worker process, which inherit the environment): quiet unless -v asked for it.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", logging.getLevelName(level).lower())
    # yfinance chatters about TLS impersonation; our own messages say what matters.
    logging.getLogger("yfinance").setLevel(logging.ERROR)


register_all(app, import_app)
