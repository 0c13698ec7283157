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
from dataclasses import dataclass
from pathlib import Path

from attention.errors import AttentionError

GROUNDTRUTH_FILES = {
    "tweets": "tweets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
}
WSB_FILES = ("wsb_kaggle_fmt_2022-01-18_to_2022-01-21.csv",
             "wsb_praw_2024-06-22_to_2024-07-02_with_comments.csv")


class CorpusMissingError(AttentionError):
    """A corpus file is absent or unreadable."""


@dataclass(frozen=True)
class LabelledText:
    id: str
    rating: float
    text: str


def _need(path: Path) -> Path:
    if not path.is_file():
        raise CorpusMissingError(f"{path}: not found; the corpora live in ../shared/data "
                                 "beside the repository (see its README.md)")
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
