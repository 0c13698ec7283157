"""Store snapshots: every stored row, grouped by the source that owns it, without the columns that
legitimately differ between two runs (fetch times, provenance). Comparing a snapshot with a clean
run's says exactly which rows were lost and which are extra (duplicated or wrong)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from attention.config import Config, Secrets
from attention.daily.collect import run_pipeline
from attention.store import Store

# Tables without a ``source`` column, by the source whose collector fills them. Tables not
# listed (and not split by ``source``) are derived data, compared as "derived".
TABLE_OWNER = {
    "prices": "prices",
    "shares_outstanding": "flows",
    "search_interest": "google_trends",
    "trends_requests": "google_trends",
    "news_volume": "news",
    # written by the post-run analysis step of `attention run`, not by collection
    "feedback_tests": "analysis",
    "feedback_verdicts": "analysis",
    "event_studies": "analysis",
    "context": "analysis",
    "impulse_responses": "analysis",
}
SKIP_TABLES = {"runs", "schema_migrations"}
# Cursors that are run bookkeeping rather than positions in the data: Google Trends' progress
# report counts what that particular run fetched (only its "state" is compared), and the time
# of the last 429 exists only after a rate-limited run (not compared).
STATE_CURSORS = {("google_trends", "progress")}
IGNORED_CURSORS = {("google_trends", "last_rate_limited")}
VOLATILE = {
    "retrieved_at",
    "provenance",
    "updated_at",
    "computed_at",
    "fetched_at",
    "started_at",
    "finished_at",
    "imported_at",
    "detected_at",
}

# Columns left out of the comparison per (owner, table), where a run may legitimately store the
# same data differently: prices may come from the fallback provider (Stooq) when Yahoo failed
# earlier in that run; a news story carried by several feeds is stored under the id, container
# and outlet of whichever feed delivered it first, so it is compared as a story.
PROJECTIONS = {
    ("prices", "prices"): {"drop": {"provider"}},
    ("news", "items"): {"keep": {"source", "kind", "title", "created_utc"}},
    # a listing or feed is watched up to the moment it was read: the span's times are the run's,
    # what is compared is which units were watched
    ("reddit", "coverage"): {"keep": {"source", "unit_kind", "unit", "origin"}},
    ("news", "coverage"): {"keep": {"source", "unit_kind", "unit", "origin"}},
    # page views are read in windows: a kill between two leaves the first window's span beside
    # the rerun's wider one (overlapping spans count once); what is compared is which articles
    ("wikipedia", "coverage"): {"keep": {"source", "unit_kind", "unit", "origin"}},
}

Rows = frozenset[tuple[str, ...]]
Snapshot = dict[str, dict[str, Rows]]  # owner -> table -> rows


def _cell(value: Any) -> str:
    if value is None or value is pd.NaT or value is pd.NA:
        return "null"
    if isinstance(value, float):
        return "null" if math.isnan(value) else f"{value:.6g}"
    if hasattr(value, "tolist"):
        value = value.tolist()
    return str(value)


def _state(value: str) -> str:
    try:
        loaded = json.loads(value)
    except ValueError:
        return "*"
    return str(loaded.get("state", "*")) if isinstance(loaded, dict) else "*"


def _project(owner: str, table: str, values: dict[str, Any]) -> tuple[str, ...]:
    rule = PROJECTIONS.get((owner, table), {})
    keep = [
        c
        for c in sorted(values)
        if c not in rule.get("drop", set()) and ("keep" not in rule or c in rule["keep"])
    ]
    return tuple(f"{c}={_cell(values[c])}" for c in keep)


def row_counts(store: Store) -> dict[str, int]:
    """Rows in each of the store's tables, in one statement: ``store.count`` lists the catalog
    again for every table, and the property-based import tests compare counts 1,000 times."""
    union = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM \"{table}\""  # noqa: S608 - our own table names
        for table in store.tables()
    )
    return {table: int(rows) for table, rows in store.con.execute(union).fetchall()}


def snapshot(store_path: str | Path) -> Snapshot:
    """Every row of every data table, by owning source (opens the store read-only)."""
    out: Snapshot = {}
    with Store(store_path, read_only=True) as store:
        for table in store.tables():
            if table in SKIP_TABLES:
                continue
            frame = store.query(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            columns = sorted(c for c in frame.columns if c not in VOLATILE)
            split = "source" in frame.columns
            for row in frame[columns].itertuples(index=False):
                values = dict(zip(columns, row, strict=True))
                if table == "cursors":
                    which = (values["source"], values["key"])
                    if which in IGNORED_CURSORS:
                        continue
                    if which in STATE_CURSORS:
                        values["value"] = _state(values["value"])
                if "undated" in _cell(values.get("flags")):
                    values["created_utc"] = "fetch time"  # undated entries are stamped on fetch
                owner = values["source"] if split else TABLE_OWNER.get(table, "derived")
                out.setdefault(owner, {}).setdefault(table, set()).add(_project(owner, table, values))
    return {o: {t: frozenset(r) for t, r in tables.items()} for o, tables in out.items()}


@dataclass
class Diff:
    lost: int
    extra: int
    details: list[str]

    @property
    def equal(self) -> bool:
        return self.lost == 0 and self.extra == 0


def compare(actual: Snapshot, expected: Snapshot, owners: list[str] | None = None) -> Diff:
    """Rows of ``expected`` missing from ``actual`` (lost) and rows only in ``actual`` (extra),
    for the given owners (default: every owner in either snapshot except the post-run
    analysis results, which in-process pipeline runs do not compute)."""
    owners = owners or sorted((set(actual) | set(expected)) - {"analysis"})
    lost = extra = 0
    details = []
    for owner in owners:
        tables = set(actual.get(owner, {})) | set(expected.get(owner, {}))
        for table in sorted(tables):
            have = actual.get(owner, {}).get(table, frozenset())
            want = expected.get(owner, {}).get(table, frozenset())
            missing, surplus = len(want - have), len(have - want)
            lost, extra = lost + missing, extra + surplus
            if missing or surplus:
                details.append(
                    f"{owner}/{table}: {missing} lost, {surplus} extra "
                    f"(of {len(want)} expected){_example(want - have, have - want)}"
                )
    return Diff(lost, extra, details)


def _example(lost: frozenset, extra: frozenset) -> str:
    """The first differing cells of one lost and one extra row (for failure messages)."""
    if not lost or not extra:
        return f"; e.g. {sorted(lost or extra)[0][:4]}"
    a, b = sorted(lost)[0], sorted(extra)[0]
    return "; e.g. " + ", ".join(f"{x} -> {y}" for x, y in zip(a, b, strict=True) if x != y)[:300]


def total_rows(snap: Snapshot, owners: list[str] | None = None) -> int:
    return sum(
        len(rows)
        for owner, tables in snap.items()
        if owners is None or owner in owners
        for rows in tables.values()
    )


@dataclass
class Baselines:
    """Clean runs' snapshots, one per Reddit mode, made on first use."""

    make_config: Callable[[str, Path], Config]
    secrets_for: Callable[[str], Secrets]
    root: Path
    run_date: dt.date
    _cache: dict[str, Snapshot] = field(default_factory=dict)

    def get(self, reddit_mode: str) -> Snapshot:
        if reddit_mode not in self._cache:
            path = self.root / reddit_mode / "clean.duckdb"
            config = self.make_config(reddit_mode, path)
            report = run_pipeline(config, run_date=self.run_date, secrets=self.secrets_for(reddit_mode))
            if report.exit_code != 0:
                raise AssertionError(f"the clean baseline run failed:\n{report.summary()}")
            self._cache[reddit_mode] = snapshot(path)
        return self._cache[reddit_mode]
