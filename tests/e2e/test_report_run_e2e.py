"""`attention run` ends by refreshing the analysis, the exports and the report (the daily flow's
output STEPS);
`attention export` and `attention report` work on the same store afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import validate_config
from attention.daily.flow import STEPS
from attention.report.export import read_export
from attention.sandbox.services import Sandbox, apply_overrides
from attention.sandbox.world import World

END = dt.date(2024, 4, 30)


def test_run_refreshes_exports_and_report(raw_config, tmp_path: Path, monkeypatch) -> None:
    world = World(validate_config(raw_config), dt.date(2024, 1, 1), END, seed=7)
    with Sandbox(world, ["yahoo"]) as sandbox:
        overrides = {
            "store.path": str(tmp_path / "s.duckdb"),
            "outputs.export_dir": str(tmp_path / "exports"),
            "outputs.report_dir": str(tmp_path / "report"),
            "analysis.history_start": "2024-01-01",
            **sandbox.config_overrides(),
        }
        config_path = tmp_path / "config.yaml"
        config_path.write_text(yaml.safe_dump(apply_overrides(raw_config, overrides)))
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(
            app,
            [
                "run",
                "--config",
                str(config_path),
                "--date",
                END.isoformat(),
                "--source",
                "prices",
                "--source",
                "flows",
            ],
        )
    assert result.exit_code == 0, result.output
    for step in STEPS:
        assert f"{step}: " in result.stderr and "failed" not in result.stderr
    # They ran in this order: the analysis first, then the export and the report that use it.
    ran = sorted(STEPS, key=lambda step: result.stderr.index(f"{step}: "))
    assert list(ran) == ["analysis", "export", "report"]
    prices = read_export(tmp_path / "exports" / "prices.csv")
    assert len(prices) == len(world.sessions) * len(validate_config(raw_config).all_tickers())
    report = tmp_path / "report" / f"attention-report-{END}.html"
    assert report.exists() and (tmp_path / "report" / "charts" / "performance.png").exists()

    again = CliRunner().invoke(
        app, ["export", "--config", str(config_path), "--format", "parquet", "--out", str(tmp_path / "pq")]
    )
    assert again.exit_code == 0, again.output
    assert len(read_export(tmp_path / "pq" / "prices.parquet")) == len(prices)
    redo = CliRunner().invoke(
        app, ["report", "--config", str(config_path), "--date", "2024-03-29", "--out", str(tmp_path / "old")]
    )
    assert redo.exit_code == 0, redo.output
    old = (tmp_path / "old" / "attention-report-2024-03-29.html").read_text(encoding="utf-8")
    assert "Market attention report — 2024-03-29" in old
    bad = CliRunner().invoke(app, ["report", "--config", str(config_path), "--date", "29/03"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
