"""Replica of the Wikimedia page-views REST API and of the MediaWiki action API's redirect lookup,
serving views that follow the simulated world's theme attention.

* ``GET /metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/daily/{start}/{end}``:
  ``{"items": [{"project", "article", "granularity": "daily", "timestamp": "YYYYMMDD00",
  "access", "agent", "views"}]}``; days without views are left out; an unknown article, or a
  range without any data, answers 404 with Wikimedia's JSON problem body.
* ``GET /w/api.php?action=query&redirects=1&titles=A|B&format=json&formatversion=2``:
  ``normalized``, ``redirects`` and ``pages`` (``missing`` for unknown titles).
* A renamed article: ``RENAMED`` maps an old title to the new one and the day of the move;
  views before it are under the old title, after it under the new.
* A generic User-Agent (empty, or a library's default) answers 403, as Wikimedia's policy says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

import numpy as np

from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import World, stable_seed

# old title -> (current title, day of the move)
RENAMED = {"Magnificent 7 (stocks)": ("Magnificent Seven (stocks)", dt.date(2024, 3, 1))}
GENERIC_AGENTS = ("python-requests", "python-urllib", "curl", "attention/0.1 (+https")
BASE_VIEWS = 2000.0


class WikipediaReplica(Replica):
    name = "wikipedia"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.route(
            "GET",
            r"/metrics/pageviews/per-article/(?P<project>[^/]+)/(?P<access>[^/]+)/(?P<agent>[^/]+)/"
            r"(?P<article>[^/]+)/daily/(?P<start>\d{8})/(?P<end>\d{8})",
            self.per_article,
        )
        self.route("GET", r"/w/api\.php", self.action_api)

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        return {"sources.wikipedia.url": url, "sources.wikipedia.api_url": f"{url}/w/api.php"}

    def articles(self) -> dict[str, str]:
        """Current title -> the theme it follows (every article a theme lists, renamed ones too)."""
        out: dict[str, str] = {}
        for key, theme in self.world.config.themes.items():
            for title in theme.wikipedia_articles:
                out[RENAMED.get(title, (title, None))[0]] = key
        return out

    def views(self, title: str, day: dt.date) -> int:
        """Views of the article now called ``title`` on ``day`` (0 outside the world)."""
        theme = self.articles().get(title)
        if theme is None or not self.world.start <= day <= self.world.end:
            return 0
        level = self.world.theme_state(theme)["attention"]
        level = level.reindex(self.world.calendar_days).ffill().bfill()
        rng = np.random.default_rng(stable_seed(self.world.seed, "wiki", title, day))
        scale = 0.3 + stable_seed(title) % 10 / 10
        weekend = 0.8 if day.weekday() >= 5 else 1.0
        value = BASE_VIEWS * scale * weekend * level.loc[str(day)] / level.mean()
        return max(0, int(value * float(np.exp(rng.normal(0, 0.08)))))

    def per_article(self, request: Request) -> Response:
        agent = request.header("user-agent", "") or ""
        if not agent or agent.startswith(GENERIC_AGENTS):
            return Response.text("Please set a user-agent with contact information", 403)
        title = unquote(request.param("article")).replace("_", " ")
        start = dt.datetime.strptime(request.param("start"), "%Y%m%d").date()
        end = dt.datetime.strptime(request.param("end"), "%Y%m%d").date()
        items = []
        day = start
        while day <= end:
            count = self._title_views(title, day)
            if count > 0:  # Wikimedia leaves days without views out
                items.append(self._item(request, title, day, count))
            day += dt.timedelta(days=1)
        if not items:
            return _not_found(request.path)
        return Response.json({"items": items})

    def _title_views(self, title: str, day: dt.date) -> int:
        if title in RENAMED:  # the old title: its views until the move
            current, moved = RENAMED[title]
            return self.views(current, day) if day < moved else 0
        old = next((o for o, (new, _) in RENAMED.items() if new == title), None)
        if old is not None and day < RENAMED[old][1]:
            return 0  # the new title had no views before the move
        return self.views(title, day)

    @staticmethod
    def _item(request: Request, title: str, day: dt.date, views: int) -> dict[str, Any]:
        return {
            "project": request.param("project"),
            "article": title.replace(" ", "_"),
            "granularity": "daily",
            "timestamp": f"{day:%Y%m%d}00",
            "access": request.param("access"),
            "agent": request.param("agent"),
            "views": views,
        }

    def action_api(self, request: Request) -> Response:
        titles = [t for t in (request.arg("titles") or "").split("|") if t]
        known = set(self.articles())
        normalized, redirects, pages = [], [], []
        for title in titles:
            current = title.replace("_", " ")
            if current != title:
                normalized.append({"fromencoded": False, "from": title, "to": current})
            if current in RENAMED and request.arg("redirects"):
                redirects.append({"from": current, "to": RENAMED[current][0]})
                current = RENAMED[current][0]
            page = {"ns": 0, "title": current}
            pages.append(
                {**page, "pageid": stable_seed(current) % 10**8}
                if current in known
                else {**page, "missing": True}
            )
        query: dict[str, Any] = {"pages": pages}
        if normalized:
            query["normalized"] = normalized
        if redirects:
            query["redirects"] = redirects
        return Response.json({"batchcomplete": True, "query": query})


def _not_found(path: str) -> Response:
    return Response.json(
        {
            "type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
            "title": "Not found.",
            "method": "get",
            "detail": "The date(s) you used are valid, but we either do not have data for those "
            "date(s), or the project you asked for is not loaded yet. Please check documentation "
            "for more information.",
            "uri": path,
        },
        404,
    )
