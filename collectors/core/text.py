"""Visible text of an HTML fragment, shared by every collector that receives HTML (news summaries,
Reddit feed bodies), so the same markup always becomes the same text to match and score.

Built on :class:`html.parser.HTMLParser` rather than a tag regex: the parser drops the contents
of ``<script>``/``<style>`` (a regex keeps them as words), reads comments and ``>`` inside
attribute values correctly, and unescapes character references once.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

_BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "hr",
    }
)
_HIDDEN_TAGS = frozenset({"script", "style"})
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _HIDDEN_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")  # block boundaries separate words

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_html(text: str | None, _depth: int = 0) -> str:
    """Visible text of an HTML fragment, entities unescaped, whitespace collapsed."""
    if not text:
        return ""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    out = "".join(parser.parts)
    if ENTITY.search(out):  # double-escaped feeds ("&amp;amp;") leave entities behind
        out = html.unescape(out)
    if _depth < 1 and _TAG.search(out):  # ... and double-escaped markup leaves tags
        return strip_html(out, _depth + 1)
    return " ".join(out.replace("\xa0", " ").split())
