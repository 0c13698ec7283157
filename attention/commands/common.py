"""Shared helpers for CLI commands: config loading and turning domain errors into exit codes."""

from __future__ import annotations

import calendar
import datetime as dt
import errno
import functools
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
import typer

from attention.config import Config, load_config, one_line
from attention.errors import AttentionError, FatalError
from attention.store import Store
from attention.store.people import RunningWriter, running_writer

# The README's exit-code table: keep the two in step.
EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_PARTIAL, EXIT_NOTHING = 0, 1, 2, 3, 4
P = ParamSpec("P")
R = TypeVar("R")

CONFIG_OPTION = typer.Option(
    None, "--config", "-c", help="Config file (default: ./config.yaml, else the packaged defaults)."
)


def fail(message: str, code: int = EXIT_FATAL) -> typer.Exit:
    """Every line of ``message`` on stderr as ``attention: ...``; the exit to raise."""
    for line in message.splitlines() or [""]:
        typer.echo(f"attention: {line}", err=True)
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
        except OSError as exc:  # disk full, read-only folder, permissions: the environment
            raise fail(environment_fault(exc), EXIT_FATAL) from None
        except duckdb.Error as exc:
            raise fail(f"the store failed: {one_line(str(exc))[:300]}", EXIT_FATAL) from None

    return wrapper


# The option that sets each config field from the command line (for error messages).
FLAG_NAMES = {"store.path": "--store"}


def environment_fault(exc: OSError) -> str:
    """One line for an OSError: the file, what the system said, and what to do."""
    where = f"{exc.filename}: " if exc.filename else ""
    hints = {
        errno.ENOSPC: "free some disk space and run again",
        errno.EDQUOT: "free some disk space and run again",
        errno.EFBIG: "the file size limit was reached; free space or raise the limit",
        errno.EROFS: "the folder is read-only; point the path at a writable folder",
        errno.EACCES: "check the permissions, or point the path at a writable folder",
        errno.EPERM: "check the permissions, or point the path at a writable folder",
    }
    hint = hints.get(exc.errno or 0, "check the path and run again")
    return one_line(f"{where}{exc.strerror or exc}; {hint}")


def load(config_path: Path | None, **flags: Any) -> Config:
    """Load config with CLI flag overrides (dotted paths; None means "not given")."""
    overrides = {k.replace("__", "."): v for k, v in flags.items() if v is not None}
    names = {dotted: FLAG_NAMES.get(dotted, dotted) for dotted in overrides}
    return load_config(config_path, overrides=overrides, flag_names=names)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()


# Before this no stored series can start (the store keeps UTC timestamps); a later bound is today.
EARLIEST_DATE = dt.date(1970, 1, 1)


def parse_date(value: str | None, option: str = "--date", allow_future: bool = False) -> dt.date | None:
    """A YYYY-MM-DD option value; a bad one is a usage error (exit 2) saying what is wrong.

    Dates before 1970 or after today (UTC) are refused too: no data exists for them, and date
    arithmetic near 0001-01-01 or 9999-12-31 overflows. ``allow_future`` lifts the second bound
    for a command that has a reason to accept a later date."""
    if value is None:
        return None
    shape = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if shape is None:
        raise typer.BadParameter(f"{option} {value!r}: use YYYY-MM-DD")
    year, month, day = (int(part) for part in shape.groups())
    if not 1 <= month <= 12:
        raise typer.BadParameter(f"{option} {value!r}: there is no month {month} (use YYYY-MM-DD)")
    days_in_month = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if year < 1 or not 1 <= day <= days_in_month:
        raise typer.BadParameter(
            f"{option} {value!r}: {calendar.month_name[month]} {year} has {days_in_month} days"
        )
    when = dt.date(year, month, day)
    today = dt.datetime.now(dt.UTC).date()
    if when < EARLIEST_DATE:
        raise fail(f"{option} {value}: before {EARLIEST_DATE}; no data exists that early", EXIT_USAGE)
    if when > today and not allow_future:
        raise fail(f"{option} {value}: after today ({today} UTC); pass a date up to today", EXIT_USAGE)
    return when


def choices(allowed: Iterable[str]) -> Callable[[Any], Any]:
    """A typer callback that makes a value outside ``allowed`` a usage error (exit 2); click
    names the option in the message."""
    allowed = sorted(allowed)

    def check(value: Any) -> Any:
        given = value if isinstance(value, list | tuple) else [value]
        unknown = [v for v in given if v is not None and v not in allowed]
        if unknown:
            shown = ", ".join(repr(v) for v in unknown)
            raise typer.BadParameter(f"{shown}: choose from {', '.join(allowed)}")
        return value

    return check


def time_zone(value: str | None) -> str | None:
    """A typer callback: a ``--timezone`` that is not an IANA zone name is a usage error (exit 2)."""
    import zoneinfo

    if value is not None:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            example = "e.g. UTC, America/New_York"
            raise typer.BadParameter(f"{value!r} is not a time zone name ({example})") from None
    return value


def out_folder(path: Path | None, option: str = "--out") -> Path | None:
    """An ``--out`` folder: absent (it is created) or a folder, never an existing file."""
    if path is not None and path.exists() and not path.is_dir():
        raise fail(f"{option} {path}: is a file; pass a folder (it is created if absent)", EXIT_USAGE)
    return path


@contextmanager
def readable_store(path: Path, writer: RunningWriter | None = None) -> Iterator[Store]:
    """The store opened read-only; while a run holds it (DuckDB then lets no other process
    open it), a copy of the file and its write-ahead log taken now. A copy taken in the middle
    of a checkpoint may not open: the StoreError then reaches the caller (status says since
    when the run has been going)."""
    writer = writer or running_writer(path)
    if writer is None:
        with Store(path, read_only=True) as db:
            yield db
        return
    with tempfile.TemporaryDirectory(prefix="attention-status-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        with Store(copy, read_only=True) as db:
            yield db
