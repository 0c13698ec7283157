"""A replica of the news feeds and GDELT, serving the simulated world's headlines.

Routes (all on one loopback server):

* ``GET /rss/search?q=...``: Google News search RSS 2.0 (titles "Headline - Outlet", guid = an
  old-style article id that carries the publisher URL, redirect links, ``<source>``).
* ``GET /rss/2.0/headline?s=TICKER``: Yahoo Finance headline RSS 2.0 (own guids, ``.tsrc`` links).
* ``GET /feeds/<outlet-slug>.atom``: one outlet's Atom feed (``updated`` only, one undated entry).
* ``GET /feeds/broken.rss``: malformed XML that feedparser recovers (bozo=1 with entries).
* ``GET /feeds/garbage.rss``: an HTML error page (no feed at all).
* ``GET /api/v2/doc/doc?mode=timelinevol&format=json``: GDELT DOC 2.0 volume timeline, with
  GDELT's 200 text/html errors for short keywords and unparenthesised ORs.

Every feed answers conditional requests: ``If-None-Match`` (preferred, RFC 9110 13.2.2) or
``If-Modified-Since`` matching gives a bodiless 304. Slow or failing responses come from the
server's FaultPlan (latency, timeout, malformed, ...).
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import re
import threading
import time
from xml.sax.saxutils import escape

import pandas as pd

from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import SimText, World
from attention.sandbox.world_text import OUTLETS, headlines_for_day

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def google_article_id(url: str) -> str:
    """An old-style Google News article id: base64 of a small protobuf holding the URL."""
    raw = url.encode()
    n = len(raw)
    length = bytes([n]) if n < 128 else bytes([(n & 0x7F) | 0x80, n >> 7])
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + length + raw + b"\xd2\x01\x00").decode()


def publisher_url(item: SimText) -> str:
    return f"https://www.{slug(item.container)}.example/markets/{item.item_id}?utm_source=rss&utm_medium=feed"


class NewsReplica(Replica):
    name = "news"

    def __init__(self, world: World, days: int = 7) -> None:
        super().__init__()
        self.world = world
        self.days = days
        self.send_etag = True
        self.send_last_modified = True
        self.gdelt_min_interval = 0.0  # > 0: answer 429 to GDELT requests closer than this
        self.conditional_requests = 0  # feed requests carrying If-None-Match/If-Modified-Since
        self.not_modified = 0  # 304s served
        self._gdelt_last: float | None = None
        self._lock = threading.Lock()
        self._cache: dict[dt.date, list[SimText]] = {}
        self.route("GET", r"/rss/search", self._google)
        self.route("GET", r"/rss/2\.0/headline", self._yahoo)
        self.route("GET", r"/feeds/broken\.rss", self._broken)
        self.route("GET", r"/feeds/garbage\.rss", self._garbage)
        self.route("GET", r"/feeds/(?P<outlet>[a-z0-9-]+)\.atom", self._atom)
        self.route("GET", r"/api/v2/doc/doc", self._gdelt)

    @staticmethod
    def config_overrides(url: str) -> dict[str, object]:
        return {
            "sources.news.google_news_url": url,
            "sources.news.yahoo_rss_url": url,
            "sources.news.feeds": [f"{url}/feeds/{slug(OUTLETS[0])}.atom"],
            "sources.news.gdelt.url": url,
        }

    # -- the world's headlines --------------------------------------------------------------
    def headlines(self, themes: set[str] | None = None) -> list[SimText]:
        """Headlines of the last ``days`` days up to the world's end, newest first."""
        out: list[SimText] = []
        for offset in range(self.days):
            day = self.world.end - dt.timedelta(days=offset)
            if day < self.world.start:
                break
            with self._lock:
                if day not in self._cache:
                    self._cache[day] = headlines_for_day(self.world, day)
                out.extend(self._cache[day])
        chosen = [h for h in out if themes is None or h.theme in themes]
        return sorted(chosen, key=lambda h: h.created_utc, reverse=True)

    def themes_for_query(self, query: str) -> set[str]:
        q = query.strip().strip('"').lower()
        found = {
            name for name, t in self.world.config.themes.items() if q in [x.lower() for x in t.news_queries]
        }
        if not found:
            found = {
                name
                for name, t in self.world.config.themes.items()
                if any(p.lower() in q for p in t.match.phrases)
            }
        return found

    def themes_for_ticker(self, ticker: str) -> set[str]:
        return {name for name, t in self.world.config.themes.items() if ticker.upper() in t.proxy.members}

    # -- feeds --------------------------------------------------------------------------------
    def _google(self, request: Request) -> Response:
        query = request.arg("q", "") or ""
        items = self.headlines(self.themes_for_query(query))
        body = "".join(_google_item(h) for h in items)
        channel = _rss_channel(f'"{escape(query)}" - Google News', "https://news.google.com", body)
        return self._conditional(request, channel, RSS_TYPE, items)

    def _yahoo(self, request: Request) -> Response:
        ticker = (request.arg("s", "") or "").upper()
        items = self.headlines(self.themes_for_ticker(ticker))
        body = "".join(_yahoo_item(h) for h in items)
        channel = _rss_channel(f"Yahoo! Finance: {escape(ticker)} News", "https://finance.yahoo.com", body)
        return self._conditional(request, channel, RSS_TYPE, items)

    def _atom(self, request: Request) -> Response:
        outlet_slug = request.param("outlet")
        outlet = next((o for o in OUTLETS if slug(o) == outlet_slug), None)
        if outlet is None:
            return Response.text("no such feed", 404)
        items = [h for h in self.headlines() if h.container == outlet]
        return self._conditional(request, _atom_feed(outlet, items), ATOM_TYPE, items)

    def _broken(self, request: Request) -> Response:
        items = self.headlines()[:5]
        # A raw "&" in a title and an unclosed <b>: not well-formed XML, recoverable.
        body = "".join(_yahoo_item(h).replace("<title>", "<title>Q&A: ", 1) for h in items)
        body = body.replace("<description>", "<description><b>", 1)
        return self._conditional(
            request, _rss_channel("Broken & Co", "https://broken.example", body), RSS_TYPE, items
        )

    def _garbage(self, request: Request) -> Response:
        page = (
            "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
            "<p>The upstream server failed.</p></body></html>"
        )
        return Response.text(page, 200, "text/html; charset=utf-8")

    def _conditional(self, request: Request, text: str, content_type: str, items: list[SimText]) -> Response:
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        newest = max((h.created_utc for h in items), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        last_modified = email.utils.format_datetime(newest.replace(microsecond=0), usegmt=True)
        headers = {}
        if self.send_etag:
            headers["ETag"] = etag
        if self.send_last_modified:
            headers["Last-Modified"] = last_modified
        conditional = bool(request.header("If-None-Match") or request.header("If-Modified-Since"))
        unchanged = _not_modified(
            request, etag if self.send_etag else None, newest if self.send_last_modified else None
        )
        with self._lock:
            self.conditional_requests += conditional
            self.not_modified += unchanged
        if unchanged:
            return Response(304, b"", headers)
        return Response(200, body, {"Content-Type": content_type, **headers})

    # -- GDELT --------------------------------------------------------------------------------
    def _gdelt(self, request: Request) -> Response:
        with self._lock:
            now = time.monotonic()
            too_soon = (
                self.gdelt_min_interval > 0
                and self._gdelt_last is not None
                and now - self._gdelt_last < self.gdelt_min_interval
            )
            self._gdelt_last = now
        if too_soon:
            return Response.text(
                "Please limit requests to one every 5 seconds or contact "
                "kalev.leetaru5@gmail.com for larger queries.",
                429,
            )
        if (request.arg("mode", "") or "").lower() != "timelinevol":
            return _gdelt_error("Invalid mode.")
        if (request.arg("format", "") or "").lower() != "json":
            return _gdelt_error("Only JSON output is available in this replica.")
        query = request.arg("query", "") or ""
        problem = gdelt_query_problem(query)
        if problem:
            return _gdelt_error(problem)
        start, end = _gdelt_span(request, self.world.end)
        themes = {t for term in _gdelt_terms(query) for t in self.themes_for_query(term)}
        data = self._volume_points(themes, start, end)
        return Response.json(
            {
                "query_details": {"title": query, "date_resolution": "day"},
                "timeline": [{"series": "Volume Intensity", "data": data}] if data else [],
            }
        )

    def _volume_points(self, themes: set[str], start: dt.date, end: dt.date) -> list[dict]:
        if not themes:
            return []
        days = pd.date_range(max(start, self.world.start), min(end, self.world.end), freq="D")
        total = pd.Series(0.0, index=days)
        for theme in themes:
            attention = self.world.theme_state(theme)["attention"]
            # weekends carry the last session's level (filled over the whole world first, so a
            # window starting on a Saturday gets Friday's value)
            calendar = pd.date_range(self.world.start, self.world.end, freq="D")
            level = attention.reindex(calendar).ffill().bfill().reindex(days)
            total += 0.05 * level / attention.mean()
        per_day = 1 if (end - start).days >= 13 else 4  # short spans: sub-daily points
        points = []
        for day, value in total.items():
            for k in range(per_day):
                stamp = day + pd.Timedelta(hours=24 // per_day * k)
                points.append({"date": stamp.strftime("%Y%m%dT%H%M%SZ"), "value": round(value, 4)})
        return points


def gdelt_query_problem(query: str) -> str | None:
    """GDELT's own complaints about a query, or None when it would accept it."""
    if not query.strip():
        return "Please enter a search."
    if re.search(r"\bOR\b", query) and not query.strip().startswith("("):
        return "Queries containing OR'd terms must be surrounded by ()."
    for term in _gdelt_terms(query):
        if len(term) < 3:
            return (
                "The specified phrase is too short."
                if " " in term
                else "Your search contained a keyword that was too short."
            )
    return None


def _gdelt_terms(query: str) -> list[str]:
    phrases = re.findall(r'"([^"]*)"', query)
    rest = re.sub(r'"[^"]*"', " ", query).replace("(", " ").replace(")", " ")
    words = [w for w in rest.split() if w != "OR"]
    return phrases + words


def _gdelt_span(request: Request, end_day: dt.date) -> tuple[dt.date, dt.date]:
    start, end = request.arg("startdatetime"), request.arg("enddatetime")
    if start and end:
        return (
            dt.datetime.strptime(start[:8], "%Y%m%d").date(),
            dt.datetime.strptime(end[:8], "%Y%m%d").date(),
        )
    return end_day - dt.timedelta(days=90), end_day


def _gdelt_error(message: str) -> Response:
    return Response.text(message, 200, "text/html; charset=utf-8")


def _not_modified(request: Request, etag: str | None, newest: dt.datetime | None) -> bool:
    match = request.header("If-None-Match")
    if match is not None:  # If-None-Match wins; If-Modified-Since is then ignored
        tags = [t.strip().removeprefix("W/") for t in match.split(",")]
        return etag is not None and (etag in tags or "*" in tags)
    since = request.header("If-Modified-Since")
    if since and newest is not None:
        try:
            return newest.replace(microsecond=0) <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _rfc822(when: dt.datetime) -> str:
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def _rss_channel(title: str, link: str, items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link><language>en-US</language>"
        f"<description>{title}</description>{items}</channel></rss>"
    )


def _google_item(h: SimText) -> str:
    article = google_article_id(publisher_url(h))
    link = f"https://news.google.com/rss/articles/{article}?oc=5"
    description = (
        f'<a href="{link}" target="_blank">{escape(h.title)}</a>&nbsp;&nbsp;'
        f'<font color="#6f6f6f">{escape(h.container)}</font>'
    )
    return (
        f"<item><title>{escape(h.title)} - {escape(h.container)}</title><link>{link}</link>"
        f'<guid isPermaLink="false">{article}</guid><pubDate>{_rfc822(h.created_utc)}</pubDate>'
        f"<description>{escape(description)}</description>"
        f'<source url="https://www.{slug(h.container)}.example">{escape(h.container)}</source>'
        "</item>"
    )


def _yahoo_item(h: SimText) -> str:
    guid = hashlib.sha1(f"yahoo|{h.item_id}".encode()).hexdigest()
    link = f"https://finance.yahoo.com/news/{slug(h.title)}-{h.item_id[4:]}.html?.tsrc=rss"
    return (
        f"<item><title>{escape(h.title)}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{guid}</guid><pubDate>{_rfc822(h.created_utc)}</pubDate>'
        f"<description>{escape(h.body)}</description></item>"
    )


def _atom_feed(outlet: str, items: list[SimText]) -> str:
    entries = "".join(
        f"<entry><title>{escape(h.title)}</title><id>urn:sim:{h.item_id}</id>"
        f'<link rel="alternate" href="{escape(publisher_url(h))}"/>'
        f"<updated>{h.created_utc.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
        f'<summary type="html">{escape(h.body)}</summary></entry>'
        for h in items
    )
    # Feeds in the wild do leave out dates; this entry has none (the collector flags "undated").
    undated = (
        f"<entry><title>About {escape(outlet)}: how we cover markets</title>"
        f"<id>urn:sim:{slug(outlet)}:about</id>"
        f'<link rel="alternate" href="https://www.{slug(outlet)}.example/about"/>'
        "<summary>Our newsroom and standards.</summary></entry>"
    )
    newest = max((h.created_utc for h in items), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(outlet)}</title><id>urn:sim:feed:{slug(outlet)}</id>"
        f"<updated>{newest.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>{entries}{undated}</feed>"
    )
