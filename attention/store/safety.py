"""Checks made before a store file is opened or its lock taken: is it a whole DuckDB file, is the
lock file a planted symlink, does this version of attention know the store's schema.

* A SQLite (or any non-DuckDB) file given as the store would make DuckDB fetch a scanner
  extension over the network; the connection disables extension auto-install and auto-load,
  and such a file is refused with a clear line before DuckDB sees it.
* DuckDB files are three 4 KiB headers followed by whole 256 KiB blocks: a size that is not
  means the file was cut short (a failed copy, a full disk) and reads would fail later with
  "Corrupt database file". It is refused at open, before anything writes to it.
* The lock file is opened without following symlinks: a link planted at ``<store>.lock`` would
  otherwise have its target truncated and rewritten.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from attention.errors import StoreError

# Never download or load an extension on the store's connection (DuckDB would fetch a scanner
# over plain HTTP for a SQLite file, for example).
CONNECT_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
HEADERS_BYTES = 3 * 4096
BLOCK_BYTES = 256 * 1024
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of the main header
SQLITE_MAGIC = b"SQLite format 3\x00"


def real_path(path: str | Path) -> Path:
    """The store's path with every symlink resolved: two paths to one file are one store, with
    one lock and one author salt."""
    return Path(os.path.realpath(path))


def check_store_file(path: Path) -> None:
    """Refuse a file that is not a whole DuckDB store (absent or empty files are new stores)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path}: is a SQLite database, not an attention store; pass a .duckdb path")
    if head[8:12] != DUCKDB_MAGIC:
        raise StoreError(f"{path}: is not a DuckDB file (no DuckDB header); pass an attention store")
    if size < HEADERS_BYTES or (size - HEADERS_BYTES) % BLOCK_BYTES:
        raise StoreError(
            f"{path}: the store file is truncated ({size:,} bytes is not a whole number of "
            "blocks); restore it from a backup or copy it again"
        )


def open_lock_file(lock_path: Path) -> IO[str]:
    """The lock file, opened read-write without following a symlink (created 0600 if absent)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(lock_path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(
                f"{lock_path}: is a symlink; refusing to write through it. Remove it and try again"
            ) from None
        raise StoreError(f"{lock_path}: cannot create the store's lock file ({exc.strerror})") from None
    return os.fdopen(descriptor, "r+")


def check_known_migrations(path: Path, applied: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a store written by a newer attention (migrations this version does not have)."""
    known_names = list(known)
    unknown = sorted(set(applied) - set(known_names))
    if unknown:
        version = len(known_names) + len(unknown)
        raise StoreError(
            f"{path}: the store is at schema version {version} (migrations {', '.join(unknown)}), "
            f"newer than this attention's version {len(known_names)}; upgrade attention to open it"
        )
