"""Errors raised by the analysis layer."""

from __future__ import annotations

from attention.errors import FatalError


class AnalysisInputError(FatalError):
    """The input given to an analysis function or import cannot be used (the message says
    why). Fatal for the command: the same input will fail again until it is fixed."""
