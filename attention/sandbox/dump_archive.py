"""Generated Reddit dump archives for tests and benchmarks of the backfill.

Lines look like Pushshift / Arctic Shift comment and submission lines (the fields the importer
reads plus the noise real dumps carry). Texts are drawn from the recorded r/wallstreetbets posts
and comments in ``../shared/data/reddit_wsb_posts`` when that folder exists, else from a small
synthetic vocabulary. The archive is deterministic for a seed.

Formats: ``frames`` (a .zst of many independent frames, as pzstd writes), ``single`` (one zstd
frame, as Pushshift dumps are), ``plain`` (NDJSON).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("frames", "single", "plain")
WSB_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "reddit_wsb_posts"
# (subreddit, weight): mostly configured subreddits, some that the import must skip.
SUBREDDITS = (
    ("wallstreetbets", 60),
    ("stocks", 12),
    ("investing", 8),
    ("StockMarket", 5),
    ("pics", 8),
    ("AskReddit", 7),
)
_SYNTHETIC = (
    "NVDA calls printing again, AI bubble or not I'm not selling",
    "small caps finally waking up, IWM ripping today",
    "Russell 2000 is the most hated rally of the year",
    "bought $PLTR puts at the top, bagholder again",
    "Mag 7 carrying the whole index, everything else is red",
    "the Magnificent Seven earnings beat expectations but guidance was weak",
    "my portfolio is down 40% this week, wife's boyfriend is not happy",
    "this is not financial advice but AAPL to the moon",
    "AI stocks are overvalued and the crash is coming",
    "what a great day, green everywhere",
    "TSLA deliveries missed, calls are toast",
    "anyone else loading up on AMD before earnings?",
    "I just like the stock",
    "the Fed will pump it tomorrow, JPow has our back",
)


@dataclass(frozen=True)
class ArchiveInfo:
    path: Path
    comments: int
    posts: int
    lines: int
    text_bytes: int
    source_texts: str  # "wsb_posts" | "synthetic"


def text_pool(folder: Path | None = WSB_DIR) -> tuple[list[str], str]:
    """Real texts (post titles, bodies, comments) from the recorded WSB files, else synthetic."""
    texts: list[str] = []
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.csv")):
            with open(path, newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    texts.extend(t for t in (row.get("title"), row.get("body")) if t)
                    texts.extend(_comments(row.get("comments")))
    if len(texts) >= 100:
        return texts, "wsb_posts"
    return list(_SYNTHETIC), "synthetic"


def _comments(value: str | None) -> list[str]:
    if not value:
        return []
    try:  # stored as a Python list literal
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return []
    return [str(c) for c in parsed if isinstance(c, str) and c.strip()]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


class _LineMaker:
    def __init__(self, texts: list[str], seed: int, start: dt.datetime, days: int) -> None:
        self.rng = random.Random(seed)
        self.texts = texts
        self.start = int(start.timestamp())
        self.span = days * 86400
        self.subs = [s for s, _ in SUBREDDITS]
        self.weights = [w for _, w in SUBREDDITS]
        self.next_id = 36**5  # ids of at least six base-36 digits, as on Reddit
        self.post_id = "abc123"

    def _common(self) -> dict:
        self.next_id += 1
        rng = self.rng
        return {
            "id": _base36(self.next_id),
            "author": f"user{rng.randrange(50_000)}",
            "created_utc": self.start + rng.randrange(self.span),
            "subreddit": rng.choices(self.subs, self.weights)[0],
            "score": rng.randrange(-20, 500),
            "gilded": 0,
            "edited": False,
            "author_flair_text": None,
            "distinguished": None,
            "retrieved_on": self.start + self.span + 86400,
        }

    def comment(self) -> dict:
        data = self._common()
        body = "[deleted]" if self.rng.random() < 0.03 else self.rng.choice(self.texts)
        data.update(
            body=body,
            link_id=f"t3_{self.post_id}",
            parent_id=f"t3_{self.post_id}",
            controversiality=0,
            is_submitter=False,
            stickied=False,
        )
        return data

    def post(self) -> dict:
        data = self._common()
        self.post_id = data["id"]
        title = self.rng.choice(self.texts).split("\n")[0][:300]
        selftext = self.rng.choice(self.texts) if self.rng.random() < 0.5 else ""
        data.update(
            title=title,
            selftext=selftext,
            num_comments=self.rng.randrange(300),
            name=f"t3_{data['id']}",
            over_18=False,
            is_self=bool(selftext),
            permalink=f"/r/{data['subreddit']}/comments/{data['id']}/_/",
        )
        return data


def generate_reddit_archive(
    path: str | Path,
    comments: int,
    *,
    fmt: str = "frames",
    comments_per_post: int = 40,
    frame_lines: int = 20_000,
    seed: int = 7,
    start: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    days: int = 365,
    texts: list[str] | None = None,
    level: int = 3,
) -> ArchiveInfo:
    """Write an archive of ``comments`` comments (plus one post per ``comments_per_post``).
    Memory stays at one frame of lines whatever the size."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    origin = "given"
    if texts is None:
        texts, origin = text_pool()
    maker = _LineMaker(texts, seed, start, days)
    path = Path(path)
    posts = lines = text_bytes = 0
    with _Writer(path, fmt, level) as out:
        batch: list[bytes] = []
        for n in range(comments):
            if n % comments_per_post == 0:
                batch.append(json.dumps(maker.post()).encode() + b"\n")
                posts += 1
            batch.append(json.dumps(maker.comment()).encode() + b"\n")
            if len(batch) >= frame_lines:
                text_bytes += out.write(b"".join(batch))
                lines += len(batch)
                batch.clear()
        if batch:
            text_bytes += out.write(b"".join(batch))
            lines += len(batch)
    return ArchiveInfo(path, comments, posts, lines, text_bytes, origin)


class _Writer:
    """Writes text as plain bytes, as one zstd frame, or as one zstd frame per write."""

    def __init__(self, path: Path, fmt: str, level: int) -> None:
        import zstandard

        self.fmt = fmt
        self.handle = open(path, "wb")  # noqa: SIM115 - closed in __exit__
        self.cctx = zstandard.ZstdCompressor(level=level)
        self.stream = self.cctx.stream_writer(self.handle, closefd=False) if fmt == "single" else None

    def write(self, data: bytes) -> int:
        if self.fmt == "plain":
            self.handle.write(data)
        elif self.stream is not None:  # fmt "single"
            self.stream.write(data)
        else:
            self.handle.write(self.cctx.compress(data))
        return len(data)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()
        self.handle.close()
