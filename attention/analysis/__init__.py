"""Analysis: feedback-loop tests, event studies, the Preis backtest and market context.

The heavy modules are imported lazily so that ``attention.analysis.simulate`` (used by the
sandbox) stays cheap to import.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module (inside attention.analysis) that defines it
_EXPORTS = {
    "LoopParams": "simulate",
    "simulate_loop": "simulate",
    "GrangerResult": "granger",
    "granger": "granger",
    "benjamini_hochberg": "granger",
    "FeedbackResult": "feedback",
    "feedback_tests": "feedback",
    "EventStudyResult": "event",
    "event_study": "event",
    "PreisResult": "preis",
    "preis_backtest": "preis",
    "MarketContext": "context",
    "market_context": "context",
    "seasonal_relative_return": "context",
    "AnalysisResults": "run",
    "ThemeAnalysis": "run",
    "analyze_panels": "run",
    "analyze": "run",
    "AnalysisInputError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'attention.analysis' has no attribute {name!r}")
    return getattr(importlib.import_module(f"attention.analysis.{module}"), name)
