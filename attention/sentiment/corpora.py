"""Readers for the labelled and real-text corpora we validate sentiment and themes against.

* VADER's ground truth (Hutto & Gilbert 2014): ``id<TAB>mean rating<TAB>text``, CRLF lines.
* r/wallstreetbets CSV exports: the Kaggle layout (title, body, ...) and a praw export whose
  ``comments`` column holds a Python list literal of top-level comments.
* SemEval-2017 Task 5 headlines: JSON list of {id, company, title, sentiment}.

They read files a user (or ../shared/data) provides; nothing here touches the network.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from attention.errors import AttentionError

GROUNDTRUTH_FILES = {
    "tweets": "tweets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
}
WSB_FILES = (
    "wsb_kaggle_fmt_2022-01-18_to_2022-01-21.csv",
    "wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv",
)


class CorpusMissingError(AttentionError):
    """A corpus file is absent or unreadable."""


@dataclass(frozen=True)
class LabelledText:
    id: str
    rating: float
    text: str


def _need(path: Path) -> Path:
    if not path.is_file():
        raise CorpusMissingError(
            f"{path}: not found; the corpora live in ../shared/data beside the repository (see its README.md)"
        )
    return path


def read_vader_groundtruth(folder: Path, name: str) -> list[LabelledText]:
    """One of VADER's four ground-truth corpora (tweets, nyt, movies, amazon)."""
    path = _need(Path(folder) / GROUNDTRUTH_FILES[name])
    rows: list[LabelledText] = []
    # Decoding the bytes keeps the CRLF line ends (and any lone CR inside a text) intact.
    for line in path.read_bytes().decode("utf-8").split("\r\n"):
        if not line.strip():
            continue
        ident, rating, text = line.split("\t", 2)
        rows.append(LabelledText(f"{name}:{ident}", float(rating), text))
    return rows


def read_wsb_texts(folder: Path) -> list[tuple[str, str]]:
    """(id, text) for every title, body and top-level comment in the WSB exports."""
    csv.field_size_limit(1 << 26)
    out: list[tuple[str, str]] = []
    for name in WSB_FILES:
        with _need(Path(folder) / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                post = row["id"]
                for field in ("title", "body"):
                    if row.get(field):
                        out.append((f"{post}:{field}", row[field]))
                comments = row.get("comments") or ""
                if comments.startswith("["):
                    for k, comment in enumerate(ast.literal_eval(comments)):
                        out.append((f"{post}:c{k}", str(comment)))
    return out


def read_semeval_headlines(folder: Path) -> list[LabelledText]:
    path = _need(Path(folder) / "SemEval2017Task5Headlines.json")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [LabelledText(str(r["id"]), float(r["sentiment"]), r["title"]) for r in rows]


# TFNS labels: 0 Bearish, 1 Bullish, 2 Neutral (its dataset card), as signed ratings.
TFNS_RATINGS = {"0": -1.0, "1": 1.0, "2": 0.0}


def read_tfns(folder: Path, split: str = "valid") -> list[LabelledText]:
    """Twitter Financial News ``sent_train.csv`` / ``sent_valid.csv`` with labels as -1/0/+1."""
    path = _need(Path(folder) / f"sent_{split}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for row in reader:
            label = TFNS_RATINGS.get((row.get("label") or "").strip())
            if label is None:
                raise CorpusMissingError(
                    f"{path}, line {reader.line_num}: label {row.get('label')!r} is not 0, 1 or 2 (TFNS)"
                )
            rows.append(LabelledText(f"{path.name}:{reader.line_num}", label, row["text"] or ""))
    return rows


def read_csv_titles(path: Path, column: str = "title") -> list[str]:
    """One column of a CSV with a header, row by row (BBC RSS items, GDELT headlines)."""
    path = _need(Path(path))
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise CorpusMissingError(f"{path}: no column {column!r} (columns: {reader.fieldnames})")
        return [row[column] or "" for row in reader]


HEADLINE_SOURCES = {
    "bbc": ("bbc_business_rss_items_2022-2024", "bbc_business_rss_items.csv"),
    "gdelt": ("tsla_gdelt_news_prices_2022-2024", "TSLA_news.csv"),
}


def read_our_headlines(labels: Path, data: Path) -> list[LabelledText]:
    """Our hand-labelled headlines (benchmarks/data/headline_sentiment_labels.csv: id, label
    -1/0/1, snippet): ``bbc:N`` / ``gdelt:N`` is the N-th data row (0-based) of the BBC RSS or
    GDELT TSLA titles in ``data``, the text checked against its snippet (whitespace collapsed)."""
    titles = {
        name: read_csv_titles(Path(data) / folder / file) for name, (folder, file) in HEADLINE_SOURCES.items()
    }
    rows = []
    with _need(Path(labels)).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            source, _, index = row["id"].partition(":")
            text = " ".join(titles[source][int(index)].split())
            if text[: len(row["snippet"])] != row["snippet"]:
                raise CorpusMissingError(f"{labels}: {row['id']}: the text no longer matches its snippet")
            rows.append(LabelledText(row["id"], float(row["label"]), text))
    return rows


TEXT_COLUMNS = ("text", "sentence", "content", "headline", "title")
LABEL_COLUMNS = ("label", "sentiment", "rating", "score")
LABEL_WORDS = {
    "negative": -1.0,
    "neg": -1.0,
    "bearish": -1.0,
    "neutral": 0.0,
    "neu": 0.0,
    "positive": 1.0,
    "pos": 1.0,
    "bullish": 1.0,
}


def read_labelled_csv(
    path: Path, text_column: str | None = None, label_column: str | None = None
) -> list[LabelledText]:
    """A user's labelled sentences: a CSV with a header, one text and one label column.

    Labels are words (negative/neutral/positive, neg/neu/pos, bearish/bullish) or numbers on any
    signed scale (classified with VADER's +-0.05 rule). Columns are found by name
    (text/sentence/content/headline/title and label/sentiment/rating/score) unless given.
    """
    path = _need(Path(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        text_col = _column(path, header, text_column, TEXT_COLUMNS, "text")
        label_col = _column(path, header, label_column, LABEL_COLUMNS, "label")
        # reader.line_num is the file line where the row ends (quoted texts may span lines).
        rows = [
            LabelledText(
                f"{path.name}:{reader.line_num}",
                _label(path, reader.line_num, row[label_col]),
                row[text_col] or "",
            )
            for row in reader
        ]
    if not rows:
        raise CorpusMissingError(f"{path}: no rows under the header")
    return rows


def _column(path: Path, header: Sequence[str], given: str | None, names: tuple[str, ...], role: str) -> str:
    if given is not None:
        if given not in header:
            raise CorpusMissingError(f"{path}: no column {given!r} (columns: {header})")
        return given
    lowered = {h.strip().lower(): h for h in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise CorpusMissingError(
        f"{path}: no {role} column among {header}; name it one of {names} or pass --{role}-column"
    )


def _label(path: Path, line: int, raw: str | None) -> float:
    value = (raw or "").strip().lower()
    if value in LABEL_WORDS:
        return LABEL_WORDS[value]
    try:
        return float(value)
    except ValueError:
        raise CorpusMissingError(
            f"{path}, line {line}: label {raw!r} is neither a number nor one of {sorted(LABEL_WORDS)}"
        ) from None
