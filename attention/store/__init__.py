"""The embedded DuckDB store behind one API: ``from attention.store import Store``.

Modules, by concept:

* :mod:`~attention.store.core`  the connection and its lock, migrations, transactions,
  idempotent upserts, generic reads (counts, tables, cursors)
* :mod:`~attention.store.schema`  the migrations (the schema)
* :mod:`~attention.store.runlog`  the run log; :mod:`~attention.store.checks` integrity checks
* query groups, by who asks: :mod:`~attention.store.lookups` collectors
  (``collectors.core.lookups.StoredLookups``), :mod:`~attention.store.derived` the derivations,
  :mod:`~attention.store.panel_inputs` the panel builder, :mod:`~attention.store.exports` the exports,
  :mod:`~attention.store.outputs` the analysis results and the report
* :mod:`~attention.store.api`  :class:`Store`, the core with every query group mixed in

Every SQL statement of the application lives in this package; callers ask through named
methods. ``Store.query`` runs arbitrary SQL for tests and ad-hoc inspection only, and
``Store.con`` is not used outside this package.
"""

from __future__ import annotations

from attention.store.api import Store
from attention.store.checks import DATE_CURSORS

__all__ = ["DATE_CURSORS", "Store"]
