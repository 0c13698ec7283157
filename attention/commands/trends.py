"""`attention import trends-csv`: Google Trends website exports, the fallback when the API is
blocked."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, handle_errors, load
from attention.derive.checks import derive_checks
from attention.imports.trends_csv import import_trends_csv
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    import_app.command("trends-csv")(trends_csv)


@handle_errors
def trends_csv(
    file: Path = typer.Argument(
        ..., help="multiTimeline.csv from trends.google.com (Interest over time -> download)."
    ),
    term: str = typer.Option(
        None,
        "--term",
        help="Store the file's single series under this term (e.g. the exact theme search term).",
    ),
    geo: str = typer.Option(
        None,
        "--geo",
        help="Region code when the header's region is not recognised (e.g. GB); default: from the header.",
    ),
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Import a Google Trends CSV export as raw search interest and re-stitch the series."""
    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db:
        timeline, result = import_trends_csv(db, cfg, file, term=term, geo=geo)
        derive_checks(db, cfg)
        steps = db.data_flags()
    typer.echo(f"imported {timeline.summary()}")
    for flag in steps[steps["check_name"] == "step_series"].itertuples():
        typer.echo(f"warning: {flag.subject}: {flag.detail}", err=True)
    if timeline.geo != cfg.sources.google_trends.geo:
        typer.echo(
            f"note: stored, but not stitched: the file's region {timeline.geo or 'worldwide'!r} "
            f"is not sources.google_trends.geo {cfg.sources.google_trends.geo!r}",
            err=True,
        )
    elif timeline.request_id not in result.anchored:
        typer.echo(
            "note: this file shares no anchor term with the stored Google Trends data, so "
            "its values stay on their own scale (search_series method "
            "'stitch-v1:unanchored'); export it with an anchor term "
            f"({', '.join(cfg.sources.google_trends.anchor_terms[:2])}, ...) to tie it in",
            err=True,
        )
