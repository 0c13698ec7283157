"""`attention alerts`: what moved more than k standard deviations, for a person or a cron job.

Exit codes (README): 0 nothing moved, 5 at least one alert (so ``attention alerts || notify``
acts on it), 3 the webhook could not be reached (the alerts were still printed), 1 fatal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from attention.commands.common import (
    CONFIG_OPTION,
    EXIT_OK,
    EXIT_PARTIAL,
    handle_errors,
    load,
    parse_date,
    readable_store,
)
from attention.errors import AttentionError
from attention.rankings.alerts import METRICS, Alert, find_alerts, judgeable
from attention.rankings.load import alert_series
from attention.rankings.webhook import post_alerts

EXIT_ALERTS = 5


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("alerts")(alerts)


@handle_errors
def alerts(
    config: Path = CONFIG_OPTION,
    date: str = typer.Option(None, "--date", help="Day judged YYYY-MM-DD (default: the latest run date)."),
    k: float = typer.Option(
        None, "--k", min=0.5, help="Standard deviations a move must reach (default: alerts.k)."
    ),
    window: int = typer.Option(
        None, "--window", min=5, help="Trailing days compared with (default: alerts.window)."
    ),
    as_json: bool = typer.Option(False, "--json", help="The alerts as JSON on stdout."),
    webhook: bool = typer.Option(
        True, "--webhook/--no-webhook", help="POST the alerts to alerts.webhook_url if set."
    ),
    store: Path = typer.Option(None, "--store", help="Store path (overrides store.path)."),
) -> None:
    """List what moved more than k sd against its trailing window. Exit 5 when anything moved.

    Per theme: attention, sentiment, excess return, flows; per ticker: mentions per 24 h, daily return."""
    cfg = load(config, store__path=str(store) if store else None)
    settings = cfg.alerts
    k, window = k or settings.k, window or settings.window
    with readable_store(cfg.store.path) as db:  # during a run: a copy taken now
        series, day, mentions_end = alert_series(db, cfg, parse_date(date), window)
    min_obs = min(20, window)
    found = find_alerts(series, day, k=k, window=window, min_obs=min_obs)
    judged = judgeable(series, day, window, min_obs)
    if as_json:
        payload = {"as_of": day.isoformat(), "mentions_to": mentions_end.isoformat(), "k": k}
        payload |= {"window": window, "series": len(series), "judged": judged, "min_baseline": min_obs}
        typer.echo(json.dumps({**payload, "alerts": [a.as_dict() for a in found]}, indent=2))
    else:
        _show(found, day.isoformat(), k, window, (judged, len(series), min_obs))
        _mentions_note(found, mentions_end)
    code = EXIT_ALERTS if found else EXIT_OK
    if found and webhook and settings.webhook_url:
        try:
            line = post_alerts(
                settings.webhook_url,
                found,
                day.isoformat(),
                settings.webhook_timeout,
                settings.webhook_retries,
                mentions_to=mentions_end.isoformat(),
            )
            typer.echo(f"attention: {line}", err=True)
        except AttentionError as exc:
            typer.echo(f"attention: {exc}", err=True)
            code = EXIT_PARTIAL
    raise typer.Exit(code)


def _show(found: list[Alert], day: str, k: float, window: int, counts: tuple[int, int, int]) -> None:
    judged, total, min_obs = counts
    console = Console()
    could = (
        f"{judged} of {total} series could be judged (the others have fewer than {min_obs} observed "
        f"days in the last {window}, are flat or stopped more than 4 days before)"
    )
    if not found:
        console.print(f"nothing moved {k:g} sd or more on {day}; {could}", markup=False)
        return
    table = Table(title=f"Moves of {k:g} sd or more on {day}", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("what", "measure", "day", "z", "value", f"{window}-day mean"):
        table.add_column(
            header, overflow="fold", justify="left" if header in ("what", "measure", "day") else "right"
        )
    for alert in found:
        table.add_row(
            alert.subject,
            alert.metric,
            alert.date.isoformat(),
            f"{alert.z:+.1f}",
            f"{alert.value:.4g}",
            f"{alert.mean:.4g}",
        )
    console.print(table)
    for metric in sorted({a.metric for a in found}):
        console.print(f"{metric}: {METRICS[metric]}", markup=False, style="dim")
    console.print(could, markup=False, style="dim")


def _mentions_note(found: list[Alert], end: dt.datetime) -> None:
    """Where the mention periods end: the newest item, not midnight."""
    if any(a.metric == "mentions" for a in found):
        stamp = f"{end - dt.timedelta(seconds=1):%Y-%m-%d %H:%M} UTC"
        Console().print(
            f"mentions are counted in periods of 24 hours, the last ending at the newest item ({stamp}); "
            "a period not watched in full is left out, not counted as 0",
            markup=False,
            style="dim",
        )
