"""Reddit payload -> :class:`TextItem` mapping, shared by the API mode, the public feeds and the
dump importer (DESIGN.md 4.1: one mapping function per source, quirks commented beside it).

The API's ``t3``/``t1`` ``data`` objects and the lines of Pushshift / Arctic Shift dumps carry the
same field names, so :func:`item_from_json` serves both. Feeds carry fewer fields
(:func:`items_from_feed`): no score, no parent, the comment count only inside the HTML.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from attention.config import Secrets
from collectors.core.records import Provenance, TextItem, check_storable
from collectors.core.text import strip_html

SOURCE = "reddit"
REDDIT_URL = "https://www.reddit.com"
# Bodies Reddit substitutes for deleted / moderator-removed content (kept, never scored).
GONE_BODIES = {"[deleted]": "deleted", "[removed]": "removed"}
GONE_AUTHORS = {"[deleted]", "[removed]", ""}


@dataclass(frozen=True)
class AuthorPolicy:
    """How author names are stored: salted hashes unless the user opted in to raw names.

    There is no default salt: a salt in the code would be public, and hashes of known names
    could be recomputed. ``Secrets.for_store`` supplies one (ATTENTION_AUTHOR_SALT, else a
    private random salt kept beside the store), so every path into one store hashes alike.
    """

    salt: str
    store_names: bool = False

    @classmethod
    def from_settings(cls, secrets: Secrets, store_names: bool) -> AuthorPolicy:
        salt = getattr(secrets, "author_salt", None)
        if not salt:
            raise ValueError(
                "no author salt: pass Secrets.for_store(store_path), which sets "
                "one from ATTENTION_AUTHOR_SALT or the store's salt file"
            )
        return cls(salt=salt, store_names=store_names)

    def apply(self, name: str | None) -> str | None:
        if name is None or name in GONE_AUTHORS:
            return None
        if self.store_names:
            return name
        return author_hash(name, self.salt)


@functools.lru_cache(maxsize=4096)  # authors repeat within a thread or a dump
def author_hash(name: str, salt: str) -> str:
    """Salted, case-folded (Reddit names are case-insensitive) 16-hex-digit hash."""
    key = hashlib.sha256(salt.encode()).digest()  # any salt length -> a 32-byte key
    digest = hashlib.blake2b(name.lower().encode(), key=key, digest_size=8)
    return "u_" + digest.hexdigest()


def to_utc(value: Any) -> dt.datetime:
    """Reddit epoch seconds (float, int, or a string in some old Pushshift dumps) -> UTC."""
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def fullname(data: Mapping[str, Any], kind: str) -> str:
    """``t3_<id>`` / ``t1_<id>``. Old Pushshift submissions have no ``name`` field."""
    name = data.get("name")
    if isinstance(name, str) and name.startswith(("t1_", "t3_")):
        return name
    return f"{'t3' if kind == 'post' else 't1'}_{data['id']}"


def permalink(data: Mapping[str, Any], kind: str) -> str | None:
    """Absolute permalink. Old comment payloads (API before ~2017, many dumps) lack one."""
    link = data.get("permalink")
    if isinstance(link, str) and link:
        return link if link.startswith("http") else REDDIT_URL + link
    sub, link_id = data.get("subreddit"), data.get("link_id")
    if kind == "comment" and sub and isinstance(link_id, str):
        return f"{REDDIT_URL}/r/{sub}/comments/{link_id.removeprefix('t3_')}/_/{data['id']}/"
    return None


def item_from_json(
    data: Mapping[str, Any],
    kind: str,
    provenance: Provenance,
    authors: AuthorPolicy,
    extra_flags: tuple[str, ...] = (),
) -> TextItem:
    """Map one Reddit ``t3`` (kind="post") or ``t1`` (kind="comment") data object.

    Raises KeyError/TypeError/ValueError on a payload without id or creation time; callers
    count those as bad items.
    """
    if kind == "post":
        title, body = str(data.get("title") or ""), str(data.get("selftext") or "")
        parent = None
    else:
        title, body = "", str(data.get("body") or "")
        parent = data.get("parent_id")
    flags = list(extra_flags)
    gone = GONE_BODIES.get(body.strip())
    if gone:
        flags.append(gone)
        body = ""
    item = new_text_item(
        source=SOURCE,
        item_id=fullname(data, kind),
        kind=kind,
        created_utc=to_utc(data["created_utc"]),
        title=title,
        body=body,
        url=permalink(data, kind),
        provenance=provenance,
        author=authors.apply(_author_name(data.get("author"))),
        container=str(data["subreddit"]) if data.get("subreddit") else None,
        parent_id=parent if isinstance(parent, str) else None,
        score=_int_or_none(data.get("score")),
        num_comments=_int_or_none(data.get("num_comments")) if kind == "post" else None,
        flags=tuple(flags),
        scoreable=gone is None,
    )
    return check_storable(item)


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TextItem) if f.default is not dataclasses.MISSING}
_REQUIRED = {f.name for f in dataclasses.fields(TextItem)} - set(_DEFAULTS)
_FAST = not hasattr(TextItem, "__post_init__")


def new_text_item(**values: Any) -> TextItem:
    """``TextItem(**values)`` at a fraction of the cost, for the dump import's hot loop.

    A frozen dataclass with 26 fields spends ~8 us in ``__init__`` (one ``object.__setattr__``
    per field); filling the instance dict directly gives an equal object (unit-tested) in ~1 us.
    Falls back to the constructor if TextItem ever gains a ``__post_init__``.
    """
    if not _FAST or not _REQUIRED <= values.keys() or not values.keys() <= _FIELDS:
        return TextItem(**values)
    item = object.__new__(TextItem)
    item.__dict__.update(_DEFAULTS)
    item.__dict__.update(values)
    return item


_FIELDS = _REQUIRED | set(_DEFAULTS)


def _author_name(author: Any) -> str | None:
    """A string in JSON; a praw Redditor (or None when deleted) on praw objects."""
    if author is None:
        return None
    return str(author)


def praw_data(obj: Any) -> dict[str, Any]:
    """The raw JSON fields of a praw Submission/Comment (praw stores them as attributes),
    with the two it wraps in objects turned back into strings."""
    data = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    data["author"] = _author_name(data.get("author"))
    if data.get("subreddit") is not None:
        data["subreddit"] = str(data["subreddit"])
    return data


# -- public RSS / Atom feeds ---------------------------------------------------------------------
_COMMENTS_RE = re.compile(r"\[(\d+) comments?\]")
_USER_RE = re.compile(r"/user/([A-Za-z0-9_-]+)")
_POST_LINK_RE = re.compile(r"/r/([^/]+)/comments/([a-z0-9]+)(?:/[^/]*/([a-z0-9]+))?")
_MD_RE = re.compile(r"<!-- SC_OFF -->(.*?)<!-- SC_ON -->", re.S)


def items_from_feed(
    content: bytes,
    url: str,
    provenance: Provenance,
    authors: AuthorPolicy,
    headers: Mapping[str, str] | None = None,
) -> tuple[list[TextItem], int]:
    """Parse a Reddit RSS 2.0 or Atom listing/search feed. Returns (items, entries skipped).

    Reddit's current ``.rss`` answers are Atom (``<id>t3_...</id>``, author ``/u/name``, a
    category per subreddit); older ones were RSS 2.0 (permalink guid, the author only inside the
    description). The HTML body holds the self text between ``SC_OFF``/``SC_ON`` markers and a
    "submitted by ... [N comments]" footer that is boilerplate, not text to score.

    Raises :class:`collectors.core.feeds.FeedUnparseableError` when the body is not a feed at all
    (an error page, garbage, nothing) or feedparser fails on it.
    """
    from collectors.core.feeds import parse_feed_bytes  # imported here: only the feeds mode needs it

    parsed = parse_feed_bytes(content, headers)
    items, skipped = [], 0
    for entry in parsed.entries:
        try:
            items.append(_item_from_entry(entry, provenance, authors))
        except (KeyError, ValueError, TypeError, AttributeError):
            skipped += 1
    return items, skipped


def _entry_html(entry: Any) -> str:
    if entry.get("content"):
        return str(entry.content[0].get("value", ""))
    return str(entry.get("summary", "") or entry.get("description", ""))


def _item_from_entry(entry: Any, provenance: Provenance, authors: AuthorPolicy) -> TextItem:
    link = str(entry.get("link") or entry.get("id") or "")
    found = _POST_LINK_RE.search(link)
    raw_id = str(entry.get("id") or "")
    if raw_id.startswith(("t1_", "t3_")):
        item_id = raw_id
    elif found:
        item_id = f"t1_{found.group(3)}" if found.group(3) else f"t3_{found.group(2)}"
    else:
        raise ValueError(f"no Reddit id in entry {link!r}")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp is None:
        raise ValueError("entry without a date")
    body_html = _entry_html(entry)
    md = _MD_RE.search(body_html)
    kind = "comment" if item_id.startswith("t1_") else "post"
    # A post's body is only its self text; a comment feed entry's content is the comment itself.
    body = strip_html(md.group(1)) if md else (strip_html(body_html) if kind == "comment" else "")
    comments = _COMMENTS_RE.search(body_html)
    author = str(entry.get("author") or "").removeprefix("/u/") or None
    if author is None:
        user = _USER_RE.search(body_html)
        author = user.group(1) if user else None
    tags = entry.get("tags") or []
    container = (tags[0].get("term") if tags else None) or (found.group(1) if found else None)
    flags = ["feed_mode"]
    gone = GONE_BODIES.get(body)
    if gone:
        flags.append(gone)
        body = ""
    return TextItem(
        source=SOURCE,
        item_id=item_id,
        kind=kind,
        created_utc=dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC),
        title=html.unescape(str(entry.get("title") or "")) if kind == "post" else "",
        body=body,
        url=link or None,
        provenance=provenance,
        author=authors.apply(author),
        container=str(container).strip() if container else None,
        num_comments=int(comments.group(1)) if comments and kind == "post" else None,
        flags=tuple(flags),
        scoreable=gone is None,
    )
