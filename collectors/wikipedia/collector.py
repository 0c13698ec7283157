"""Wikipedia page views collector: per theme, the articles in ``themes.<key>.wikipedia_articles``,
daily views (agent ``user``: bots left out) backfilled to ``analysis.history_start`` on the first
run, then from the last day stored (less two days, which Wikimedia may still complete).

Wikimedia asks for a User-Agent that says who is calling and how to reach them
(``sources.wikipedia.user_agent`` + ``contact``), and rejects generic ones with 403. One unknown
article (404) is skipped with a note and records no coverage; the others still run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from attention.errors import AttentionError, AuthError, RetriableError
from collectors.core.blocks import require_body
from collectors.core.http import HttpStatusError
from collectors.core.records import (
    CollectContext,
    CoverageSpan,
    CursorUpdate,
    Provenance,
    Record,
    SourceNote,
    day_span,
    utcnow,
)
from collectors.core.volumes import PageViewDay
from collectors.wikipedia.pageviews import FIRST_DAY, pageviews_url, parse_pageviews, parse_resolution

SOURCE = "wikipedia"
REREAD_DAYS = 2
ADVICE = "Wikimedia answered nothing; try again later"


class WikipediaCollector:
    name = SOURCE
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        settings = ctx.config.sources.wikipedia
        assert ctx.http_factory is not None, "the pipeline provides an HTTP factory"
        client = ctx.http_factory(SOURCE, min_interval=settings.min_interval)
        client.session.headers["User-Agent"] = settings.agent_string()
        articles = list(dict.fromkeys(a for t in ctx.config.themes.values() for a in t.wikipedia_articles))
        if not articles:
            yield SourceNote("info", "wikipedia: no themes.<key>.wikipedia_articles configured")
            return
        try:
            yield from self.articles(ctx, client, articles)
        except AuthError as exc:
            raise AuthError(
                f"wikipedia: Wikimedia refused the request ({exc}); it rejects generic user agents: "
                "set sources.wikipedia.user_agent and sources.wikipedia.contact (an e-mail or URL)"
            ) from None

    def articles(
        self, ctx: CollectContext, client: Any, articles: list[str]
    ) -> Iterator[Record | SourceNote]:
        current = resolve(client, ctx.config.sources.wikipedia.api_url, articles)
        failures: list[AttentionError] = []
        for article in articles:
            try:
                yield from self.article(ctx, client, article, current.get(article, article))
            except (HttpStatusError, RetriableError, ValueError) as exc:
                error = exc if isinstance(exc, AttentionError) else RetriableError(f"wikipedia: {exc}")
                failures.append(error)
                yield SourceNote("warning", f"wikipedia {article!r}: {error}")
        if failures and len(failures) == len(articles):
            raise RetriableError(f"wikipedia: all {len(articles)} articles failed; first: {failures[0]}")

    def article(
        self, ctx: CollectContext, client: Any, article: str, current: str | None
    ) -> Iterator[Record | SourceNote]:
        settings = ctx.config.sources.wikipedia
        if current is None:
            raise HttpStatusError(
                f"wikipedia: no article {article!r} on {settings.project}; fix the title in "
                "themes.<key>.wikipedia_articles (as in the article's URL)",
                404,
            )
        key = f"views:{settings.project}:{article}"
        first, last = window(ctx.cursors.get(key), ctx.config.analysis.history_start, ctx.run_date)
        if first > last:
            return
        titles = list(dict.fromkeys([current, article]))  # after a rename, the old title too
        totals: dict[dt.date, int] = {}
        reached: dt.date | None = None
        for n, title in enumerate(titles):
            url = pageviews_url(
                settings.url, settings.project, settings.access, settings.agent, title, first, last
            )
            try:
                response = client.get(url)
            except HttpStatusError as exc:
                if exc.status == 404 and n > 0:
                    continue  # the old title has no views in the window: nothing to add
                raise HttpStatusError(
                    f"wikipedia: {title!r} answered HTTP {exc.status} (unknown article or no data "
                    f"for {first}..{last}); check the title in themes.<key>.wikipedia_articles",
                    exc.status,
                ) from None
            views = parse_pageviews(json.loads(require_body(response.content, SOURCE, url, ADVICE)))
            for day, count in views.items():
                totals[day] = totals.get(day, 0) + count
            if n == 0 and views:
                reached = max(views)
        if reached is None:
            return  # no day answered yet (a brand-new window): nothing observed, nothing claimed
        provenance = Provenance(settings.url, self.version, utcnow(), {"titles": titles, "first": str(first)})
        days = [first + dt.timedelta(days=i) for i in range((reached - first).days + 1)]
        for day in days:  # a day missing from the answer had no views: a real 0 inside the span
            yield PageViewDay(settings.project, article, day, totals.get(day, 0), tuple(titles), provenance)
        start, end = day_span(first, reached)
        yield CoverageSpan(SOURCE, "article", article, start, end, "collect", provenance, len(days))
        yield CursorUpdate(SOURCE, key, reached.isoformat())


def window(cursor: str | None, history_start: dt.date, run_date: dt.date) -> tuple[dt.date, dt.date]:
    """Days to ask for: from the history start (first run) or two days before the last day
    stored, to the day before the run (the run's own day is not over)."""
    last = run_date - dt.timedelta(days=1)
    if cursor:
        return dt.date.fromisoformat(cursor) - dt.timedelta(days=REREAD_DAYS), last
    return max(history_start, FIRST_DAY), last


def resolve(client: Any, api_url: str, titles: list[str]) -> dict[str, str | None]:
    """Current titles (redirects and renames followed), 50 titles per request (the API's limit).
    When the action API does not answer, titles are used as configured (views still count)."""
    out: dict[str, str | None] = {}
    for i in range(0, len(titles), 50):
        batch = titles[i : i + 50]
        params = {"action": "query", "redirects": "1", "format": "json", "formatversion": "2"}
        try:
            response = client.get(api_url, params={**params, "titles": "|".join(batch)})
            out.update(parse_resolution(response.json(), batch))
        except AuthError:
            raise
        except (AttentionError, ValueError):
            out.update({t: t for t in batch})
    return out
