"""Feed bytes -> feedparser's result, shared by the news and Reddit feed collectors, so both apply
the same rule for "this body is not a feed" and neither lets feedparser's own exceptions escape.

feedparser is lenient (``bozo``) about most bad input, but not about all of it: a character
reference to a UTF-16 surrogate (``&#xD800;``, typically a JavaScript-escaped emoji pasted into a
feed as two references) makes it raise ``UnicodeEncodeError``. Such references are first
rewritten (a high+low pair becomes the character it encodes, a lone one U+FFFD), so the rest of
the feed is kept; whatever feedparser still raises makes that one feed unparseable.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import feedparser

from attention.errors import AttentionError

# Decimal 55296-57343 is hex D800-DFFF; matched loosely, checked in _surrogate_ref.
_CHAR_REF = re.compile(rb"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2})|0*(5[5-7]\d{3}));")
_PAIR = re.compile(
    rb"&#(?:[xX]0*[dD][89abAB][0-9a-fA-F]{2}|0*55[2-9]\d\d|0*56[0-2]\d\d|"
    rb"0*563[0-1]\d);&#(?:[xX]0*[dD][c-fC-F][0-9a-fA-F]{2}|0*56[3-9]\d\d|"
    rb"0*57[0-2]\d\d|0*573[0-3]\d|0*5734[0-3]);"
)


class FeedUnparseableError(AttentionError):
    """The body is not a feed (an HTML page, garbage, nothing)."""


def _code(ref: bytes) -> int:
    digits = ref[2:-1]
    return int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)


def _join_pair(match: re.Match[bytes]) -> bytes:
    high_ref, low_ref = match.group(0).split(b";")[:2]
    high, low = _code(high_ref + b";"), _code(low_ref + b";")
    if not (0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF):
        return match.group(0)  # the loose pattern matched a near miss: left to the next pass
    return b"&#x%X;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def _surrogate_ref(match: re.Match[bytes]) -> bytes:
    return b"&#xFFFD;" if 0xD800 <= _code(match.group(0)) <= 0xDFFF else match.group(0)


def without_surrogate_refs(content: bytes) -> bytes:
    """``content`` with character references to surrogates replaced (see the module doc)."""
    if b"&#" not in content:
        return content
    return _CHAR_REF.sub(_surrogate_ref, _PAIR.sub(_join_pair, content))


def parse_feed_bytes(content: bytes, headers: Mapping[str, str] | None = None) -> Any:
    """feedparser's result for ``content``; :class:`FeedUnparseableError` when feedparser fails
    or finds nothing feed-like (no entries and no RSS/Atom version)."""
    try:
        parsed = feedparser.parse(
            io.BytesIO(without_surrogate_refs(content)), response_headers=dict(headers or {})
        )
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - feedparser bugs on odd input: this feed only
        raise FeedUnparseableError(f"unparseable (feedparser failed: {type(exc).__name__}: {exc})") from exc
    if not parsed.entries and not parsed.get("version"):
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
        reason = f"{type(problem).__name__}: {problem}" if problem else "not an RSS or Atom feed"
        raise FeedUnparseableError(f"unparseable ({reason})")
    return parsed
