"""Worker processes for scoring large batches, kept alive between calls.

Starting workers per call threw away what they had learnt: each new worker began with the parent's
token cache (cold, because the parent does not score when workers do), so every batch of a long
backfill paid the cold-cache price again. Here one executor is kept per (scoring key, worker
count) and reused; it is rebuilt after a fork (a child must not share its parent's workers) and
shut down at interpreter exit.

A worker that dies (killed, out of memory) breaks the executor; the batch is then scored
in-process, so a caller gets its scores either way, and the next call starts fresh workers.
"""

from __future__ import annotations

import atexit
import logging
import math
import multiprocessing
import os
import threading
import time
from array import array
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)
KeyT = TypeVar("KeyT", bound=Hashable)  # the scoring key ``work`` takes

# Each chunk is the remaining work / (workers * GUIDED_DIVISOR), at least MIN_CHUNK texts.
GUIDED_DIVISOR = 2
MIN_CHUNK = 250
PARENT_POLL_SECONDS = 1.0

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_executor_key: tuple[Hashable, int, int] | None = None  # (scoring key, workers, owner pid)


def score_in_workers(
    work: Callable[[KeyT, Sequence[str]], array], key: KeyT, texts: Sequence[str], workers: int
) -> array:
    """``work(key, chunk)`` over chunks of ``texts`` in ``workers`` processes, joined in input order.

    ``work`` must be a module-level function (it is sent to the workers by name) returning a flat
    ``array("d")``: a float array pickles as one block of bytes, far cheaper to send back than a
    tuple per text. It runs in this process instead when workers cannot run here (a daemonic
    process, such as a Dask or multiprocessing worker, may not start children) or a worker dies.
    """
    if multiprocessing.current_process().daemon:
        return work(key, texts)
    chunks = _guided_chunks(texts, workers)
    try:
        parts = list(_get_executor(key, workers).map(work, [key] * len(chunks), chunks))
    except BrokenProcessPool:
        log.warning("a sentiment worker process died; scoring this batch in-process")
        shutdown_workers()
        return work(key, texts)
    except (CancelledError, RuntimeError) as exc:
        # Another thread retired this executor (a different lexicon) while we were using it.
        log.warning("sentiment workers were shut down mid-batch (%s); scoring in-process", exc)
        return work(key, texts)
    joined = array("d")
    for part in parts:
        joined.extend(part)
    return joined


def _guided_chunks(texts: Sequence[str], workers: int) -> list[Sequence[str]]:
    """Large chunks first, shrinking towards the end ("guided" scheduling).

    Few messages while there is plenty left, and small last chunks so that both workers finish
    together however unevenly long the texts are.
    """
    chunks, start, n = [], 0, len(texts)
    while start < n:
        size = max(MIN_CHUNK, math.ceil((n - start) / (workers * GUIDED_DIVISOR)))
        chunks.append(texts[start : start + size])
        start += size
    return chunks


def shutdown_workers() -> None:
    """Stop the kept workers (they are also stopped at exit); the next large batch starts new ones."""
    global _executor, _executor_key
    with _lock:
        executor, _executor, _executor_key = _executor, None, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def _get_executor(key: Hashable, workers: int) -> ProcessPoolExecutor:
    global _executor, _executor_key
    wanted = (key, workers, os.getpid())
    with _lock:
        if _executor is not None and _executor_key == wanted:
            return _executor
        stale, stale_key = _executor, _executor_key
        # fork shares the parent's already-built lexicon with the workers; spawn (other OSes)
        # rebuilds it in each worker.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        _executor = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        _executor_key = wanted
    if stale is not None and stale_key is not None and stale_key[2] == os.getpid():
        stale.shutdown(wait=False, cancel_futures=True)  # another key or size: retire it
    return _executor


def _watch_parent(parent: int, interval: float = PARENT_POLL_SECONDS) -> None:
    """Worker initializer: exit when the parent is gone.

    A worker waits on its task queue, whose write end it holds itself, so it never sees the
    parent die: after a SIGKILL or a cron timeout's SIGTERM (no atexit), kept workers would run
    on under init. A thread per worker checks the parent every ``interval`` seconds instead
    (prctl's parent-death signal would fire when the parent *thread* ends, too early).
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="sentiment-parent-watch", daemon=True).start()


atexit.register(shutdown_workers)
