"""Our labelled headline set (benchmarks/data) reads back against the recorded titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from attention.sentiment.corpora import CorpusMissingError, read_our_headlines

pytestmark = pytest.mark.shared

LABELS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "headline_sentiment_labels.csv"


def test_every_label_finds_its_headline(shared_data: Path) -> None:
    rows = read_our_headlines(LABELS, shared_data)
    assert len(rows) == 1200
    assert {r.rating for r in rows} == {-1.0, 0.0, 1.0}
    assert sum(r.id.startswith("bbc:") for r in rows) == 800
    assert next(r for r in rows if r.id == "bbc:169").text.startswith("Post Office scandal victims")


def test_a_label_whose_headline_changed_is_an_error(shared_data: Path, tmp_path: Path) -> None:
    moved = tmp_path / "labels.csv"
    moved.write_text(
        "id,label,snippet\nbbc:170,-1,Post Office scandal victims still waiting\n", encoding="utf-8"
    )
    with pytest.raises(CorpusMissingError, match="bbc:170: the text no longer matches its snippet"):
        read_our_headlines(moved, shared_data)
