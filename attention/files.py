"""Writing files that must be whole: a reader sees the old file, or the complete new one, never
a half-written or empty one (a full disk, a kill mid-write), and a symlink planted at the
target's temporary name is never written through.

The content goes to a fresh temporary file in the target's folder (``tempfile.mkstemp``: a new
name, ``O_EXCL``, mode 0600), is flushed to disk, and only then takes the target's name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[str]:
    """A new private temporary file beside ``path``; removed unless the caller renamed it."""
    descriptor, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(descriptor)
    try:
        yield tmp
    finally:
        Path(tmp).unlink(missing_ok=True)


def _fsync(tmp: str) -> None:
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())


def write_atomically(path: str | Path, write: Callable[[str], object]) -> None:
    """``write(tmp)`` fills a temporary file, which then replaces ``path`` in one rename."""
    path = Path(path)
    with _temporary_beside(path) as tmp:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)


def write_text_atomically(path: str | Path, text: str) -> None:
    """``path`` holds ``text`` (UTF-8), replacing any old content in one rename."""
    write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def create_text_once(path: str | Path, text: str) -> bool:
    """Create ``path`` holding ``text`` unless it exists; False when it already did (another
    process may have made it first: its content wins). The file appears whole or not at all."""
    path = Path(path)
    with _temporary_beside(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
        _fsync(tmp)
        try:
            os.link(tmp, path)  # fails if the name exists, whatever it is (even a symlink)
        except FileExistsError:
            return False
    return True
