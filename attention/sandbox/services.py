"""All replicas together: start every external service of the simulated world on loopback and
produce the config overrides that point the collectors at them.

Each replica class takes the :class:`World` and has ``config_overrides(url) -> {dotted: value}``.
Adding a source adds one line to ``REPLICAS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from attention.sandbox.server import SandboxServer
from attention.sandbox.world import World

# source name -> "module:Class" inside attention.sandbox
REPLICAS: dict[str, str] = {
    "yahoo": "yahoo:YahooReplica",
    "reddit": "reddit:RedditReplica",
    "news": "news:NewsReplica",
    "trends": "trends:TrendsReplica",
    "arctic_shift": "arctic_shift:ArcticShiftReplica",
    "wikipedia": "wikipedia:WikipediaReplica",
    "trends_api": "trends_api:TrendsApiReplica",
}
# Replicas started with another: keyless Reddit runs need Arctic Shift beside the Reddit replica.
COMPANIONS: dict[str, list[str]] = {"reddit": ["arctic_shift"]}


def replica_class(name: str) -> Any:
    module, cls = REPLICAS[name].split(":")
    return getattr(importlib.import_module(f"attention.sandbox.{module}"), cls)


class Sandbox:
    """Every replica of the world, each on its own loopback port. A context manager."""

    def __init__(self, world: World, names: list[str] | None = None) -> None:
        self.world = world
        wanted = list(names or REPLICAS)
        wanted += [c for name in wanted for c in COMPANIONS.get(name, []) if c not in wanted]
        self.servers: dict[str, SandboxServer] = {
            name: SandboxServer(replica_class(name)(world)) for name in wanted
        }

    def start(self) -> Sandbox:
        for server in self.servers.values():
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def config_overrides(self) -> dict[str, Any]:
        """Dotted config paths -> values that point every collector at its replica."""
        overrides: dict[str, Any] = {}
        for name, server in self.servers.items():
            overrides.update(replica_class(name).config_overrides(server.url))
        return overrides


def apply_overrides(raw: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a raw config mapping with dotted-path overrides applied."""
    import copy

    out = copy.deepcopy(raw)
    for dotted, value in overrides.items():
        node = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out
