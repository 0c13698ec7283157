"""Secrets and hostile text end to end (issue 10, part 5), against the replicas.

Known fake secrets (REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET / ATTENTION_AUTHOR_SALT) go through
the pipeline in Reddit API mode, in clean and failing runs, in process and through the CLI; then
every output is scanned: the store (file bytes and every text cell), exports, the report,
captured logs, stdout and stderr. Author names must be stored hashed; a post titled
``<script>alert(1)</script>`` must render as text in the report and be escaped in CSV exports.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest

from attention.daily.collect import annotate, run_pipeline
from attention.report.export import export_all
from attention.sandbox.server import Fault
from attention.sandbox.services import Sandbox
from attention.store import Store
from tests.reliability.conftest import (
    AUTHOR_SALT,
    FAKE_REDDIT_ID,
    FAKE_REDDIT_SECRET,
    RUN_DATE,
    Recorder,
    make_config,
)
from tests.reliability.subproc import child_env, start_run, write_config
from tests.unit.test_security import formula_cells

SECRETS = [FAKE_REDDIT_ID, FAKE_REDDIT_SECRET, AUTHOR_SALT]
# The HTTP Basic form of the client credentials, as sent to the token endpoint.
BASIC = base64.b64encode(f"{FAKE_REDDIT_ID}:{FAKE_REDDIT_SECRET}".encode()).decode()
NEEDLES = [*SECRETS, BASIC]
HOSTILE_TITLE = '<script>alert(1)</script> =HYPERLINK("http://evil.example") Nvidia'


def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_ID", FAKE_REDDIT_ID)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", FAKE_REDDIT_SECRET)
    monkeypatch.setenv("ATTENTION_AUTHOR_SALT", AUTHOR_SALT)


def _leaks(text: str | bytes, where: str) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    return [
        f"{where}: contains {needle[:12]}..."
        for needle in NEEDLES
        if needle.encode() in data or needle.encode("utf-16-le") in data
    ]


def _store_text_leaks(path: Path) -> list[str]:
    """Every text cell of every table, searched with parameterised LIKE (DuckDB may compress
    strings on disk, so the byte scan alone could miss one)."""
    found = []
    with Store(path, read_only=True) as store:
        columns = store.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type LIKE 'VARCHAR%' OR data_type LIKE '%[]' OR data_type = 'JSON'"
        )
        for table, column in columns.itertuples(index=False):
            for needle in NEEDLES:
                hits = store.query(
                    f'SELECT count(*) AS n FROM "{table}" '  # noqa: S608 - identifiers from the catalog
                    f'WHERE CAST("{column}" AS VARCHAR) LIKE ?',
                    [f"%{needle}%"],
                )["n"].iloc[0]
                if hits:
                    found.append(f"store {table}.{column}: {hits} row(s) with {needle[:12]}...")
    return found


def _file_leaks(root: Path) -> list[str]:
    found = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        found += _leaks(file.read_bytes(), str(file.relative_to(root)))
    return found


def _runs(raw: dict[str, Any], sandbox: Sandbox, path: Path) -> list[Any]:
    """A clean API-mode run, a run whose credentials Reddit refuses, and a run where Reddit
    and the news feeds fail with 500s."""
    config = make_config(raw, sandbox, path, reddit_mode="api")
    reports = [run_pipeline(config, run_date=RUN_DATE)]
    replica = sandbox.servers["reddit"].replica
    good = replica.client_secret
    replica.client_secret = "something-else"  # the replica now refuses our credentials
    try:
        reports.append(run_pipeline(config, run_date=RUN_DATE, sources=["reddit"]))
    finally:
        replica.client_secret = good
    for name in ("reddit", "news"):
        sandbox.servers[name].faults.add(Fault("status", status=500))
    reports.append(run_pipeline(config, run_date=RUN_DATE, sources=["reddit", "news"]))
    return reports


def test_secrets_never_leave_the_environment(
    raw_small: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    recorder: Recorder,
) -> None:
    _env(monkeypatch)
    caplog.set_level(logging.DEBUG)  # every logger, libraries included (prawcore, urllib3)
    path = tmp_path / "store.duckdb"
    reports = _runs(raw_small, sandbox, path)
    assert [r.exit_code for r in reports] == [0, 3, 3], [r.summary() for r in reports]
    assert "credentials" in reports[1].results[0].error  # the refusal is explained...
    config = make_config(raw_small, sandbox, path, reddit_mode="api")
    export_all(config)
    out, err = capfd.readouterr()

    leaks = [f for r in reports for f in _leaks(r.summary(), "run summary")]
    leaks += _leaks(caplog.text, "logs") + _leaks(out, "stdout") + _leaks(err, "stderr")
    leaks += _store_text_leaks(path) + _file_leaks(tmp_path)
    recorder.record(
        "security",
        "fake secrets through API-mode runs (clean, refused, 500s), then store/exports/logs scanned",
        survived=int(not leaks),
    )
    assert leaks == []
    assert len(caplog.records) > 0 and (tmp_path / "exports").is_dir()


def test_secrets_stay_out_of_cli_output(
    raw_small: dict[str, Any], sandbox: Sandbox, tmp_path: Path, recorder: Recorder
) -> None:
    path = tmp_path / "store.duckdb"
    config_path = write_config(
        raw_small, sandbox, path, tmp_path / "config.yaml", **{"sources.reddit.mode": "api"}
    )
    env = child_env(REDDIT_CLIENT_ID=FAKE_REDDIT_ID, REDDIT_CLIENT_SECRET=FAKE_REDDIT_SECRET)
    runs = []
    for fault in (None, Fault("status", status=401)):
        if fault:
            sandbox.servers["reddit"].faults.add(fault)
        child = start_run(config_path, RUN_DATE.isoformat(), "--source", "reddit", env=env)
        # -vv: debug logging of every library on stderr
        runs.append((child, *child.communicate(timeout=300)))
    verbose = start_run(config_path, RUN_DATE.isoformat(), env=env, command="-vv")
    runs.append((verbose, *verbose.communicate(timeout=300)))
    # the refused run collects nothing from its one source: exit 4 (README's exit codes)
    assert [c.returncode for c, *_ in runs][:2] == [0, 4], [e[-2000:] for *_, e in runs]
    leaks = [leak for _, out, err in runs for leak in _leaks(out + err, "CLI output")]
    leaks += _file_leaks(tmp_path)
    recorder.record(
        "security",
        "fake secrets through `attention run` (clean, 401, -vv), "
        "then stdout/stderr and every written file scanned",
        survived=int(not leaks),
    )
    assert leaks == []


def test_authors_are_hashed_by_default(
    raw_small: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: Recorder,
) -> None:
    recorder.record("security", "Reddit authors stored as salted hashes by default")
    _env(monkeypatch)
    path = tmp_path / "store.duckdb"
    config = make_config(raw_small, sandbox, path, reddit_mode="api")
    assert config.sources.reddit.store_author_names is False
    assert run_pipeline(config, run_date=RUN_DATE, sources=["reddit"]).exit_code == 0
    real_names = {t.author for t in sandbox.servers["reddit"].replica.texts()}
    with Store(path, read_only=True) as store:
        stored = store.query("SELECT DISTINCT author FROM items WHERE author IS NOT NULL")
    authors = set(stored["author"])
    assert authors and not authors & real_names
    assert all(a.startswith("u_") and len(a) == 18 for a in authors)


def _hostile_store(raw: dict[str, Any], sandbox: Sandbox, path: Path) -> Any:
    """A clean run plus one Reddit post with a script tag and a spreadsheet formula in it."""
    config = make_config(raw, sandbox, path)
    assert run_pipeline(config, run_date=RUN_DATE).exit_code == 0
    with Store(path) as store:
        template = store.query(
            "SELECT * FROM items WHERE source = 'reddit' AND kind = 'post' ORDER BY score DESC LIMIT 1"
        )
    from collectors.core.records import Provenance, TextItem

    row = template.iloc[0]
    item = TextItem(
        "reddit",
        "t3_hostile",
        "post",
        row["created_utc"].to_pydatetime(),
        HOSTILE_TITLE,
        "=1+2 @SUM(A1) $NVDA to the moon",
        None,
        Provenance("test://hostile", "1", row["created_utc"].to_pydatetime()),
        container="stocks",
        score=10**6,
        num_comments=10**4,
    )
    [scored] = annotate([item], config)
    assert scored.themes, "the hostile post must match a theme to reach the report"
    with Store(path) as store:
        store.write([dataclasses.replace(scored)])
    return config


def test_hostile_text_is_inert_in_exports_and_report(
    raw_small: dict[str, Any], sandbox: Sandbox, tmp_path: Path, recorder: Recorder
) -> None:
    html = pytest.importorskip("attention.daily.outputs")
    config = _hostile_store(raw_small, sandbox, tmp_path / "store.duckdb")
    export_all(config)
    with open(tmp_path / "exports" / "items.csv", newline="") as handle:
        rows = [r for r in csv.reader(handle) if "t3_hostile" in r]
    assert len(rows) == 1 and "'=1+2 @SUM(A1) $NVDA to the moon" in rows[0]
    assert formula_cells(tmp_path / "exports") == []
    result = html.write_report(config, as_of=RUN_DATE)
    page = Path(result.path).read_text()
    recorder.record(
        "security",
        "post titled `<script>alert(1)</script>` and a formula body: report and CSV export",
        survived=int("<script>alert(1)" not in page),
    )
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
