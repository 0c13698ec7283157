"""`attention run` ends by refreshing the analysis, the exports and the report (the daily flow's
output STEPS); `attention export` and `attention report` work on the same store afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from attention.cli import app
from attention.daily.flow import STEPS
from attention.report.export import read_export

END = dt.date(2024, 4, 30)


def test_run_refreshes_exports_and_report(run_config, tmp_path: Path) -> None:
    config_path, config, world = run_config
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
    assert len(prices) == len(world.sessions) * len(config.all_tickers())
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
