"""Synthetic Reddit dump files (Pushshift / Arctic Shift NDJSON, plain or ``.zst``) for tests and
benchmarks of the dump importer, at any size, without holding the file in memory.

Lines look like the real thing: the same field names and roughly the same length (~1 KB), a mix
of submissions and comments across wanted and unrelated subreddits, deleted and removed bodies,
and the old Pushshift quirks (no ``name``/``permalink``, ``created_utc`` as a string). Texts can
be seeded from real posts (e.g. ``shared/data/reddit_wsb_posts``) for realistic slang and length.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WANTED = ("wallstreetbets", "stocks", "investing", "StockMarket")
OTHER = (
    "AskReddit",
    "funny",
    "gaming",
    "pics",
    "worldnews",
    "movies",
    "soccer",
    "Cooking",
    "aww",
    "todayilearned",
    "science",
    "books",
)
THEMED = (
    "Small caps are finally waking up, IWM looks strong",
    "Loading up on $NVDA calls",
    "Is the Mag 7 trade over?",
    "Russell 2000 breakout incoming",
    "$PLTR to the moon",
    "The Magnificent Seven carried the index again",
    "AI stocks are in a bubble",
    "Nvidia earnings will decide the AI trade",
    "small-cap value is the play for 2025",
)
PLAIN = (
    "What is everyone eating tonight?",
    "This game is amazing, 10/10 would play again",
    "My cat did the funniest thing today",
    "Anyone else watching the match?",
    "TIL something interesting about history",
    "Best book you read this year?",
    "The referee was terrible",
    "Here is my sourdough after three weeks of practice",
)
FILLER = ("all_awardings", "gildings", "treatment_tags", "author_flair_richtext")


@dataclass(frozen=True)
class DumpSpec:
    lines: int
    wanted_share: float = 0.2  # lines in the wanted subreddits
    themed_share: float = 0.3  # of those, texts that name a theme
    comment_share: float = 0.8
    gone_share: float = 0.03  # "[deleted]" / "[removed]" bodies
    bad_share: float = 0.0  # malformed lines (truncated JSON) inside wanted subreddits
    seed: int = 0
    first_id: int = 0  # ids are z<hex(first_id + line number)>: give files distinct ranges


@dataclass(frozen=True)
class DumpStats:
    path: Path
    lines: int
    wanted: int
    themed_wanted: int
    bad: int
    bytes_uncompressed: int


def _pool(texts: Sequence[str], rng: random.Random, themed: bool) -> list[str]:
    base = list(THEMED if themed else PLAIN)
    if not texts:
        return base
    # Real texts as the body, a themed or plain sentence in front to control what matches.
    return [f"{rng.choice(base)}. {t}"[:1500] for t in rng.sample(list(texts), min(len(texts), 500))]


def _record(i: int, rng: random.Random, sub: str, text: str, comment: bool, gone: str | None) -> dict:
    created = 1_700_000_000 + i * 7
    base36 = f"z{i:x}"
    author = "[deleted]" if gone else f"user{rng.randrange(100_000)}"
    record: dict = {
        "author": author,
        "author_flair_text": None,
        "created_utc": created,
        "id": base36,
        "score": rng.randrange(-5, 3000),
        "subreddit": sub,
        "subreddit_id": f"t5_{abs(hash(sub)) % 10**6:x}",
        "retrieved_on": created + 99,
        "stickied": False,
        "distinguished": None,
        "edited": False,
        "controversiality": 0,
        "gilded": 0,
        "is_submitter": False,
        # unique ids as in real dumps (they also keep the compression ratio real)
        "author_fullname": f"t2_{rng.getrandbits(40):x}",
        "utc_datetime_str": f"{rng.getrandbits(48):x}",
    }
    for name in FILLER:
        record[name] = [] if name != "gildings" else {}
    if comment:
        post = f"z{max(0, i - rng.randrange(1, 500)):x}"
        record.update(
            body=gone or text,
            link_id=f"t3_{post}",
            parent_id=f"t3_{post}" if rng.random() < 0.6 else f"t1_z{i - 1:x}",
            permalink=f"/r/{sub}/comments/{post}/_/{base36}/",
        )
    else:
        record.update(
            title=text[:300],
            selftext=gone or text,
            num_comments=rng.randrange(0, 900),
            name=f"t3_{base36}",
            url=f"https://www.reddit.com/r/{sub}/comments/{base36}/",
            permalink=f"/r/{sub}/comments/{base36}/x/",
            is_self=True,
            over_18=False,
            upvote_ratio=round(rng.random(), 2),
            link_flair_text="Discussion",
        )
    if i % 11 == 0:  # old Pushshift: no permalink/name, created_utc as a string
        record.pop("permalink", None)
        record.pop("name", None)
        record["created_utc"] = str(created)
    return record


def write_dump(
    path: str | Path,
    spec: DumpSpec,
    texts: Sequence[str] = (),
    compress: bool | None = None,
    window_log: int | None = None,
) -> DumpStats:
    """Write ``spec.lines`` dump lines to ``path`` (``.zst`` compressed when the name ends in
    .zst or ``compress``). ``window_log`` sets the zstd window, e.g. 31 like Arctic Shift."""
    path = Path(path)
    compress = path.suffix == ".zst" if compress is None else compress
    rng = random.Random(spec.seed)
    pools = {True: _pool(texts, rng, True), False: _pool(texts, rng, False)}
    wanted = themed = bad = size = 0
    with _open(path, compress, window_log) as out:
        buffer: list[bytes] = []
        for i in range(spec.lines):
            in_wanted = rng.random() < spec.wanted_share
            is_themed = in_wanted and rng.random() < spec.themed_share
            sub = rng.choice(WANTED if in_wanted else OTHER)
            gone = rng.choice(("[deleted]", "[removed]")) if rng.random() < spec.gone_share else None
            record = _record(
                spec.first_id + i,
                rng,
                sub,
                rng.choice(pools[is_themed]),
                rng.random() < spec.comment_share,
                gone,
            )
            line = json.dumps(record, separators=(",", ":")).encode() + b"\n"
            if in_wanted and rng.random() < spec.bad_share:
                line, bad = line[: len(line) // 2] + b"\n", bad + 1
            wanted += in_wanted
            themed += is_themed and not gone
            size += len(line)
            buffer.append(line)
            if len(buffer) >= 4096:
                out.write(b"".join(buffer))
                buffer.clear()
        out.write(b"".join(buffer))
    return DumpStats(path, spec.lines, wanted, themed, bad, size)


def _open(path: Path, compress: bool, window_log: int | None):  # noqa: ANN202 - file-like
    if not compress:
        return open(path, "wb")  # noqa: SIM115 - returned to a with-block
    import zstandard

    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log or 0, threads=0)
    compressor = zstandard.ZstdCompressor(compression_params=params)
    return compressor.stream_writer(open(path, "wb"), closefd=True)  # noqa: SIM115


def load_texts(csv_path: str | Path, limit: int = 2000) -> list[str]:
    """Post titles and bodies from a real posts CSV (title/body columns)."""
    import csv

    out: list[str] = []
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = " ".join(filter(None, [row.get("title"), row.get("body")])).strip()
            if text and not text.startswith("[View Post]"):
                out.append(text)
            if len(out) >= limit:
                break
    return out
