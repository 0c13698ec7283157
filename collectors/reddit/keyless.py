"""The keyless Reddit mode: Arctic Shift search and denominators, then the Atom feeds, each on
its own paced HTTP client. An outage of one never stops the other; the run fails (with the
records and coverage of what worked kept) when either did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from attention.errors import AttentionError
from collectors.core.records import Record, SourceNote, utcnow
from collectors.reddit.arctic_shift import ArcticShiftCollector
from collectors.reddit.atom import AtomCollector
from collectors.reddit.items import AuthorPolicy

DEFAULT_USER_AGENT = "python:attention:0.1 (market attention research; read-only)"


def run_keyless(ctx: Any, authors: AuthorPolicy, version: str) -> Iterator[Record | SourceNote]:
    settings = ctx.config.sources.reddit
    user_agent = ctx.secrets.reddit_user_agent or DEFAULT_USER_AGENT
    now = run_clock(ctx.run_date)
    failures: list[AttentionError] = []
    arctic = ctx.http_factory("reddit", min_interval=settings.arctic_shift.min_interval)
    arctic.session.headers["User-Agent"] = user_agent
    searcher = ArcticShiftCollector(ctx, arctic, authors, version, now)
    try:
        yield from searcher.run()
    except AttentionError as exc:
        failures.append(exc)
    atom = ctx.http_factory("reddit", min_interval=settings.atom.min_interval)
    atom.session.headers["User-Agent"] = user_agent
    try:
        yield from AtomCollector(ctx, atom, authors, version, now, known=searcher.yielded).run()
    except AttentionError as exc:
        failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise type(failures[0])(f"reddit keyless: Arctic Shift: {failures[0]} | Atom feeds: {failures[1]}")


def run_clock(run_date: dt.date) -> dt.datetime:
    """The end of the collected window: now, or the end of ``run_date`` when that is earlier
    (a run for a past day reads up to that day, not into the days after it)."""
    day_end = dt.datetime.combine(run_date + dt.timedelta(days=1), dt.time(), dt.UTC)
    return min(utcnow(), day_end).replace(microsecond=0)


def run_denominators(ctx: Any, version: str) -> Iterator[Record | SourceNote]:
    """Arctic Shift's daily totals per subreddit in any mode (the API has no such counts): the
    denominators of mention share. A failure is a warning here, never the API run's failure."""
    settings = ctx.config.sources.reddit
    if not settings.arctic_shift.denominators:
        return
    client = ctx.http_factory("reddit", min_interval=settings.arctic_shift.min_interval)
    client.session.headers["User-Agent"] = ctx.secrets.reddit_user_agent or DEFAULT_USER_AGENT
    totals = ArcticShiftCollector(ctx, client, AuthorPolicy(salt="unused"), version, run_clock(ctx.run_date))
    for sub in totals.subreddits():
        for metric in ("posts", "comments"):
            try:
                yield from totals.volumes(sub, metric)
            except AttentionError as exc:
                yield SourceNote("warning", f"arctic shift r/{sub} {metric} per day: {exc}")
