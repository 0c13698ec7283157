"""The Dask cluster a backfill runs on: a client of a remote scheduler, or a LocalCluster bound
to loopback only (workers, scheduler and dashboard), and the dashboard's address."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from attention.errors import FatalError

LOOPBACK = "127.0.0.1"  # local clusters listen here only
SCHEDULER_TIMEOUT = "20s"  # how long a remote scheduler may take to answer the first connection


# -- the cluster --------------------------------------------------------------------------------
@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str = "2GiB",
    dashboard: bool = True,
) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, else of a new LocalCluster of ``workers``
    single-threaded processes (default: one per usable core)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise FatalError("the backfill needs Dask: pip install 'attention[scale]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except OSError as exc:
            raise FatalError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); is `dask scheduler` running there?"
            ) from None
        with client:
            yield client
        return
    from attention.sentiment.scorer import usable_cores

    # One thread per process: parsing and scoring hold the GIL, so threads would not help.
    cluster = LocalCluster(
        n_workers=workers or usable_cores(),
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit,
        # Loopback only, dashboard included: ":0" would serve it on every interface.
        host=LOOPBACK,
        dashboard_address=f"{LOOPBACK}:0" if dashboard else None,
    )
    with cluster, Client(cluster) as client:
        yield client


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, if the scheduler serves one."""
    import importlib.util

    with contextlib.suppress(Exception):
        if "dashboard" not in client.scheduler_info().get("services", {}):
            return None
        hint = "" if importlib.util.find_spec("bokeh") else " (pip install 'bokeh>=3.1' to see it)"
        return f"{client.dashboard_link}{hint}"
    return None
