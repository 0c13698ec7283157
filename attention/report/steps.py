"""The output steps `attention run` performs after collection and analysis (registered in
``attention/daily/steps.py:STEPS``): refresh the exports, then the charts and the report."""

from __future__ import annotations

from typing import Any

from attention.config import Config


def export_step(config: Config, report: Any = None) -> str:
    from attention.report.export import export_all

    return export_all(config).summary()


def report_step(config: Config, report: Any = None) -> str:
    from attention.report.html import write_report

    as_of = getattr(report, "run_date", None)
    return write_report(config, as_of=as_of).summary()
