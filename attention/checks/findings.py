"""What a check found: one problem of one input, in words, with the dates it concerns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One flag. ``check`` names the check (``step_series``, ``frozen_feed``, ...), ``subject``
    the input (a ticker, a search term, a theme), ``detail`` says in words what was found and
    what was done about it; ``first``/``last`` bound the dates concerned."""

    check: str
    subject: str
    detail: str
    first: dt.date | None = None
    last: dt.date | None = None
    severity: str = "warning"  # warning | error

    def line(self) -> str:
        """One line for status, the report and the logs."""
        when = ""
        if self.first is not None and self.last is not None and self.first != self.last:
            when = f" ({self.first} to {self.last})"
        elif self.first is not None:
            when = f" ({self.first})"
        return f"{self.subject}: {self.detail}{when}"
