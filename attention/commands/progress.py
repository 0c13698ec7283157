"""Live progress of `attention run` on stderr: one line as each source starts, one as it ends.

Plain lines rather than a spinner, so a cron log and a terminal read the same and a slow
source (retrying an unreachable host) is visible while it happens.
"""

from __future__ import annotations

import time

import typer

from attention.daily.collect import SourceResult
from attention.daily.messages import root_cause


class RunProgress:
    """Callbacks for :func:`attention.daily.flow.run_daily` that print as the run goes."""

    def __init__(self) -> None:
        self._started_at: dict[str, float] = {}

    def started(self, source: str) -> None:
        self._started_at[source] = time.perf_counter()
        typer.echo(f"{source}: collecting ...", err=True)

    def finished(self, result: SourceResult) -> None:
        seconds = time.perf_counter() - self._started_at.get(result.source, time.perf_counter())
        typer.echo(source_line(result, seconds), err=True)

    def step(self, line: str) -> None:
        typer.echo(line, err=True)


def source_line(result: SourceResult, seconds: float) -> str:
    """One source's outcome: status, counts, time, and for a failure its root cause."""
    counts = f"{result.records} records, {result.requests} requests, {seconds:.1f} s"
    line = f"{result.source}: {result.status} ({counts})"
    if result.error:
        line += f": {root_cause(result.error, result.source)}"
    return line
