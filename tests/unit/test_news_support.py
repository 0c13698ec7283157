"""Helpers shared by the news tests (no tests here): an in-memory feed "internet" behind a
requests.Session, so the collector's real HTTP layer, conditional GETs and parsing all run
without a socket, plus an RSS 2.0 renderer for recorded rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

import requests

from attention.config import Config, validate_config
from collectors.core.http import HttpClient
from collectors.core.lookups import StoredLookups
from collectors.core.records import CollectContext, Record, SourceNote

GOOGLE = "https://news.test"
YAHOO = "https://yahoo.test"

Answer = tuple[int, bytes, dict[str, str]]


class FeedWeb(requests.Session):
    """URL -> answer (status, body, headers) or a callable(request headers) -> answer."""

    def __init__(self, routes: Mapping[str, Answer | Callable[[dict[str, str]], Answer]]) -> None:
        super().__init__()
        self.routes = dict(routes)
        self.calls: list[tuple[str, dict[str, str]]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.get("headers") or {})
        self.calls.append((url, headers))
        route = self.routes.get(url)
        if route is None:
            status, body, extra = 404, b"not found", {}
        else:
            status, body, extra = route(headers) if callable(route) else route
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers.update(extra)
        response.url = url
        return response


def news_config(**news: Any) -> Config:
    """One theme (small caps, one news query, IWM) and the given sources.news settings."""
    raw = {
        "themes": {
            "small_caps": {
                "label": "Small caps",
                "search_terms": ["small cap stocks"],
                "news_queries": ["small cap stocks"],
                "proxy": {"etf": "IWM"},
            }
        },
        "sources": {"news": {"google_news_url": GOOGLE, "yahoo_rss_url": YAHOO, **news}},
    }
    return validate_config(raw, "test")


def google_url(query: str) -> str:
    return f"{GOOGLE}/rss/search?q={query.replace(' ', '%20')}&hl=en-US&gl=US&ceid=US:en"


def yahoo_url(ticker: str) -> str:
    return f"{YAHOO}/rss/2.0/headline?s={ticker}&region=US&lang=en-US"


def make_ctx(
    config: Config,
    web: FeedWeb,
    cursors: Mapping[str, str] | None = None,
    lookups: StoredLookups | None = None,
    run_date: dt.date = dt.date(2024, 1, 5),
) -> tuple[CollectContext, list[HttpClient]]:
    clients: list[HttpClient] = []

    def factory(name: str, **overrides: Any) -> HttpClient:
        settings = config.sources.news
        options = {"budget": settings.budget, "timeout": settings.timeout} | overrides
        client = HttpClient(name, session=web, **options)
        clients.append(client)
        return client

    ctx = CollectContext(
        run_date=run_date,
        config=config,
        secrets=None,
        cursors=dict(cursors or {}),
        lookups=lookups,
        http_factory=factory,
    )
    return ctx, clients


def run(collector: Any, ctx: CollectContext) -> tuple[list[Record], list[SourceNote]]:
    records, notes = [], []
    for out in collector.collect(ctx):
        (notes if isinstance(out, SourceNote) else records).append(out)
    return records, notes


def rss(items: Iterable[Mapping[str, str]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 document; each item maps element name -> text (escaped here)."""
    parts = []
    for item in items:
        fields = "".join(_element(name, value) for name, value in item.items() if value is not None)
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://feed.test/</link>"
        f"<description>test</description>{''.join(parts)}</channel></rss>"
    ).encode()


def _element(name: str, value: str) -> str:
    if name == "guid_nolink":
        return f'<guid isPermaLink="false">{escape(value)}</guid>'
    if name == "source":
        return f'<source url="https://outlet.test">{escape(value)}</source>'
    return f"<{name}>{escape(value)}</{name}>"


def ok(body: bytes, **headers: str) -> Answer:
    return 200, body, {"Content-Type": "application/rss+xml; charset=utf-8", **headers}
