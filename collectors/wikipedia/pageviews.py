"""Wikimedia REST API shapes: the per-article daily page views and the redirect resolution.

Page views (``/metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/daily/{start}/
{end}``, dates ``YYYYMMDD``, the article with underscores and percent-encoded) answer
``{"items": [{"project", "article", "granularity": "daily", "timestamp": "YYYYMMDD00",
"access", "agent", "views"}]}``. A day without views is left out of ``items`` (a real zero
inside the span read). An unknown title, or a range with no data, answers 404 with a JSON
problem body (``type``, ``title``, ``detail``).

Redirects and renames: page views count the exact title only. The MediaWiki action API
(``action=query&redirects=1&titles=...&format=json&formatversion=2``) says where a title leads;
after a move the old title is a redirect holding the views from before the move, so the views
of an article are those of its current title plus those of the title as configured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

FIRST_DAY = dt.date(2015, 7, 1)  # the API's data starts here


def article_path(title: str) -> str:
    """A title as the REST API wants it in the path: underscores, every reserved char encoded."""
    return quote(title.strip().replace(" ", "_"), safe="")


def pageviews_url(
    base: str, project: str, access: str, agent: str, title: str, first: dt.date, last: dt.date
) -> str:
    return (
        f"{base.rstrip('/')}/metrics/pageviews/per-article/{project}/{access}/{agent}/"
        f"{article_path(title)}/daily/{first:%Y%m%d}/{last:%Y%m%d}"
    )


def parse_pageviews(payload: Any) -> dict[dt.date, int]:
    """``{"items": [...]}`` -> {day: views}. Raises ValueError on a body of another shape."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("items"), list):
        raise ValueError("not a page-views answer (no 'items' list)")
    out: dict[dt.date, int] = {}
    for row in payload["items"]:
        stamp = str(row.get("timestamp", ""))
        day = dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        out[day] = out.get(day, 0) + int(row["views"])
    return out


def parse_resolution(payload: Any, titles: list[str]) -> dict[str, str | None]:
    """Action API answer -> {title as asked: current title, or None when the page is missing}.

    Follows ``normalized`` (case, underscores) then ``redirects``; ``pages`` marks missing ones.
    """
    query = payload.get("query", {}) if isinstance(payload, Mapping) else {}
    normalized = {n["from"]: n["to"] for n in query.get("normalized", [])}
    redirects = {r["from"]: r["to"] for r in query.get("redirects", [])}
    pages = query.get("pages", [])
    if isinstance(pages, Mapping):  # formatversion=1 answers a dict keyed by page id
        pages = list(pages.values())
    missing = {p.get("title") for p in pages if "missing" in p or "invalid" in p}
    out: dict[str, str | None] = {}
    for title in titles:
        current = normalized.get(title, title)
        current = redirects.get(current, current)
        out[title] = None if current in missing else current
    return out
