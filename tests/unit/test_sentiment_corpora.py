"""Reading a user's labelled CSV for evaluating the finance overlay."""

from __future__ import annotations

from pathlib import Path

import pytest

from attention.sentiment.corpora import CorpusMissingError, read_labelled_csv


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labelled.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_word_labels_and_columns_found_by_name(tmp_path: Path) -> None:
    path = _write(tmp_path, 'Label,Sentence\npositive,"Profit rose, again"\nNeutral,x\nneg,y\n')
    rows = read_labelled_csv(path)
    assert [(r.rating, r.text) for r in rows] == [(1.0, "Profit rose, again"), (0.0, "x"), (-1.0, "y")]
    assert rows[0].id == "labelled.csv:2"


def test_numeric_labels_and_explicit_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b\n-0.4,shares slump\n0.7,beats estimates\n")
    rows = read_labelled_csv(path, text_column="b", label_column="a")
    assert [r.rating for r in rows] == [-0.4, 0.7]


def test_bad_labels_and_missing_columns_name_the_line_and_fix(tmp_path: Path) -> None:
    with pytest.raises(CorpusMissingError, match=r"line 4: label 'maybe'"):
        read_labelled_csv(_write(tmp_path, 'text,label\n"two\nlines",positive\nhm,maybe\n'))
    with pytest.raises(CorpusMissingError, match=r"no text column.*--text-column"):
        read_labelled_csv(_write(tmp_path, "words,label\nok,positive\n"))
    with pytest.raises(CorpusMissingError, match=r"no column 'body'"):
        read_labelled_csv(_write(tmp_path, "text,label\nok,positive\n"), text_column="body")
    with pytest.raises(CorpusMissingError, match="no rows"):
        read_labelled_csv(_write(tmp_path, "text,label\n"))
    with pytest.raises(CorpusMissingError, match="not found"):
        read_labelled_csv(tmp_path / "absent.csv")
