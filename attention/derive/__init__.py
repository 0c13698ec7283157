"""Post-collection derivations: datasets computed from stored raw data (store -> store), run by
the pipeline after every source has been collected, e.g. stitching raw Google Trends responses
into one common-scale series, or ETF flows from shares outstanding.

Each entry is "module:function"; the function takes ``(store, config)`` and returns the number of
rows it wrote. A failing derivation is reported in the run log and never undoes collected data.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger("attention.derive")

DERIVATIONS: list[str] = [
    "attention.derive.flows:derive_flows",
    "attention.derive.search:derive_search_series",
    "attention.derive.checks:derive_checks",  # last: it checks what the others wrote
]


def resolve(entry: str) -> Any:
    module, func = entry.split(":")
    return getattr(importlib.import_module(module), func)
