"""CLI command groups. Each module here has ``register(app, import_app)``; ``attention.cli``
calls them all, so a feature adds its commands without editing the core CLI."""

from __future__ import annotations

import importlib

import typer

# Modules (in attention.commands) whose commands make up the CLI, in help order.
COMMAND_MODULES: list[str] = [
    "core",
    "status",
    "rank",
    "alerts",
    "trends",
    "analysis",
    "reddit",
    "backfill",
    "rescore",
    "outputs",
    "imports",
    "sources",
]


def register_all(app: typer.Typer, import_app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"attention.commands.{name}")
        module.register(app, import_app)
