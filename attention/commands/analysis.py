"""`attention analyze`, `attention context`, `attention backtest preis` and
`attention import flows-csv`: thin shells over :mod:`attention.analysis`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from attention.analysis.preis import WEEK_LABELS
from attention.commands.common import CONFIG_OPTION, choices, handle_errors, load, parse_date

JSON_OPTION = typer.Option(False, "--json", help="Machine-readable output on stdout.")
STORE_OPTION = typer.Option(None, "--store", help="Store path (overrides store.path).")


def register(app: typer.Typer, import_app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("context")(context)
    backtest_app = typer.Typer(help="Backtests of attention trading rules.", no_args_is_help=True)
    backtest_app.command("preis")(preis)
    app.add_typer(backtest_app, name="backtest")
    import_app.command("flows-csv")(import_flows_csv)


@handle_errors
def analyze(config: Path = CONFIG_OPTION, store: Path = STORE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Feedback-loop tests, event studies and market context for every theme; saves results."""
    from attention.analysis.wording import asof_sentence
    from attention.daily.outputs import analyze_store
    from attention.store import Store

    cfg = load(config, store__path=str(store) if store else None)
    with Store(cfg.store.path) as opened:
        results = analyze_store(opened, cfg, persist=True)
    if as_json:
        typer.echo(json.dumps(results.to_dict(), indent=2))
        return
    for line in results.verdicts():
        typer.echo(line)
    for theme in results.themes.values():  # what to fix first: missing prices, price-derived attention
        for note in theme.notes:
            if note.startswith(("warning:", "no prices")):
                typer.echo(f"attention: {theme.label}: {note}", err=True)
        if theme.span is not None and theme.span.stale and theme.span.data_as_of is not None:
            typer.echo(f"attention: {theme.label}: {asof_sentence(theme.span)}", err=True)


@handle_errors
def context(
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
    asof: str = typer.Option(
        None, "--asof", help="As-of date YYYY-MM-DD (default: the last stored session)."
    ),
    window: str = typer.Option(
        "01-01:01-31",
        "--window",
        help="Seasonal calendar window MM-DD:MM-DD (a start after the end wraps into the next "
        "year, e.g. 12-16:01-15).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Market context per theme (YTD, beat streak, RSI, 3-month vs other, a seasonal window)."""
    from attention.analysis.context import parse_window
    from attention.analysis.errors import AnalysisInputError
    from attention.analysis.run import context_all
    from attention.panel.build import load_inputs
    from attention.store import Store

    cfg = load(config, store__path=str(store) if store else None)
    when = parse_date(asof, "--asof")
    try:
        seasonal = parse_window(window)
    except AnalysisInputError as exc:
        raise typer.BadParameter(f"--{exc}") from None  # a usage error (exit 2), like --asof
    with Store(cfg.store.path, read_only=True) as opened:
        inputs = load_inputs(opened, cfg)
    contexts = context_all(inputs, cfg, when, seasonal)
    if as_json:
        from attention.analysis.run import plain

        # one object per theme: its context (null when it could not be computed) and why not
        shown = {k: {"context": plain(ctx), "notes": list(notes)} for k, (ctx, notes) in contexts.items()}
        typer.echo(json.dumps(shown, indent=2))
        return
    for key, (ctx, notes) in contexts.items():
        typer.echo(
            "\n".join([ctx.summary(), *notes]) if ctx else f"{cfg.themes[key].label}: " + "; ".join(notes)
        )
        typer.echo("")


@handle_errors
def preis(
    search: Path = typer.Option(
        ..., "--search", help="CSV: date, weekly search value (see --weeks for how rows are labelled)."
    ),
    prices: Path = typer.Option(
        ..., "--prices", help="CSV: date, daily close (Yahoo format works; 'Close' is used when present)."
    ),
    delta_t: int = typer.Option(3, "--delta-t", min=1, help="Weeks in the moving average."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random-strategy baseline."),
    weeks: str = typer.Option(
        "auto",
        "--weeks",
        callback=choices(WEEK_LABELS),
        help="How --search rows are labelled: "
        "end (the week's last day), start (its first day, as "
        "Google Trends exports), or auto (all-Sunday labels are "
        "taken as starts, with a note).",
    ),
    cost_bp: float = typer.Option(
        10.0,
        "--cost-bp",
        min=0,
        max=10000,
        help="Transaction cost in basis points per side (each trade pays two sides).",
    ),
    resample_search: bool = typer.Option(
        False, "--resample-search", help="Average daily search into Sunday-Saturday weeks."
    ),
    allow_steps: bool = typer.Option(
        False,
        "--allow-steps",
        help="Run on monthly values copied onto weeks anyway (look-ahead: not a fair test).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Preis, Moat & Stanley (2013): sell after weeks of rising search, buy after falling."""
    from attention.analysis.preis import preis_backtest
    from attention.analysis.run import plain
    from attention.checks.series import step_finding
    from attention.imports.series_csv import read_series_csv

    search_values = read_series_csv(search)
    price_values = read_series_csv(prices, prefer=("Close", "close", "Adj Close"))
    result = preis_backtest(
        search_values,
        price_values,
        delta_t=delta_t,
        seed=seed,
        weeks=weeks,
        cost_bp=cost_bp,
        resample_search=resample_search,
        allow_steps=allow_steps,
    )
    # Reached with a step series only under --allow-steps: say what the rule gives when each
    # value is used only after the period it describes has ended.
    finding, usable = step_finding(search.name, search_values)
    checks = []
    if finding is not None:
        honest = preis_backtest(
            usable.dropna(),
            price_values,
            delta_t=delta_t,
            seed=seed,
            weeks=weeks,
            cost_bp=cost_bp,
            allow_steps=True,
        )
        checks.append(
            f"input check: {finding.line()}. The result above uses the values as labelled "
            f"(look-ahead); with each value used only after its period ends: "
            f"{honest.cumulative_return:+.1%} ({len(honest.trades)} trades)"
        )
    if as_json:
        from attention.analysis.preis import SELECTION_NOTE

        out = {k: v for k, v in vars(result).items() if k != "trades"}
        out["random_baseline_note"] = SELECTION_NOTE
        out["n_trades"] = len(result.trades)
        out["trades"] = [vars(t) | {"factor": t.factor} for t in result.trades]
        out["input_checks"] = checks
        typer.echo(json.dumps(plain(out), indent=2))
        return
    typer.echo(result.summary())
    for line in checks:
        typer.echo(line, err=True)


@handle_errors
def import_flows_csv(
    file: Path = typer.Argument(
        ..., help="CSV with columns date, ticker, flow_usd (USD; + creations, - redemptions)."
    ),
    config: Path = CONFIG_OPTION,
    store: Path = STORE_OPTION,
    decimal: str = typer.Option(
        None,
        "--decimal",
        help="The file's decimal separator (1,5 vs 1.5). Default: taken from the numbers; "
        "a number that could be read either way is an error.",
    ),
) -> None:
    """Import fund flows you already have into the store (method 'import')."""
    from attention.derive.checks import derive_checks
    from attention.imports.flows_csv import flows_coverage, mark_frozen, read_flows_csv
    from attention.store import Store

    cfg = load(config, store__path=str(store) if store else None)
    if decimal not in (None, "point", "comma"):
        raise typer.BadParameter(f"--decimal {decimal!r}: use 'point' or 'comma'")
    records, frozen = mark_frozen(
        read_flows_csv(file, decimal),  # type: ignore[arg-type]  # checked just above
        cfg.sources.flows.stale_after_days,
    )
    with Store(cfg.store.path) as opened:
        # compared before writing: a row stored with the same values is unchanged, not updated
        new, changed, unchanged = opened.compare_stored(records)
        opened.write([*records, *flows_coverage(records)])
        derive_checks(opened, cfg)
    tickers = sorted({r.ticker for r in records})
    typer.echo(
        f"imported {len(records)} flow rows for {', '.join(tickers)} "
        f"({new} new, {changed} updated, {unchanged} unchanged)"
    )
    for finding in frozen:
        stale = sum(1 for r in records if r.stale and r.ticker == finding.subject)
        typer.echo(f"warning: {finding.line()}; {stale} row(s) stored as stale", err=True)
