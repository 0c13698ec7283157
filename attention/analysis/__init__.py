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
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'attention.analysis' has no attribute {name!r}")
    return getattr(importlib.import_module(f"attention.analysis.{module}"), name)
