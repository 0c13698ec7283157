"""The one daily flow: `attention run` opens the store once, builds each theme's panel once and
computes the analysis once, handing the same results to the exports and the report; a failing
output step is reported and the steps after it still run."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import attention.analysis.run as analysis_run
import attention.daily.outputs as outputs
import attention.panel.build as panel_build
import attention.panel.snapshot as panel_snapshot
from attention.cli import app
from attention.daily.flow import run_daily
from attention.report.export import read_export
from attention.store import Store

END = dt.date(2024, 4, 30)


def _counting(calls: Counter[str], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return func(*args, **kwargs)

    return wrapper


def test_one_run_opens_the_store_once_and_analyses_once(run_config, monkeypatch) -> None:
    config_path, config, _ = run_config
    calls: Counter[str] = Counter()
    real_init = Store.__init__

    def counting_init(self: Store, *args: Any, **kwargs: Any) -> None:
        calls["store opened"] += 1
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(Store, "__init__", counting_init)
    monkeypatch.setattr(
        analysis_run, "feedback_tests", _counting(calls, "feedback tests", analysis_run.feedback_tests)
    )
    monkeypatch.setattr(outputs, "analyze_panels", _counting(calls, "analysis", outputs.analyze_panels))
    for module in (panel_snapshot, panel_build, analysis_run):
        monkeypatch.setattr(module, "build_theme_panel", _counting(calls, "panel", module.build_theme_panel))
    result = CliRunner().invoke(
        app,
        ["run", "--config", str(config_path), "--date", END.isoformat(), "-s", "prices", "-s", "flows"],
    )
    assert result.exit_code == 0, result.output
    themes = len(config.themes)
    assert calls == {
        "store opened": 1,
        "analysis": 1,
        "feedback tests": themes,
        "panel": themes,
    }
    # the report shows the same analysis the run saved
    with Store(config.store.path, read_only=True) as store:
        saved = store.query("SELECT theme, verdict FROM feedback_verdicts ORDER BY theme")
    page = (config_path.parent / "report" / f"attention-report-{END}.html").read_text(encoding="utf-8")
    assert len(saved) == themes
    for verdict in saved["verdict"]:
        assert html.escape(verdict, quote=False) in page
    exported = read_export(config_path.parent / "exports" / "feedback_verdicts.csv")
    assert sorted(exported["verdict"]) == sorted(saved["verdict"])


def test_a_failing_analysis_still_exports_and_reports(run_config, monkeypatch) -> None:
    _, config, _ = run_config

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected analysis failure")

    monkeypatch.setattr(outputs, "analyze_panels", broken)
    lines: list[str] = []
    result = run_daily(config, run_date=END, sources=["prices"], on_step=lines.append)
    assert result.exit_code == 3
    assert result.failed_steps == ["analysis"]
    assert lines[0] == "attention: analysis failed: RuntimeError: injected analysis failure"
    assert [line.split(":", 1)[0] for line in lines[1:]] == ["export", "report"]
    assert result.exports is not None and result.report is not None
    page = Path(result.report.path).read_text(encoding="utf-8")
    assert "the analysis could not run: RuntimeError: injected analysis failure" in page
