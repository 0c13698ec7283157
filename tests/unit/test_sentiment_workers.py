"""The kept worker processes behind SentimentScorer.score for large batches."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator, Sequence

import pandas as pd
import pytest

from attention.sentiment import workers as sentiment_workers
from attention.sentiment.scorer import SentimentScorer
from attention.sentiment.workers import _guided_chunks, score_in_workers, shutdown_workers

_PARENT = os.getpid()


def _lengths(key: str, texts: Sequence[str]) -> array:
    """A stand-in scorer: text length and the worker's pid, so a test sees who did the work."""
    out = array("d")
    for text in texts:
        out.extend((len(text), os.getpid()))
    return out


def _dies_in_a_worker(key: str, texts: Sequence[str]) -> array:
    if os.getpid() != _PARENT:
        os._exit(1)  # a worker killed mid-batch (out of memory, SIGKILL)
    return _lengths(key, texts)


@pytest.fixture(autouse=True)
def _fresh_workers() -> Iterator[None]:
    shutdown_workers()
    yield
    shutdown_workers()


def _texts(n: int) -> list[str]:
    return ["x" * (k % 37) for k in range(n)]


def test_rows_come_back_in_input_order_from_worker_processes() -> None:
    texts = _texts(5_000)
    flat = score_in_workers(_lengths, "k", texts, 2)
    assert list(flat[0::2]) == [float(len(t)) for t in texts]
    assert _PARENT not in set(flat[1::2])  # the parent only waited


def test_workers_are_kept_between_calls() -> None:
    score_in_workers(_lengths, "k", _texts(3_000), 2)
    executor = sentiment_workers._executor
    workers = set(executor._processes)  # the pids the executor started
    second = set(score_in_workers(_lengths, "k", _texts(3_000), 2)[1::2])
    assert sentiment_workers._executor is executor
    assert second <= workers  # the same processes (warm caches), not new ones


def test_another_key_or_size_retires_the_old_workers() -> None:
    score_in_workers(_lengths, "k", _texts(3_000), 2)
    old = sentiment_workers._executor
    score_in_workers(_lengths, "other lexicon", _texts(3_000), 2)
    assert sentiment_workers._executor is not old


def test_a_dead_worker_costs_speed_not_scores(caplog: pytest.LogCaptureFixture) -> None:
    texts = _texts(2_000)
    flat = score_in_workers(_dies_in_a_worker, "k", texts, 2)
    assert list(flat[0::2]) == [float(len(t)) for t in texts]
    assert set(flat[1::2]) == {_PARENT}  # scored in-process after the pool broke
    assert "worker process died" in caplog.text
    assert sentiment_workers._executor is None  # the next call starts fresh workers
    assert _PARENT not in set(score_in_workers(_lengths, "k", texts, 2)[1::2])


def test_a_daemonic_process_scores_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    class Daemon:
        daemon = True

    monkeypatch.setattr(sentiment_workers.multiprocessing, "current_process", Daemon)
    flat = score_in_workers(_lengths, "k", _texts(2_000), 2)
    assert set(flat[1::2]) == {_PARENT}
    assert sentiment_workers._executor is None


def test_guided_chunks_cover_every_text_once_and_shrink() -> None:
    texts = list(range(38_154))
    chunks = _guided_chunks(texts, 2)
    assert [t for chunk in chunks for t in chunk] == texts
    sizes = [len(c) for c in chunks]
    assert sizes[0] > sizes[-2] >= sentiment_workers.MIN_CHUNK
    assert sizes == sorted(sizes, reverse=True)


def test_scorer_frames_match_across_calls_with_kept_workers() -> None:
    scorer = SentimentScorer("finance")
    texts = [f"{w} {k}" for k in range(1_000) for w in ("bullish calls", "guidance cut", "meh")]
    serial = scorer.score(texts, processes=1)
    for _ in range(2):
        pd.testing.assert_frame_equal(scorer.score(texts, processes=2), serial)
