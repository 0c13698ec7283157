"""Usage errors exit 2 for every command, the run's exit codes, and its short failure lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.commands.progress import source_line
from attention.daily.collect import RunReport, SourceResult
from attention.daily.messages import MAX_ERROR_CHARS, root_cause
from attention.errors import AttentionError
from tests.unit.test_cli import _command_paths

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def _plain(output: str) -> str:
    """typer draws usage errors in a box: the words without the frame."""
    return " ".join(output.replace("│", " ").split())


@pytest.mark.parametrize("command", _command_paths())
def test_an_unknown_option_is_exit_2_for_every_command(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--no-such-option"])
    assert result.exit_code == 2, (command, result.output)
    assert "No such option" in _plain(result.output)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["export", "--format", "xlsx"], "'xlsx': choose from csv, parquet"),
        (["demo", "--days", "30"], "30: the demo needs at least 120 days of history"),
        (["run", "--source", "bogus"], "'bogus': choose from flows, google_trends"),
        (["run", "--date", "2026-02-30"], "--date '2026-02-30': February 2026 has 28 days"),
        # found by trying them: these exited 0 or 1 (a bad value reached the library, or none checked)
        (["sources", "check", "--source", "bogus"], "'bogus': choose from flows, google_trends"),
        (["import", "series", "x.csv", "--name", "x", "--kind", "bogus"], "'bogus': choose from attention"),
        (
            ["import", "reddit-csv", "x.csv", "--timezone", "Mars/Olympus"],
            "'Mars/Olympus' is not a time zone",
        ),
        (["import", "trends-csv", "x.csv", "--week-label", "monday"], "'monday': choose from end, start"),
        (
            ["backtest", "preis", "--search", "x", "--prices", "y", "--weeks", "mid"],
            "'mid': choose from auto",
        ),
        (["backtest", "preis", "--search", "x", "--prices", "y", "--cost-bp", "-5"], "--cost-bp"),
        (["backtest", "preis", "--search", "x", "--prices", "y", "--delta-t", "0"], "--delta-t"),
    ],
)
def test_a_bad_option_value_is_exit_2_and_says_what_is_wrong(args: list[str], says: str) -> None:
    takes_config = args[0] not in ("demo", "backtest")
    result = runner.invoke(app, [*args, "--config", str(REPO / "config.yaml")] if takes_config else args)
    assert result.exit_code == 2, result.output
    assert says in _plain(result.output)


def _report(*statuses: str) -> RunReport:
    report = RunReport("r1", dt.date(2026, 2, 13))
    report.results = [SourceResult(f"s{i}", status) for i, status in enumerate(statuses)]
    return report


def test_nothing_collected_is_told_apart_from_some_sources_failing() -> None:
    assert _report("failed", "failed").nothing_collected and _report("failed", "failed").exit_code == 3
    assert not _report("failed", "ok").nothing_collected
    assert not _report("failed", "deferred").nothing_collected
    assert _report("ok", "deferred").exit_code == 0
    assert not _report().nothing_collected  # no source selected: nothing failed either


def test_run_exits_4_when_every_source_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import attention.daily.collect as collect

    class Failing:
        name, version = "news", "1"

        def collect(self, ctx: object) -> Iterator[object]:
            raise AttentionError("news: https://feeds.example/rss failed: ConnectionError")
            yield  # a generator, like every collector

    monkeypatch.setattr(collect, "collector_class", lambda name: Failing)
    store = tmp_path / "s.duckdb"
    args = ["run", "--config", str(REPO / "config.yaml"), "--store", str(store), "--date", "2026-02-13"]
    result = runner.invoke(app, [*args, "--source", "news"])
    assert result.exit_code == 4, result.output
    assert "news: failed (0 records, 0 requests," in result.output
    assert "https://feeds.example: could not connect (offline, DNS or firewall?)" in result.output
    assert "attention: nothing could be collected: every source failed" in result.output


# The prices error of an offline run (2026-12-06), shortened: 15 tickers, one cause.
OFFLINE_PRICES = (
    "prices: 15 ticker(s) failed (SPY: yahoo: prices: https://fc.yahoo.com failed: ConnectionError / "
    "stooq: prices: https://stooq.com/q/d/l/ failed: ConnectionError; "
    + "; ".join(
        f"{t}: yahoo: unavailable earlier in this run / stooq: unavailable earlier in this run"
        for t in ("IWM", "NVDA", "AVGO", "AMD", "PLTR", "TSM", "ARM", "AAPL", "MSFT")
    )
    + ")"
)


def test_a_failed_source_is_one_short_line_with_its_root_cause() -> None:
    assert len(OFFLINE_PRICES) > 700
    assert root_cause(OFFLINE_PRICES, "prices") == (
        "15 ticker(s) failed; first cause: https://fc.yahoo.com: could not connect "
        "(offline, DNS or firewall?)"
    )
    assert root_cause(
        "reddit: https://www.reddit.com/r/stocks/search.rss failed: ConnectionError", "reddit"
    ) == ("https://www.reddit.com: could not connect (offline, DNS or firewall?)")
    assert root_cause("news: https://x.example/feed answered HTTP 503; the service is failing", "news") == (
        "https://x.example answered HTTP 503"
    )
    assert len(root_cause("internal error: " + "x" * 900)) == MAX_ERROR_CHARS
    assert root_cause(None) == ""


def test_a_source_line_says_status_counts_and_cause() -> None:
    result = SourceResult("prices", "failed", records=0, requests=8, error=OFFLINE_PRICES)
    line = source_line(result, 10.06)
    assert line.startswith("prices: failed (0 records, 8 requests, 10.1 s): 15 ticker(s) failed;")
    assert "\n" not in line and len(line) < 220
    assert (
        source_line(SourceResult("news", "ok", 120, 14), 4.2) == "news: ok (120 records, 14 requests, 4.2 s)"
    )
