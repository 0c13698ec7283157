"""Steps that `attention run` performs after collection: analysis, exports, charts, report.

Each entry is "module:function" taking ``(config, report)`` and returning a one-line summary. A
step that fails is reported on stderr and turns a clean run into a partial one (exit 3); it
never touches collected data.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("attention.daily.steps")

STEPS: list[str] = [
    "attention.analysis.run:post_run_step",
    "attention.report.steps:export_step",
    "attention.report.steps:report_step",
]


def run_steps(config: Any, report: Any) -> Iterator[str]:
    for entry in STEPS:
        module, func = entry.split(":")
        try:
            summary = getattr(importlib.import_module(module), func)(config, report)
        except Exception as exc:  # one failing output step never hides the others
            log.debug("post-run step %s failed", entry, exc_info=True)
            report.post_run_failures.append(entry)
            yield f"attention: {entry} failed: {type(exc).__name__}: {exc}"
        else:
            yield f"{entry}: {summary}"
