"""`attention status` while a run holds the store, and a run stopped by a signal."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from attention.cli import app
from attention.commands.status import show_status
from attention.daily.collect import INTERRUPTED
from attention.store import Store

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _store_with_a_run(path: Path) -> None:
    with Store(path) as db:
        db.start_run("r1", "news", dt.date(2026, 2, 13))
        db.finish_run(
            "r1", "news", "failed", 0, 3, "feeds", "news: https://x.example/f failed: ConnectionError"
        )


def _python(script: str, store: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "STORE": str(store)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=store.parent,
    )


HOLD_THE_STORE = """
    import os, time
    from attention.store import Store
    store = Store(os.environ["STORE"])
    print("ready", flush=True)
    time.sleep(120)
"""


def test_status_during_a_run_reads_a_copy_and_says_since_when(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store_with_a_run(path)
    holder = _python(HOLD_THE_STORE, path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        args = ["status", "--config", str(REPO / "config.yaml"), "--store", str(path)]
        as_json = runner.invoke(app, [*args, "--json"])
        shown = runner.invoke(app, args, terminal_width=80)
        ranked = runner.invoke(app, ["rank", *args[1:], "--json"])  # rank reads the same copy
    finally:
        holder.kill()
        holder.wait()
    assert as_json.exit_code == 0, as_json.output
    facts = json.loads(as_json.output)
    assert facts["run_in_progress"]["holder"] == f"pid {holder.pid}"
    assert facts["last_runs"][0]["source"] == "news" and facts["last_runs"][0]["status"] == "failed"
    assert shown.exit_code == 0, shown.output
    assert ranked.exit_code == 0 and json.loads(ranked.output)["rows"] == [], ranked.output
    assert shown.output.startswith("a run is in progress since ")
    assert "(a copy taken now)" in shown.output
    assert "https://x.example: could not connect" in " ".join(shown.output.replace("│", " ").split())


def test_status_never_cuts_a_value_to_fit_80_columns(tmp_path: Path) -> None:
    from rich.console import Console

    long_error = (
        "shares outstanding failed for IWM: no shares-outstanding data for IWM 2026-12-05..2026-12-05"
    )
    facts = {
        "store": "/a/rather/long/path/to/the/store/attention.duckdb",
        "schema_version": 6,
        "sources": [
            {
                "source": "search interest",
                "first": "2024-06-19",
                "last": "2026-12-05",
                "rows": 11678,
                "series": 14,
            }
        ],
        "themes": [
            {
                "theme": "magnificent_seven",
                "source": "reddit",
                "first": "2026-11-10",
                "last": "2026-12-05",
                "items": 108,
            }
        ],
        "last_runs": [
            {
                "source": "flows",
                "run_date": "2026-12-05",
                "started_at": "2026-12-05 22:15",
                "status": "failed",
                "records": 0,
                "error": long_error,
            }
        ],
    }
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    show_status(facts, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    flat = "".join(text.replace("│", "").split())
    for value in ("magnificent_seven", "11678", "2026-12-05..2026-12-05", "search interest".replace(" ", "")):
        assert value in flat, value


STOP_DURING_COLLECTION = """
    import os, sys, time
    import collectors
    from attention.cli import app

    class Hanging:
        name, version = "news", "1"
        def collect(self, ctx):
            print("collecting", flush=True)
            time.sleep(120)
            yield from ()

    collectors.collector_class = lambda name: Hanging
    import attention.daily.collect as collect
    collect.collector_class = lambda name: Hanging
    app(["run", "--source", "news", "--store", os.environ["STORE"], "--config", sys.argv[1]])
"""


def _stop_a_run(tmp_path: Path, sig: int) -> tuple[int, str]:
    path = tmp_path / "s.duckdb"
    env = {**os.environ, "PYTHONPATH": str(REPO), "STORE": str(path)}
    run = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(STOP_DURING_COLLECTION), str(REPO / "config.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert run.stdout is not None and run.stdout.readline().strip() == "collecting"
    run.send_signal(sig)
    _, err = run.communicate(timeout=60)
    with Store(path, read_only=True) as db:
        runs = db.last_runs(5)
    assert list(runs["status"]) == ["interrupted"]
    assert runs["error"].iloc[0] == INTERRUPTED
    return run.returncode, err


def test_ctrl_c_marks_the_run_interrupted_at_once(tmp_path: Path) -> None:
    code, err = _stop_a_run(tmp_path, signal.SIGINT)
    assert code == 130 and "attention: interrupted" in err


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path: Path) -> None:
    code, err = _stop_a_run(tmp_path, signal.SIGTERM)
    assert code == 130 and "attention: interrupted" in err


def test_coverage_at_80_columns_keeps_names_whole_and_says_the_share_watched() -> None:
    from rich.console import Console

    from attention.commands.status import watched_days

    # the real WSB import and the Yahoo SPY file, as `status` showed them (the subreddit was
    # folded as "wallstreetbe" / "ts", and days as "8356.0/8356.0")
    coverage = [
        {"source": "reddit", "unit_kind": "subreddit", "unit": "wallstreetbets", "first": "2024-06-22 17:46",
         "last": "2024-07-02 19:12", "days": 10.06, "between": 10.06, "origins": "import"},
        {"source": "prices", "unit_kind": "ticker", "unit": "SPY", "first": "2000-01-03",
         "last": "2022-11-19", "days": 8356.0, "between": 8356.0, "origins": "import"},
    ]  # fmt: skip
    facts = {"store": "s.duckdb", "schema_version": 17, "sources": [], "themes": [], "last_runs": []}
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    show_status({**facts, "coverage": coverage}, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "wallstreetbets" in text and "100% of 8,356" in text and "100% of 10.1" not in text
    assert watched_days(9.99, 10.0) == "99.9% of 10" and watched_days(1.0, 2.0) == "50% of 2.0"


def test_a_run_killed_without_a_word_is_shown_interrupted_not_running(tmp_path: Path) -> None:
    # kill -9 (or a power loss) leaves the source logged 'running'; no process holds the store
    path = tmp_path / "s.duckdb"
    with Store(path) as db:
        db.start_run("r-dead", "reddit", dt.date(2026, 2, 13))
    args = ["status", "--config", str(REPO / "config.yaml"), "--store", str(path)]
    facts = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert facts["run_in_progress"] is None
    (reddit,) = [r for r in facts["last_runs"] if r["source"] == "reddit"]
    assert reddit["status"] == "interrupted" and "killed or crashed" in reddit["error"]
    shown = runner.invoke(app, args, terminal_width=80)
    assert "running" not in shown.output and "reddit interrupted: no run holds the store" in shown.output


def test_each_theme_says_how_much_of_its_span_was_watched() -> None:
    # the real WSB import: items of a theme from Jun 25 to Jul 2 2024, Reddit watched from
    # Jun 22 17:46 to Jul 2 19:12 (the file's first and last post): 7 whole days and 19.2 hours
    # of the 8 days -> 97.5%; a source without any coverage record is unknown, not 0
    import pandas as pd

    from attention.commands.status import theme_watched

    themes = pd.DataFrame(
        {
            "theme": ["ai_stocks", "ai_stocks"],
            "source": ["reddit", "news"],
            "first": [dt.date(2024, 6, 25), dt.date(2024, 6, 1)],
            "last": [dt.date(2024, 7, 2), dt.date(2024, 6, 2)],
            "items": [95, 3],
        }
    )
    spans = pd.DataFrame(
        {
            "source": ["reddit"],
            "span_start": [pd.Timestamp("2024-06-22 17:46", tz="UTC")],
            "span_end": [pd.Timestamp("2024-07-02 19:12", tz="UTC")],
        }
    )
    out = theme_watched(themes, spans)
    reddit, news = out["watched"].tolist()
    assert reddit == round((7 * 24 + 19.2) / (8 * 24), 3) == 0.975 and pd.isna(news)
