"""Collectors, one subpackage per source family over a small core (DESIGN.md 3).

The registry maps a source name, as used in ``config.yaml`` under ``sources:`` and in
``attention run --source``, to its collector class."""

from __future__ import annotations

import importlib
from typing import Any

# source name -> "module:Class" inside the collectors package. One line per source.
REGISTRY: dict[str, str] = {
    "prices": "market.prices:PriceCollector",
    "flows": "market.shares:FlowCollector",
    "reddit": "reddit.collector:RedditCollector",
    "news": "news.rss:NewsCollector",
    "google_trends": "google_trends.collector:TrendsCollector",
    "wikipedia": "wikipedia.collector:WikipediaCollector",
}


def collector_class(name: str) -> Any:
    """The collector class for a source name (imported on demand: each pulls in its library)."""
    module, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(f"collectors.{module}"), cls)
