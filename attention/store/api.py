"""The :class:`Store`: the core (:mod:`attention.store.core`) with every group of named reads
and writes mixed in. Nothing outside :mod:`attention.store` writes SQL: a new question about
stored data becomes a named method in the group of whoever asks it."""

from __future__ import annotations

from attention.store.checks import ChecksMixin
from attention.store.coverage import CoverageMixin
from attention.store.derived import DerivedTablesMixin
from attention.store.exports import ExportReadsMixin
from attention.store.flags import FlagsMixin
from attention.store.imported import ImportsMixin
from attention.store.lookups import CollectorLookupsMixin
from attention.store.outputs import OutputQueries
from attention.store.panel_inputs import PanelInputsMixin
from attention.store.people import PeopleReadsMixin
from attention.store.runlog import RunLogMixin
from attention.store.volumes import VolumesMixin


class Store(
    CollectorLookupsMixin,
    DerivedTablesMixin,
    PanelInputsMixin,
    ExportReadsMixin,
    OutputQueries,
    RunLogMixin,
    ChecksMixin,
    CoverageMixin,
    FlagsMixin,
    ImportsMixin,
    VolumesMixin,
    PeopleReadsMixin,
):
    """A DuckDB file plus its lock, with the named queries of every caller.

    Use as a context manager or call :meth:`close`. Open read-only (``read_only=True``) to
    read while no writer runs; a writer holds an exclusive lock for its lifetime.
    """
