"""The compiled sentiment modules (what a wheel install runs, setup.py) score exactly as the
Python ones.

Builds setup.py's ``COMPILED_MODULES`` with the repository's own setup.py (``build_ext
--inplace`` in a copy of the package, no download: the installed mypy and setuptools), then
scores every VADER ground-truth text and every r/wallstreetbets text with each lexicon in a
subprocess that imports the copy, and compares with this process's pure-Python scores.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from attention.sentiment.corpora import GROUNDTRUTH_FILES, read_vader_groundtruth, read_wsb_texts
from attention.sentiment.scorer import SentimentScorer, rules_compiled

pytestmark = [pytest.mark.shared, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
LEXICONS = ("vader", "finance", "finance-3")
SCORE_IN_COPY = """
import sys
import numpy as np
from attention.sentiment.scorer import SentimentScorer, rules_compiled
assert rules_compiled(), "the copy's rules are not compiled"
texts = open(sys.argv[1], encoding="utf-8", newline="").read().split("\\x00")
for lexicon in sys.argv[3:]:
    np.save(f"{sys.argv[2]}/{lexicon}.npy", SentimentScorer(lexicon).score(texts, processes=1).to_numpy())
"""


def _compiler_or_skip() -> None:
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler: a wheel install falls back to the pure-Python rules")
    if importlib.util.find_spec("mypyc") is None:
        pytest.skip("mypyc (part of mypy, a dev dependency) is not installed")


def _compiled_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "build"
    shutil.copytree(
        REPO / "attention", copy / "attention", ignore=shutil.ignore_patterns("__pycache__", "*.so")
    )
    # setup.py alone: the metadata in pyproject.toml needs a newer setuptools than a machine
    # may have outside pip's build environment, and build_ext needs none of it
    shutil.copy(REPO / "setup.py", copy / "setup.py")
    env = {k: v for k, v in os.environ.items() if k != "ATTENTION_PURE_PYTHON"}
    built = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert list((copy / "attention" / "sentiment").glob("vader_engine*.so")), built.stderr[-2000:]
    return copy


def test_compiled_modules_score_every_real_text_as_the_python_ones(shared_data: Path, tmp_path: Path) -> None:
    _compiler_or_skip()
    assert not rules_compiled()  # this process: the source tree (an editable install)
    texts = [
        r.text
        for name in sorted(GROUNDTRUTH_FILES)
        for r in read_vader_groundtruth(shared_data / "vader_groundtruth", name)
    ]
    texts += [t for _, t in read_wsb_texts(shared_data / "reddit_wsb_posts")]
    texts = [t for t in texts if "\x00" not in t]
    assert len(texts) > 35_000
    copy = _compiled_copy(tmp_path)
    corpus = tmp_path / "texts.txt"
    corpus.write_text("\x00".join(texts), encoding="utf-8")
    # -I would drop PYTHONPATH; -P (3.11) keeps the working directory off sys.path instead
    env = {**os.environ, "PYTHONPATH": str(copy)}
    run = subprocess.run(
        [sys.executable, "-P", "-c", SCORE_IN_COPY, str(corpus), str(tmp_path), *LEXICONS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for lexicon in LEXICONS:
        expected = SentimentScorer(lexicon).score(texts, processes=1).to_numpy()
        got = np.load(tmp_path / f"{lexicon}.npy")
        differ = np.flatnonzero((got != expected).any(axis=1))
        assert not len(differ), (
            f"{lexicon}: {len(differ)} of {len(texts)} differ, e.g. {texts[differ[0]][:80]!r}"
        )
