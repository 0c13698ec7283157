"""Large archive backfills on Dask: partitions, the worker's job, and the client that commits."""

from attention.backfill.client import BackfillResult, backfill
from attention.backfill.cluster import dask_client

__all__ = ["BackfillResult", "backfill", "dask_client"]
