"""`attention demo`: the whole tool, offline, in one command.

It starts the local replica of every source (Yahoo/Stooq, Reddit, news feeds, Google Trends) on
loopback, serving a simulated world in which small caps carry a planted attention -> flows ->
returns -> attention loop and the other themes none. The real collectors backfill the history
the replicas' windows reach, the Reddit and news history before those windows is imported from
a simulated dump and news archive (so every source covers the whole span), and then the daily
pipeline runs against the replicas, exactly as it would against the real services; then the
analysis runs and the exports, charts and report are written. Everything it
shows is simulated, and the report says so.

Because every service is a replica on 127.0.0.1, the demo skips the pacing sleeps that protect
the real services (the HTTP layer's ``sleep`` indirection) and raises the request budgets.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from attention.analysis.run import AnalysisResults
from attention.config import Config, Secrets, packaged_default_path, validate_config
from attention.daily.collect import RunReport, run_pipeline
from attention.daily.flow import DailyResult, run_daily
from attention.errors import FatalError
from attention.report.export import ExportResult
from attention.report.html import ReportResult
from attention.store.core import remove_store

if TYPE_CHECKING:  # the replicas load only when the demo runs
    from attention.sandbox.services import Sandbox
    from attention.sandbox.world import World

# About 2.5 years of daily data: enough weeks for the weekly feedback tests to find the
# planted loop, and small enough to finish well inside two minutes on two cores.
DEFAULT_DAYS = 900
DEFAULT_SEED = 3
MIN_DAYS = 120
DEMO_BUDGET = 100_000
DEFAULT_OUT = Path("attention-demo")

Progress = Callable[[str], None]


@dataclass
class DemoResult:
    out_dir: Path
    start: dt.date
    end: dt.date
    seed: int
    runs: list[RunReport] = field(default_factory=list)
    analysis: AnalysisResults | None = None
    exports: ExportResult | None = None
    report: ReportResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    attention_lines: list[str] = field(default_factory=list)  # page views, Reddit denominators

    @property
    def store_path(self) -> Path:
        return self.out_dir / "attention.duckdb"

    def verdicts(self) -> dict[str, str]:
        if self.analysis is None:
            return {}
        return {key: theme.verdict for key, theme in self.analysis.themes.items()}

    def summary(self) -> str:
        lines = [
            f"attention demo: simulated world {self.start}..{self.end} (seed {self.seed}), "
            f"everything in {self.out_dir}/"
        ]
        for run in self.runs:
            lines.append(run.summary())
        if self.report is not None:
            lines += [f"verdict: {s.headline}" for s in self.report.statuses.values()]
        lines += self.attention_lines
        if self.exports is not None:
            lines.append(f"exports: {self.exports.summary()}")
        if self.report is not None:
            lines.append(f"report: {self.report.path}")
        timing = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        lines.append(f"timing: {timing}")
        return "\n".join(lines)


def demo_config(raw: dict[str, Any], out_dir: Path, start: dt.date, overrides: dict[str, Any]) -> Config:
    """The packaged config pointed at the replicas, with the store and outputs in ``out_dir``."""
    from attention.sandbox.services import apply_overrides

    settings: dict[str, Any] = {
        "store.path": str(out_dir / "attention.duckdb"),
        "outputs.export_dir": str(out_dir / "exports"),
        "outputs.report_dir": str(out_dir / "report"),
        "outputs.export_format": "csv",
        "analysis.history_start": start.isoformat(),
    }
    for source in ("prices", "google_trends", "reddit", "news"):
        settings[f"sources.{source}.budget"] = DEMO_BUDGET
    settings.update(overrides)
    return validate_config(apply_overrides(raw, settings), "<demo config>")


@contextlib.contextmanager
def _no_pacing() -> Iterator[None]:
    """Skip the HTTP layer's pacing/backoff sleeps: every request goes to a local replica."""
    import collectors.core.http as http

    saved = http.sleep
    http.sleep = lambda seconds: None
    try:
        yield
    finally:
        http.sleep = saved


def _unthrottle(sandbox: Sandbox) -> None:
    """praw spreads requests evenly over the rate-limit window the server announces (Reddit:
    1,000 per 10 minutes, i.e. a 0.6 s sleep each); a local replica can announce a 1 s window."""
    server = sandbox.servers.get("reddit")
    if server is not None and hasattr(server.replica, "api_window"):
        server.replica.api_window = 1


def _sandbox_secrets() -> Secrets:
    """The Reddit replica's client credentials (the API mode; never real secrets)."""
    from attention.sandbox.services import REPLICAS, replica_class

    if "reddit" not in REPLICAS:
        return Secrets()
    replica = replica_class("reddit")
    return Secrets(
        reddit_client_id=replica.client_id,
        reddit_client_secret=replica.client_secret,
        reddit_user_agent="attention-demo/1.0 (sandbox)",
    )


def run_demo(
    out_dir: str | Path = DEFAULT_OUT,
    days: int = DEFAULT_DAYS,
    seed: int = DEFAULT_SEED,
    end: dt.date | None = None,
    progress: Progress | None = None,
    history: bool = True,
) -> DemoResult:
    """Simulate, collect through the replicas, analyse, and write store, exports and report.

    ``history`` (the default): also import the Reddit and news history before the replicas'
    recent windows from simulated files, so every source covers the whole span and every chart
    has data across its axis; False collects only what the replicas' windows reach."""
    if days < MIN_DAYS:
        raise FatalError(f"--days {days}: the demo needs at least {MIN_DAYS} days of history")
    say = progress or (lambda message: None)
    out = Path(out_dir)
    end = end or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1))
    start = end - dt.timedelta(days=days - 1)
    _check_out_dir(out)
    result = DemoResult(out, start, end, seed)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[name] = now - clock
        clock = now

    _collect(result, say, lap, history)
    result.seconds["total"] = sum(result.seconds.values())
    return result


DEMO_MARKER = ".attention-demo"


def _check_out_dir(out: Path) -> None:
    """Make ``out`` the demo's folder. A folder holding anything but a previous demo (its
    marker file) is refused: the demo replaces only a store it made itself, and never one that
    is open (the store's lock is taken before its files are removed)."""
    marker = out / DEMO_MARKER
    if out.exists() and not out.is_dir():
        raise FatalError(f"--out {out} is a file; pass --out a new or empty folder")
    if out.exists() and any(out.iterdir()) and not marker.is_file():
        raise FatalError(
            f"{out} is not empty and was not made by `attention demo` (no {DEMO_MARKER} in it); "
            "pass --out a new or empty folder"
        )
    if marker.is_file():  # a previous demo: start from a clean store so reruns are identical
        remove_store(out / "attention.duckdb")
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by `attention demo`: the demo may replace this folder's store\n")


def _collect(result: DemoResult, say: Progress, lap: Callable[[str], None], history: bool) -> None:
    from attention.sandbox.services import Sandbox
    from attention.sandbox.world import World

    raw = yaml.safe_load(packaged_default_path().read_text(encoding="utf-8"))
    world = World(
        validate_config(raw, "<packaged defaults>"),
        result.start,
        result.end,
        result.seed,
        loop_themes=("small_caps",),
    )
    say(
        f"simulating {result.start}..{result.end} (seed {result.seed}); small caps carry a "
        "planted attention loop, the other themes none"
    )
    secrets = _sandbox_secrets()
    with Sandbox(world) as sandbox, _no_pacing():
        _unthrottle(sandbox)
        config = demo_config(raw, result.out_dir, result.start, sandbox.config_overrides())
        names = ", ".join(f"{n} {s.url}" for n, s in sandbox.servers.items())
        say(f"replicas on loopback: {names}")
        lap("setup")
        backfill = run_pipeline(
            config,
            run_date=result.end - dt.timedelta(days=1),
            secrets=secrets,
            progress=lambda name: say(f"backfill: {name}"),
        )
        result.runs.append(backfill)
        lap("backfill")
        if history:
            _import_history(config, world, result, say)
            lap("history")
        daily = run_daily(
            config,
            run_date=result.end,
            secrets=secrets,
            progress=lambda name: say(f"daily run: {name}"),
            on_step=lambda line: say(line),
            simulated=True,
        )
    _take_outputs(result, daily, lap)


def _import_history(config: Config, world: World, result: DemoResult, say: Progress) -> None:
    """The history before the replicas' recent windows (Reddit's listings reach back about a
    month, news feeds a week), imported from files the way a user imports real history: a
    Pushshift-style dump and a headline archive written from the same simulated world, from the
    world's first day up to the day the live windows all began (they overlap the live window by
    up to a day; an item in both is stored once). Each file's coverage is the span it was
    written for, so every source covers the whole span."""
    from attention.imports.news_archive import import_news_archive
    from attention.imports.reddit_dump import import_dumps, store_author_policy
    from attention.sandbox.history import (
        dump_coverage,
        live_window_start,
        write_news_archive,
        write_reddit_dump,
    )
    from attention.store import Store

    folder = result.out_dir / "history"
    folder.mkdir(parents=True, exist_ok=True)
    first = dt.datetime.combine(result.start, dt.time(), dt.UTC)
    with Store(config.store.path) as store:
        reddit_until = live_window_start(store, "reddit", result.end)
        dump = folder / "RS_demo.ndjson"
        write_reddit_dump(world, dump, result.start, reddit_until)
        authors = store_author_policy(config, secrets=_sandbox_secrets())  # the run's salt
        imported = import_dumps([dump], config, store, authors=authors)
        store.write(dump_coverage(config, dump, first, _midnight(reddit_until)))
        say(f"history: reddit {result.start}..{reddit_until} from {dump.name}: {imported.kept:,} items")
        news_until = live_window_start(store, "news", result.end)
        archive = folder / "news_demo.ndjson"
        write_news_archive(world, archive, result.start, news_until)
        kept, _ = import_news_archive(archive, config, store, span=(first, _midnight(news_until)))
        say(f"history: news {result.start}..{news_until} from {archive.name}: {kept:,} items")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _take_outputs(result: DemoResult, daily: DailyResult, lap: Callable[[str], None]) -> None:
    """The daily run's outputs into the demo's result; a failed output step fails the demo."""
    result.runs.append(daily.run)
    steps = sum(daily.seconds.values())
    lap("daily run")
    result.seconds["daily run"] -= steps  # the collection alone; the steps are timed below
    result.seconds.update(daily.seconds)
    if daily.failed_steps:
        raise FatalError("the demo's " + "; ".join(line for line in daily.lines if "failed" in line))
    result.analysis, result.exports, result.report = daily.analysis, daily.exports, daily.report
    result.attention_lines = keyless_lines(result.store_path)


def keyless_lines(store_path: Path) -> list[str]:
    """What the demo collected from the keyless series: Wikipedia page views per article and
    the daily comment totals behind "mentions per 1,000 comments"."""
    from attention.store import Store

    with Store(store_path, read_only=True) as store:
        views = store.panel_page_views()
        comments = store.panel_subreddit_volume("comments")
    lines = []
    if not views.empty:
        per_article = views.groupby("article")["views"].mean().sort_values(ascending=False)
        shown = ", ".join(f"{a} {v:,.0f}" for a, v in per_article.items())
        lines.append(f"wikipedia page views ({len(views):,} article-days), mean per day: {shown}")
    if not comments.empty:
        per_sub = comments.groupby("subreddit")["value"].mean()
        shown = ", ".join(f"r/{s} {v:,.0f}" for s, v in per_sub.items())
        lines.append(f"reddit denominators ({len(comments):,} subreddit-days), comments per day: {shown}")
    return lines
