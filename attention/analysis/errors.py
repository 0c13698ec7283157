"""Errors raised by the analysis layer."""

from __future__ import annotations

from attention.errors import AttentionError


class AnalysisInputError(AttentionError):
    """The series given to an analysis function cannot be used (the message says why)."""
