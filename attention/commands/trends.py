"""`attention import trends-csv`: Google Trends website exports, the fallback when the API is
blocked."""

from __future__ import annotations

from pathlib import Path

import typer

from attention.commands.common import CONFIG_OPTION, choices, handle_errors, load
from attention.derive.checks import derive_checks
from attention.imports.trends_csv import import_trends_file
from attention.store import Store


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    import_app.command("trends-csv")(trends_csv)


@handle_errors
def trends_csv(
    file: Path = typer.Argument(
        ...,
        help="multiTimeline.csv from trends.google.com (any vintage or language), or a plain "
        "date,value / date,term1,term2,... CSV.",
    ),
    term: str = typer.Option(
        None,
        "--term",
        help="Store the file's single series under this term (e.g. the exact theme search term).",
    ),
    geo: str = typer.Option(
        None,
        "--geo",
        help="Region code when the file does not say it (e.g. GB; '' for worldwide); default: from the file.",
    ),
    week_label: str = typer.Option(
        None,
        "--week-label",
        callback=choices(("start", "end")),
        help="Weekly dates that are not Sundays: each is the week's 'start' or 'end'.",
    ),
    payload_size: int = typer.Option(
        5, "--payload-size", min=1, max=5, help="Terms per request in a file holding several payloads."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """Import a Google Trends CSV export as raw search interest and re-stitch the series."""
    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as db:
        timelines, result, summary = import_trends_file(
            db, cfg, file, term=term, geo=geo, week_label=week_label, payload_size=payload_size
        )
        derive_checks(db, cfg)
        steps = db.data_flags()
    typer.echo(summary.line())
    for flag in steps[steps["check_name"] == "step_series"].itertuples():
        typer.echo(f"warning: {flag.subject}: {flag.detail}", err=True)
    for note in summary.notes:
        typer.echo(f"  note: {note}", err=True)
    for timeline in timelines:
        typer.echo(f"imported {timeline.summary()}")
        if timeline.geo != cfg.sources.google_trends.geo:
            typer.echo(
                f"  note: stored, but not stitched: the file's region {timeline.geo or 'worldwide'!r} "
                f"is not sources.google_trends.geo {cfg.sources.google_trends.geo!r}",
                err=True,
            )
        elif timeline.request_id not in result.anchored:
            typer.echo(
                "  note: stored unstitched: this payload shares no anchor term with the stored Google "
                "Trends data, so its values stay on their own scale (search_series method "
                "'stitch-v1:unanchored'); export it with an anchor term "
                f"({', '.join(cfg.sources.google_trends.anchor_terms[:2])}, ...) to tie it in",
                err=True,
            )
