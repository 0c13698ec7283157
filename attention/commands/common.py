"""Shared helpers for CLI commands: config loading and turning domain errors into exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer

from attention.config import Config, load_config
from attention.errors import AttentionError, FatalError

EXIT_OK, EXIT_FATAL, EXIT_PARTIAL = 0, 1, 3
P = ParamSpec("P")
R = TypeVar("R")

CONFIG_OPTION = typer.Option(
    None, "--config", "-c", help="Config file (default: ./config.yaml, else the packaged defaults)."
)


def fail(message: str, code: int = EXIT_FATAL) -> typer.Exit:
    typer.echo(f"attention: {message}", err=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Domain errors become one line on stderr and an exit code; nothing else is printed."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except FatalError as exc:
            raise fail(str(exc), EXIT_FATAL) from None
        except AttentionError as exc:
            raise fail(str(exc), EXIT_PARTIAL) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def load(config_path: Path | None, **flags: Any) -> Config:
    """Load config with CLI flag overrides (dotted paths; None means "not given")."""
    overrides = {k.replace("__", "."): v for k, v in flags.items() if v is not None}
    return load_config(config_path, overrides=overrides)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    """A YYYY-MM-DD option value; a bad one is a usage error (exit 2) naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} {value!r}: use YYYY-MM-DD") from None
