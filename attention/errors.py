"""The one exception tree of the project.

Errors are classified by what the caller should do (DESIGN.md 4.6):

* ``RetriableError``: try again later (429, 5xx, timeouts, dropped connections).
* ``FatalError``: stop this source or the whole run; retrying will not help (bad config,
  credentials refused, store unusable).
* ``ItemError``: one bad item; log it, count it, skip it.
"""

from __future__ import annotations


class AttentionError(Exception):
    """Root of every error this project raises on purpose."""


class FatalError(AttentionError):
    """Retrying will not help; the message says what to fix."""


class ConfigError(FatalError):
    """The configuration file is invalid. The message names file, field and fix."""


class InputFileError(FatalError):
    """A file the user gave cannot be used; the message names the file, the line and the fix."""


class StoreError(FatalError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store."""


class AuthError(FatalError):
    """A service refused our credentials (401/403)."""


class RetriableError(AttentionError):
    """A transient failure: the same request may succeed later."""


class RateLimitedError(RetriableError):
    """The service told us to slow down (429)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BudgetExhaustedError(RetriableError):
    """This run's request budget for a source is spent; the rest waits for the next run."""


class ItemError(AttentionError):
    """One item could not be parsed; skip it and count it."""
