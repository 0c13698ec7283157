"""Bugs in other modules found while building the reliability suite, first kept as strict xfails
and now fixed: each test keeps the bug from coming back (its docstring says what it was)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from attention.daily.collect import run_pipeline
from attention.sandbox.server import Fault
from attention.sandbox.services import Sandbox
from tests.reliability.conftest import RUN_DATE, make_config, secrets_for


def test_trends_weekly_window_with_short_history() -> None:
    """A history shorter than one whole Sunday-Saturday week before the last Saturday (history
    2024-03-04, run 2024-03-15) once gave ('2024-03-10', '2024-03-09'): the replica answered 400
    and google_trends failed on every run of a new install. It now gets the days it has."""
    from collectors.google_trends.plan import weekly_window

    # the history's first day to the last whole week's Saturday
    assert weekly_window(dt.date(2024, 3, 15), dt.date(2024, 3, 4)) == (
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 9),
    )


def test_reddit_api_retries_only_in_our_http_layer(
    raw_small: dict[str, Any], sandbox: Sandbox, tmp_path: Path
) -> None:
    """prawcore used to retry 5xx answers and connection errors itself (FiniteRetryStrategy: 2
    more tries, real time.sleep of 2-4 s and 0-2 s) on top of our HttpClient's 3 retries: one
    API call to a failing Reddit cost 12 requests (DESIGN.md 4.7: retries live in one HTTP
    layer only)."""
    server = sandbox.servers["reddit"]
    before = server.request_count("^/r/")
    server.faults.add(Fault("status", path="^/r/", status=500))
    config = make_config(
        raw_small, sandbox, tmp_path / "s.duckdb", reddit_mode="api", **{"sources.reddit.posts_per_query": 1}
    )
    report = run_pipeline(config, run_date=RUN_DATE, sources=["reddit"], secrets=secrets_for("api"))
    assert report.exit_code == 3
    first_call = 4  # our HttpClient: 1 try + 3 retries, then the source fails
    assert server.request_count("^/r/") - before <= first_call
