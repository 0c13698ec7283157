"""Generate RELIABILITY.md from an actual run of the reliability suite.

    python benchmarks/reliability_table.py              # run tests/reliability (slow included)
    python benchmarks/reliability_table.py --from results.json   # render an earlier run

The suite records every scenario it tries (tests/reliability/conftest.py, Recorder) with the
test's outcome; this script runs it with ``ATTENTION_RELIABILITY_RESULTS`` set, renders the
table (scenarios tried, survived, rows of data lost) plus the known bugs (strict xfails), writes
RELIABILITY.md and prints a JSON summary on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CATEGORY_ORDER = [
    "fault matrix (persistent)",
    "fault matrix (once, retried)",
    "fault matrix (once, not retryable)",
    "crash safety",
    "concurrency",
    "data loss under partial writes",
    "bad input",
    "resource budgets for config and files",
    "environment faults",
    "security",
    "symlinks and file safety",
]


def run_suite(results: Path, extra: list[str]) -> dict[str, Any]:
    # The generated-input tests run their full 500 examples per target here (CI runs fewer).
    env = {**os.environ, "ATTENTION_RELIABILITY_RESULTS": str(results), "ATTENTION_FUZZ_PROFILE": "thorough"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability", *extra]
    started, cpu = time.monotonic(), os.times()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    after = os.times()
    results.with_suffix(".log").write_text(done.stdout + done.stderr)  # durations, failures
    tail = done.stdout.strip().splitlines()[-1:] or [""]
    return {
        "command": " ".join(["python", *command[1:]]),
        "exit_code": done.returncode,
        "wall_seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(
            after.children_user + after.children_system - cpu.children_user - cpu.children_system, 1
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pytest_summary": tail[0],
    }


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def _cell(text: object) -> str:
    """Markdown table cell: pipes would end the cell, angle brackets outside `code` would render
    as HTML."""
    parts = str(text).replace("|", "\\|").split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;").replace(">", "&gt;") for i, p in enumerate(parts))


def _by_category(scenarios: list[dict[str, Any]]) -> list[str]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in scenarios:
        row = totals[s["category"]]
        for i, key in enumerate(("scenarios", "tries", "survived", "lost_rows")):
            row[i] += 1 if key == "scenarios" else s[key]
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    lines = ["| category | scenarios | tried | survived | data lost (rows) |", "|---|---:|---:|---:|---:|"]
    for category in sorted(totals, key=lambda c: order.get(c, 99)):
        n, tried, survived, lost = totals[category]
        lines.append(f"| {category} | {n} | {tried} | {survived} | {lost} |")
    return lines


MATRIX_TESTS = {
    "test_persistent_fault_fails_only_that_source": "persistent fault",
    "test_fault_once": "fault injected once",
}


def _matrix(scenarios: list[dict[str, Any]], tests: dict[str, dict[str, str]]) -> list[str]:
    """One grid per matrix test: sources down, faults across; each cell is the outcome."""
    lost = {s["nodeid"]: s["lost_rows"] for s in scenarios}
    lines: list[str] = []
    for test, title in MATRIX_TESTS.items():
        grid: dict[str, dict[str, str]] = defaultdict(dict)
        faults: list[str] = []
        for nodeid, outcome in tests.items():
            if f"::{test}[" not in nodeid:
                continue
            source, fault = nodeid.split("[", 1)[1].rstrip("]").split("-", 1)
            faults += [fault] if fault not in faults else []
            state = outcome["outcome"]
            grid[source][fault] = (
                f"ok, {lost.get(nodeid, '?')} lost"
                if state == "passed"
                else "known bug"
                if state == "xfailed"
                else state.upper()
            )
        if not grid:
            continue
        lines += [
            f"### Fault matrix: {title}",
            "",
            "| source | " + " | ".join(faults) + " |",
            "|---|" + "---|" * len(faults),
        ]
        lines += [
            f"| {source} | " + " | ".join(grid[source].get(f, "-") for f in faults) + " |"
            for source in sorted(grid)
        ]
        lines.append("")
    return lines


def _rows(scenarios: list[dict[str, Any]]) -> list[str]:
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    lines = [
        "| category | scenario | tried | survived | data lost (rows) | notes |",
        "|---|---|---:|---:|---:|---|",
    ]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for s in scenarios:  # parametrized cases of one scenario make one row
        if s["category"].startswith("fault matrix"):
            continue
        row = merged.setdefault(
            (s["category"], s["scenario"]), {**s, "tries": 0, "survived": 0, "lost_rows": 0}
        )
        for key in ("tries", "survived", "lost_rows"):
            row[key] += s[key]
        if s["test_outcome"] != "passed":
            row["test_outcome"] = s["test_outcome"]
    for s in sorted(merged.values(), key=lambda s: (order.get(s["category"], 99), s["scenario"])):
        note = s["detail"] + ("" if s["test_outcome"] == "passed" else f" (test {s['test_outcome']})")
        lines.append(
            f"| {s['category']} | {_cell(s['scenario'])} | {s['tries']} | "
            f"{s['survived']} | {s['lost_rows']} | {_cell(note.strip())} |"
        )
    return lines


def _known_bugs(tests: dict[str, dict[str, str]]) -> list[str]:
    by_reason: dict[str, list[str]] = defaultdict(list)
    for nodeid, outcome in sorted(tests.items()):
        if outcome["outcome"] in ("xfailed", "xpassed"):
            by_reason[outcome["reason"]].append(nodeid.split("::", 1)[1])
    lines = []
    for reason, nodes in by_reason.items():
        lines.append(f"* {_cell(reason)}  \n  tests: {', '.join(f'`{n}`' for n in nodes)}")
    return lines


def render(data: dict[str, Any], meta: dict[str, Any]) -> str:
    scenarios, tests = data["scenarios"], data["tests"]
    tried = sum(s["tries"] for s in scenarios)
    survived = sum(s["survived"] for s in scenarios)
    lost = sum(s["lost_rows"] for s in scenarios)
    counts: dict[str, int] = defaultdict(int)
    for outcome in tests.values():
        counts[outcome["outcome"]] += 1
    outcome_text = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    lines = [
        "# Reliability",
        "",
        "Generated by `python benchmarks/reliability_table.py` from an actual run of "
        "`tests/reliability` (slow tests included); do not edit by hand.",
        "",
        f"* run: {meta.get('date', '?')}, commit `{meta.get('commit', '?')}`, Python "
        f"{meta.get('python', '?')}, wall {meta.get('wall_seconds', '?')} s, CPU "
        f"{meta.get('cpu_seconds', '?')} s, load average at the end "
        f"{meta.get('load_average', '?')}",
        f"* tests: {outcome_text}",
        f"* scenarios tried: **{tried}**, survived: **{survived}**, rows of data lost: **{lost}**",
        "",
        '"Survived" means the test\'s checks held: the run finished with the documented exit '
        "code, the failed source was named in the run log, the store opened and passed "
        "`Store.integrity_problems()`, and after the next clean run its data equalled a clean "
        'run\'s. "Data lost" counts rows of a clean run missing after recovery.',
        "",
        *_by_category(scenarios),
        "",
        'Fault matrix cells: "ok, N lost" = survived with N rows of a clean run missing '
        'after the next run; "known bug" = a strict xfail listed below.',
        "",
        *_matrix(scenarios, tests),
        "### Crash safety, concurrency, partial writes, bad input, budgets, environment, security",
        "",
        *_rows(scenarios),
        "",
        "## Known bugs found by these tests (strict xfails, not counted as survived)",
        "",
        *(_known_bugs(tests) or ["None."]),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="render an existing results JSON instead of running the suite",
    )
    parser.add_argument("--output", type=Path, default=REPO / "RELIABILITY.md")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (e.g. -k ...)")
    args = parser.parse_args()
    meta: dict[str, Any] = {
        "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "commit": _commit(),
        "python": platform.python_version(),
    }
    if args.source:
        results = args.source
        saved = results.with_suffix(".meta.json")  # the measurements of that run, if kept
        if saved.exists():
            meta.update(json.loads(saved.read_text()))
    else:
        results = Path(tempfile.mkdtemp()) / "reliability-results.json"
        meta.update(run_suite(results, args.pytest_args))
        results.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2))
    data = json.loads(results.read_text())
    args.output.write_text(render(data, meta))
    summary = {
        **meta,
        "scenarios": len(data["scenarios"]),
        "tried": sum(s["tries"] for s in data["scenarios"]),
        "survived": sum(s["survived"] for s in data["scenarios"]),
        "lost_rows": sum(s["lost_rows"] for s in data["scenarios"]),
        "results": str(results),
        "log": str(results.with_suffix(".log")),
        "output": str(args.output),
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
