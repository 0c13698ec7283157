"""Shared fixtures for the reliability suite: one small world, one set of replicas for the whole
session, configs with short timeouts, store snapshots for "nothing lost, nothing duplicated"
comparisons, and a recorder that feeds ``benchmarks/reliability_table.py``.

Set ``ATTENTION_RELIABILITY_RESULTS=path.json`` to have every recorded scenario (with the test's
pass/fail outcome) written there at the end of the session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from attention.config import Config, Secrets, validate_config
from attention.sandbox.services import REPLICAS, Sandbox, apply_overrides
from attention.sandbox.world import World
from tests.reliability import snapshots

REPO = Path(__file__).resolve().parents[2]
WORLD_START, WORLD_END = dt.date(2024, 2, 19), dt.date(2024, 3, 15)
RUN_DATE = WORLD_END
RESULTS_ENV = "ATTENTION_RELIABILITY_RESULTS"
# Client timeout for every source, and how long an injected "timeout" fault stalls: a stalled
# reply outlives the client's patience, but the whole matrix stays fast.
CLIENT_TIMEOUT = 0.2
STALL_SECONDS = 0.5
FAKE_REDDIT_ID = "rel-fake-client-id-4f7a"
FAKE_REDDIT_SECRET = "rel-fake-client-secret-9c2e"
AUTHOR_SALT = "rel-author-salt-51d0"


def small_raw_config() -> dict[str, Any]:
    """The packaged config cut down to two themes, few subreddits/queries and four tickers, so
    one full run takes a second or two. One theme has an ETF (flows), one a basket."""
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    themes = raw["themes"]
    small, ai = themes["small_caps"], themes["ai_stocks"]
    small["subreddits"], small["news_queries"] = ["stocks"], ["small cap stocks"]
    small["search_terms"] = small["search_terms"][:2]
    ai["subreddits"], ai["news_queries"] = ["stocks"], ["AI stocks"]
    ai["search_terms"] = ai["search_terms"][:2]
    ai["proxy"] = {"tickers": ["NVDA", "AMD"]}
    raw["themes"] = {"small_caps": small, "ai_stocks": ai}
    sources = raw["sources"]
    sources["prices"]["extra_tickers"] = []
    # API mode reads every post's comment tree: fewer posts keep a run to a few dozen requests.
    sources["reddit"]["posts_per_query"], sources["reddit"]["more_comments_budget"] = 8, 2
    sources["google_trends"]["anchor_terms"] = sources["google_trends"]["anchor_terms"][:2]
    # After a 429 Google Trends sends nothing for cooldown_hours (default 6). The daily cron
    # runs 24 hours apart, past the cool-down; the tests' "next run" comes seconds later.
    sources["google_trends"]["cooldown_hours"] = 0
    for name in ("prices", "google_trends", "reddit", "news"):
        sources[name]["timeout"] = CLIENT_TIMEOUT
    raw["analysis"]["history_start"] = WORLD_START.isoformat()
    return raw


@pytest.fixture(scope="session")
def raw_small() -> dict[str, Any]:
    return small_raw_config()


@pytest.fixture(scope="session")
def world(raw_small: dict[str, Any]) -> World:
    return World(validate_config(raw_small), WORLD_START, WORLD_END, seed=11)


def loosen(sandbox: Sandbox) -> None:
    """The whole session shares the replicas: lift their own rate limits (faults are injected
    explicitly) and accept the fake credentials used throughout this suite."""
    reddit = sandbox.servers.get("reddit")
    if reddit is not None:
        replica = reddit.replica
        replica.api_limit = replica.feed_limit = 10**9
        replica.client_id, replica.client_secret = FAKE_REDDIT_ID, FAKE_REDDIT_SECRET


@pytest.fixture(scope="session")
def sandbox(world: World) -> Iterator[Sandbox]:
    box = Sandbox(world, list(REPLICAS)).start()
    loosen(box)
    yield box
    box.stop()


class _NoSleepTime:
    """``time`` for prawcore without its sleeps: prawcore retries 5xx/connection errors itself
    (2-4 s apart) and paces from rate-limit headers, on top of our HTTP layer."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        return None


@pytest.fixture(autouse=True)
def _no_praw_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    import prawcore.rate_limit
    import prawcore.sessions

    monkeypatch.setattr(prawcore.sessions, "time", _NoSleepTime())
    monkeypatch.setattr(prawcore.rate_limit, "time", _NoSleepTime())


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """No fault outlives the test that injected it."""
    yield
    if "sandbox" in request.fixturenames:
        for server in request.getfixturevalue("sandbox").servers.values():
            server.faults.clear()


def make_config(
    raw: dict[str, Any], sandbox: Sandbox, store_path: Path, reddit_mode: str = "feeds", **extra: Any
) -> Config:
    overrides = {
        **sandbox.config_overrides(),
        "store.path": str(store_path),
        "sources.reddit.mode": reddit_mode,
        "outputs.export_dir": str(store_path.parent / "exports"),
        "outputs.report_dir": str(store_path.parent / "reports"),
        **extra,
    }
    return validate_config(apply_overrides(raw, overrides))


def secrets_for(reddit_mode: str) -> Secrets:
    """API mode needs credentials (the replica accepts these fake ones); feeds mode has none."""
    if reddit_mode == "api":
        return Secrets(
            reddit_client_id=FAKE_REDDIT_ID, reddit_client_secret=FAKE_REDDIT_SECRET, author_salt=AUTHOR_SALT
        )
    return Secrets(author_salt=AUTHOR_SALT)


@pytest.fixture(scope="session")
def baselines(
    raw_small: dict[str, Any], sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> snapshots.Baselines:
    """Clean runs' data, one per Reddit mode, computed on first use."""
    return snapshots.Baselines(
        lambda mode, path: make_config(raw_small, sandbox, path, reddit_mode=mode),
        secrets_for,
        tmp_path_factory.mktemp("baselines"),
        RUN_DATE,
    )


# -- outcome recording for RELIABILITY.md ---------------------------------------------------
_ENTRIES: list[dict[str, Any]] = []
_OUTCOMES: dict[str, dict[str, str]] = {}


class Recorder:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid

    def record(
        self,
        category: str,
        scenario: str,
        *,
        tries: int = 1,
        survived: int | None = None,
        lost_rows: int = 0,
        detail: str = "",
    ) -> None:
        """One scenario's measured outcome. ``survived`` defaults to ``tries`` and is cut to 0
        if the test then fails."""
        _ENTRIES.append(
            {
                "nodeid": self.nodeid,
                "category": category,
                "scenario": scenario,
                "tries": tries,
                "survived": tries if survived is None else survived,
                "lost_rows": lost_rows,
                "detail": detail,
            }
        )


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    return Recorder(request.node.nodeid)


class Examples:
    """Counts the inputs a property-based test really ran (hypothesis calls the body once per
    example, the fixture lives for the whole test)."""

    def __init__(self) -> None:
        self.count = 0

    def tick(self) -> None:
        self.count += 1


@pytest.fixture
def examples(request: pytest.FixtureRequest, recorder: Recorder) -> Iterator[Examples]:
    counter = Examples()
    yield counter
    recorder.record(
        "bad input",
        request.node.name.removeprefix("test_").replace("_", " "),
        tries=counter.count,
        detail="generated inputs: a result or an AttentionError, never another "
        "exception; imports write nothing on error",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        xfail = getattr(report, "wasxfail", None)
        outcome = (
            ("xfailed" if report.outcome == "skipped" else "xpassed") if xfail is not None else report.outcome
        )
        _OUTCOMES[item.nodeid] = {"outcome": outcome, "reason": xfail or ""}


@pytest.fixture(scope="session", autouse=True)
def _write_results() -> Iterator[None]:
    yield
    target = os.environ.get(RESULTS_ENV)
    if not target:
        return
    rows = []
    for entry in _ENTRIES:
        outcome = _OUTCOMES.get(entry["nodeid"], {}).get("outcome", "unknown")
        rows.append(
            {**entry, "test_outcome": outcome, "survived": entry["survived"] if outcome == "passed" else 0}
        )
    Path(target).write_text(json.dumps({"scenarios": rows, "tests": _OUTCOMES}, indent=1, default=str))
