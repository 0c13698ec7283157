"""Bad files through the CLI: one line on stderr, exit code 1, no traceback, and the store
exactly as it was (issue 10, part 4; the generated inputs are in test_bad_input.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.store import Store
from collectors.core.records import CursorUpdate, PriceBar, Provenance
from tests.reliability.conftest import Recorder

runner = CliRunner()
BAD_FILES = {
    "trends-csv": [
        "",
        "Week,stocks: (United States)\n2024-01-07,abc\n",
        "\x00\x01garbage",
        "Day,a: (United States),b: (United States)\n2024-01-01,1\n",
        "Week,stocks: (United States)\n2024-01-07,300\n",
    ],
    "flows-csv": [
        "",
        "date,ticker\n2024-01-02,IWM\n",
        "date,ticker,flow_usd\n2024-13-01,IWM,1\n",
        "date,ticker,flow_usd\n2024-01-02,IWM,1e999\n",
        "\x00\x01garbage",
    ],
    "reddit-dump": ["\x00\x01garbage", "not json at all\n", "[1, 2, 3]\n"],
}
CASES = [
    pytest.param(command, text, id=f"{command}-{i}")
    for command, texts in BAD_FILES.items()
    for i, text in enumerate(texts)
]


def _seeded_store(path: Path) -> dict[str, int]:
    prov = Provenance("test://seed", "1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    with Store(path) as store:
        store.write(
            [
                PriceBar("IWM", dt.date(2024, 1, 2), 1, 1, 1, 1, 1, 1, "test", prov),
                CursorUpdate("prices", "IWM", "2024-01-02"),
            ]
        )
        return {t: store.count(t) for t in store.tables()}


@pytest.mark.parametrize(("command", "text"), CASES)
def test_bad_import_file(
    command: str, text: str, tmp_path: Path, default_config_path: Path, recorder: Recorder
) -> None:
    recorder.record(
        "bad input",
        f"`attention import {command}` with a bad file",
        detail="exit 1, one line on stderr, store unchanged",
    )
    store_path = tmp_path / "store.duckdb"
    before = _seeded_store(store_path)
    name = {"trends-csv": "multiTimeline.csv", "flows-csv": "flows.csv", "reddit-dump": "RS_2024-01.ndjson"}[
        command
    ]
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["import", command, str(bad), "--config", str(default_config_path), "--store", str(store_path)]
    )
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stderr.startswith("attention: ") and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    with Store(store_path) as store:
        assert {t: store.count(t) for t in store.tables()} == before


@pytest.mark.parametrize(
    "text",
    [
        "themes: [",
        "version: 2\n",
        "- a\n- b\n",
        "themes:\n  x:\n    label: X\n",
        "sources:\n  reddit:\n    client_secret: abc\n",
    ],
)
def test_bad_config_file(text: str, tmp_path: Path, recorder: Recorder) -> None:
    recorder.record(
        "bad input",
        "`attention run` with a bad config file",
        detail="exit 1, one line on stderr naming the file, no store created",
    )
    config = tmp_path / "config.yaml"
    config.write_text(text)
    store_path = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["run", "--config", str(config), "--store", str(store_path)])
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stderr.startswith(f"attention: {config}") and "Traceback" not in result.output
    assert not store_path.exists()  # nothing opened, nothing written
