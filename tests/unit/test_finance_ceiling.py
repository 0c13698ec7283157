"""The pure logic of benchmarks/finance_ceiling.py (the gate, its choice on training rows, the
ranking AUC, the corpus weights) and the training script's row weights it relies on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import scipy.sparse as sp

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "finance_ceiling.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("finance_ceiling", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _benchmark()


def test_gate_calls_neutral_above_p_and_otherwise_the_likelier_polar_side() -> None:
    probs = np.array([[0.2, 0.6, 0.2], [0.5, 0.4, 0.1], [0.1, 0.4, 0.5], [0.3, 0.4, 0.3]])
    assert bench.gate(probs, 0.5).tolist() == [1, 0, 2, 1]  # the last: a polar tie stays neutral
    assert bench.gate(probs, 0.35).tolist() == [1, 1, 1, 1]


def test_the_gate_is_chosen_for_the_weaker_corpus_on_the_rows_given() -> None:
    # Tweets: neutral at P(neutral) 0.8, polar at 0.2; headlines: all polar, at P(neutral) 0.6.
    # Only a gate in (0.6, 0.8] gets both right.
    probs = np.array(
        [
            [0.15, 0.8, 0.05],
            [0.05, 0.8, 0.15],
            [0.7, 0.2, 0.1],
            [0.1, 0.2, 0.7],
            [0.1, 0.6, 0.3],
            [0.3, 0.6, 0.1],
            [0.1, 0.6, 0.3],
            [0.3, 0.6, 0.1],
        ]
    )
    y = np.array([1, 1, 0, 2, 2, 0, 2, 0])
    is_semeval = np.arange(8) >= 4
    assert bench.choose_gate(probs, y, is_semeval) in {0.65, 0.7, 0.75, 0.8}


def test_auc_counts_ties_half_and_is_symmetric() -> None:
    positive = np.array([True, True, False, False])
    assert bench.auc(np.array([0.9, 0.8, 0.1, 0.2]), positive) == 1.0
    assert bench.auc(np.array([0.5, 0.5, 0.5, 0.5]), positive) == 0.5
    assert bench.auc(np.array([0.1, 0.8, 0.9, 0.2]), positive) == 0.25


def test_corpora_equal_weights_give_each_corpus_half_the_total() -> None:
    is_semeval = np.array([False] * 9 + [True])
    assert bench.row_weights(is_semeval, False) is None
    w = bench.row_weights(is_semeval, True)
    assert w[is_semeval].sum() == w[~is_semeval].sum() == 5.0


def test_fit_without_weights_is_fit_with_unit_weights_and_weights_count() -> None:
    x = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]], dtype=float))
    y = np.array([0, 1, 2, 1, 0, 2])
    w_none, b_none = bench.TRAIN.fit(x, y, 1.0)
    w_ones, b_ones = bench.TRAIN.fit(x, y, 1.0, np.ones(6))
    assert np.array_equal(w_none, w_ones) and np.array_equal(b_none, b_ones)
    w_heavy, _ = bench.TRAIN.fit(x, y, 1.0, np.array([5.0, 1, 1, 1, 1, 1]))
    assert not np.allclose(w_heavy, w_none)
