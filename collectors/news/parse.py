"""From one parsed feed entry to one news :class:`TextItem`: id, link, time, outlet, clean text.

Upstream quirks handled here (DESIGN.md 5, "News RSS"):

* ``published_parsed`` is a UTC ``struct_time``: ``calendar.timegm`` turns it into an epoch;
  ``time.mktime`` would read it as local time. Atom entries may carry only ``updated_parsed``.
* Summaries are sanitised HTML (tags, ``&amp;``, ``&nbsp;``): strip and unescape before scoring.
* Google News titles end in " - Outlet", its descriptions repeat the title and outlet, and its
  links are redirects (``/rss/articles/<id>?oc=5``); older ids carry the target URL inside.
* Links carry tracking parameters (utm_*, fbclid, BBC's at_medium, Yahoo's .tsrc, ...).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import datetime as dt
import hashlib
import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from html.entities import html5 as html5_entities
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.core.records import Provenance, TextItem, check_storable
from collectors.core.text import ENTITY, strip_html

SOURCE = "news"

# Query parameters that only say how a reader arrived; dropping them leaves the same page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "vero_id",
        "wt.mc_id",
        "cmpid",
        "ncid",
        "ocid",
        "cmp",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        ".tsrc",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "soc_src",
        "soc_trk",
        "smid",
        "sr_share",
        "taid",
        "rss",
        "feedtype",
    }
)
TRACKING_PREFIXES = ("utm_", "at_custom", "__twitter", "pk_", "mtm_")
GOOGLE_NEWS_HOST = "news.google.com"
# Parameters of Google News links that choose the edition, not the article.
GOOGLE_NEWS_PARAMS = frozenset({"oc", "hl", "gl", "ceid", "ved", "usg"})
_URL = re.compile(rb"https?://[\x21-\x7e]+")
_PSEUDO_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


@dataclass(frozen=True)
class FeedSpec:
    """One feed to fetch. ``url`` is the cursor key; ``label`` is what ``TextItem.feeds`` lists
    (stable across base-URL changes, readable in reports)."""

    url: str
    label: str
    kind: str  # "google_news" | "yahoo" | "custom"
    theme: str | None = None


def repair_ampersands(text: str) -> str:
    """feedparser's loose parser turns a bare '&' into a pseudo-entity ('Q&A:' -> 'Q&A;:');
    put back the ones that are not real entities."""
    return _PSEUDO_ENTITY.sub(
        lambda m: m.group(0) if f"{m.group(1)};" in html5_entities else f"&{m.group(1)}", text
    )


def normalise_title(title: str, outlet: str | None = None) -> str:
    """The comparison form of a headline: outlet suffix dropped, case and punctuation folded."""
    text = unicodedata.normalize("NFKC", title).strip()
    if outlet:
        text = strip_outlet_suffix(text, outlet)
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def strip_outlet_suffix(title: str, outlet: str) -> str:
    """'Stocks rally - Reuters' -> 'Stocks rally' when the outlet is Reuters (Google News)."""
    for sep in (" - ", " | ", " – ", " — "):
        suffix = f"{sep}{outlet}"
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].rstrip()
    return title


def canonical_url(url: str | None) -> str | None:
    """The link without tracking parameters, fragment or redirect wrapper; None if not a URL."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host in ("www.google.com", "google.com", GOOGLE_NEWS_HOST) and parts.path in ("/url", "/news/url"):
        target = dict(query).get("url") or dict(query).get("q")
        if target and target.startswith("http"):
            return canonical_url(target)
    if host == GOOGLE_NEWS_HOST:
        decoded = decode_google_news_link(url)
        if decoded:
            return canonical_url(decoded)
        query = [(k, v) for k, v in query if k.lower() not in GOOGLE_NEWS_PARAMS]
    kept = [(k, v) for k, v in query if not _is_tracking(k)]
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(kept), ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def decode_google_news_link(url: str) -> str | None:
    """The publisher URL inside an old-style Google News article id, if it carries one.

    Ids from before mid-2024 are base64 protobufs holding the URL as a length-prefixed string;
    newer ids ("AU_yqL...") are opaque and would need a request to Google, which we do not make:
    the caller keeps the (cleaned) Google link instead.
    """
    path = urlsplit(url).path
    marker = "/articles/"
    if marker not in path:
        return None
    token = path.split(marker, 1)[1].split("/", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    start = raw.find(b"http")
    if start < 1:
        return None
    length = raw[start - 1]
    if start >= 2 and raw[start - 2] & 0x80:  # two-byte varint length
        length = (raw[start - 2] & 0x7F) | (raw[start - 1] << 7)
    candidate = raw[start : start + length]
    if not _URL.fullmatch(candidate):
        found = _URL.match(raw, start)
        candidate = found.group(0) if found else b""
    return candidate.decode("ascii") if candidate else None


def entry_time(entry: Mapping[str, Any], fetched_at: dt.datetime) -> tuple[dt.datetime, bool]:
    """(UTC time, undated?) from published_parsed, else updated_parsed, else the fetch time."""
    for field_name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(field_name)
        if parsed:
            # struct_time in UTC: timegm, never mktime (which assumes local time).
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC), False
    return fetched_at, True


def entry_outlet(
    entry: Mapping[str, Any], feed: FeedSpec, feed_title: str | None, link: str | None
) -> str | None:
    source = entry.get("source") or {}
    if isinstance(source, Mapping) and source.get("title"):
        return str(source["title"]).strip()
    if feed.kind == "custom" and feed_title:
        return feed_title.strip()
    host = urlsplit(link).hostname if link else None
    return host.removeprefix("www.") if host else None


def item_id(
    entry: Mapping[str, Any],
    feed: FeedSpec,
    link: str | None,
    title: str,
    outlet: str | None,
    when: dt.datetime | None,
) -> str:
    """guid (as a canonical URL when it is one, else namespaced by the feed's service), else
    the canonical link, else a hash of what identifies the story."""
    guid = str(entry.get("id") or "").strip()
    if guid:
        as_url = canonical_url(guid) if guid.startswith(("http://", "https://")) else None
        if as_url:
            return as_url
        namespace = feed.kind if feed.kind != "custom" else (urlsplit(feed.url).hostname or "feed")
        return f"{namespace}:{guid}"
    if link:
        return link
    basis = "|".join(
        [
            normalise_title(title, outlet),
            outlet or "",
            when.isoformat() if when else str(entry.get("summary", "")),
        ]
    )
    return "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:24]


def _redundant_body(body: str, title: str, outlet: str | None) -> bool:
    """Google News descriptions are just 'title  outlet': scoring them would count twice."""
    norm_body = normalise_title(body)
    norm_title = normalise_title(title)
    return norm_body in (norm_title, normalise_title(f"{title} {outlet or ''}"))


def entry_to_item(
    entry: Mapping[str, Any],
    feed: FeedSpec,
    *,
    feed_title: str | None,
    fetched_at: dt.datetime,
    version: str,
    recovered: bool = False,
) -> TextItem | None:
    """Map one feedparser entry to a TextItem; None for an entry without a usable title."""
    raw_title = entry.get("title") or ""
    title = strip_html(raw_title) if "<" in raw_title else " ".join(raw_title.split())
    title = html.unescape(title) if ENTITY.search(title) else title
    if recovered:
        title = repair_ampersands(title)
    if not title:
        return None
    link = canonical_url(entry.get("link"))
    outlet = entry_outlet(entry, feed, feed_title, link)
    if outlet:
        title = strip_outlet_suffix(title, outlet)
    created, undated = entry_time(entry, fetched_at)
    body = strip_html(_summary(entry))
    if body and _redundant_body(body, title, outlet):
        body = ""
    flags = tuple(f for f, on in (("undated", undated), ("recovered", recovered)) if on)
    item = TextItem(
        source=SOURCE,
        item_id=item_id(entry, feed, link, title, outlet, None if undated else created),
        kind="headline",
        created_utc=created,
        title=title,
        body=body,
        url=link,
        provenance=Provenance(feed.url, version, fetched_at, {"feed": feed.label}),
        container=feed.label,
        outlet=outlet,
        feeds=(feed.label,),
        flags=flags,
    )
    return check_storable(item)


def _summary(entry: Mapping[str, Any]) -> str:
    summary = entry.get("summary") or ""
    if not summary:
        content = entry.get("content") or []
        if content and isinstance(content[0], Mapping):
            summary = content[0].get("value") or ""
    return str(summary)
