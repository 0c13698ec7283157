"""The Reddit replica's 2026 face: the Atom feeds that still answer without keys, and the
refusals of what no longer does (DESIGN.md 5, "Reddit in 2026").

``/r/{sub}/new/.rss``, ``/r/{sub}/.rss``, ``/r/{sub}/top/.rss?t=week`` and ``/comments/{id}/.rss``
answer Atom with 25 entries (full text, no scores, no comment counts). With
``replica.era_2026 = True`` (the default), ``/r/{sub}/search.rss`` answers HTTP 200 with an
empty body (the soft block datacenter addresses see) and unauthenticated ``.json`` listings 403.
``replica.atom_blocked = True`` turns the Atom feeds into the same empty 200.
"""

from __future__ import annotations

import html
import re
from typing import Any

from attention.sandbox.server import Request, Response

ATOM_ENTRIES = 25


def add_atom_routes(replica: Any) -> None:
    """Put the Atom routes first (``/comments/{id}/.rss`` would otherwise match the JSON route)."""
    replica.era_2026 = True
    replica.atom_blocked = False
    before = list(replica.routes)
    replica.routes.clear()
    replica.route("GET", r"/r/(?P<subs>[^/]+)/new/\.rss", lambda r: _listing(replica, r, "new"))
    replica.route("GET", r"/r/(?P<subs>[^/]+)/\.rss", lambda r: _listing(replica, r, "hot"))
    replica.route("GET", r"/r/(?P<subs>[^/]+)/top/\.rss", lambda r: _listing(replica, r, "top"))
    replica.route("GET", r"/comments/(?P<id>[a-z0-9]+)/\.rss", lambda r: _thread(replica, r))
    replica.route("GET", r"/r/(?P<subs>[^/]+)/search\.rss", lambda r: _search_feed(replica, r))
    replica.route("GET", r"/[^_].*\.json", lambda r: _json_refused(replica, r, before))
    replica.routes.extend(before)


def _refused(replica: Any) -> Response | None:
    if replica.atom_blocked:
        return Response(200, b"", {"Content-Type": "application/atom+xml; charset=UTF-8"})
    refused, _ = replica._rate("feed", replica.feed_limit, replica.feed_window)
    if refused:
        headers = {k: v for k, v in refused.headers.items() if k != "Content-Type"}
        page = "<html><body>too many requests</body></html>"
        return Response.text(page, 429, content_type="text/html", **headers)
    return None


def _listing(replica: Any, request: Request, order: str) -> Response:
    refused = _refused(replica)
    if refused is not None:
        return refused
    posts = replica._visible("post", request.param("subs"))
    if order != "new":  # hot/top: a sample ordered by score, as Reddit's are
        posts = sorted(posts[:200], key=lambda p: p.score, reverse=True)
    entries = "".join(_scoreless(replica._entry(p)) for p in posts[:ATOM_ENTRIES])
    return _atom(replica, request, f"r/{request.param('subs')}", entries)


def _thread(replica: Any, request: Request) -> Response:
    refused = _refused(replica)
    if refused is not None:
        return refused
    post_id = request.param("id")
    posts = [t for t in replica.texts() if t.kind == "post" and t.item_id == post_id]
    if not posts:
        return Response.text("<html><body>page not found</body></html>", 404, content_type="text/html")
    entries = _scoreless(replica._entry(posts[0]))
    for comment in replica._comments_of(post_id)[: ATOM_ENTRIES - 1]:
        link = f"https://www.reddit.com/r/{comment.container}/comments/{post_id}/_/{comment.item_id}/"
        content = f'<!-- SC_OFF --><div class="md"><p>{html.escape(comment.body)}</p></div><!-- SC_ON -->'
        stamp = comment.created_utc.isoformat(timespec="seconds")
        entries += (
            f"<entry><author><name>/u/{comment.author}</name></author>"
            f'<category term="{comment.container}" label="r/{comment.container}"/>'
            f'<content type="html">{html.escape(content)}</content><id>t1_{comment.item_id}</id>'
            f'<link href="{link}"/><updated>{stamp}</updated><published>{stamp}</published>'
            f"<title>/u/{comment.author} on {html.escape(posts[0].title)}</title></entry>"
        )
    return _atom(replica, request, posts[0].title, entries)


def _search_feed(replica: Any, request: Request) -> Response:
    if replica.era_2026:
        return Response(200, b"", {"Content-Type": "application/atom+xml; charset=UTF-8"})
    return replica.search_feed(request)


def _json_refused(replica: Any, request: Request, routes: list[Any]) -> Response:
    if replica.era_2026 and not request.header("authorization"):
        return Response.text("<html><body>blocked</body></html>", 403, content_type="text/html")
    for method, pattern, handler in routes:  # the 2025 routes, for authenticated clients
        found = pattern.match(request.path)
        if found and method == request.method:
            request.match = found
            return handler(request)
    return Response.json({"error": f"no route for {request.path}"}, 404)


def _scoreless(entry: str) -> str:
    """Since 2026 the Atom content carries no comment count."""
    return re.sub(r"\[\d+ comments?\]", "[comments]", entry)


def _atom(replica: Any, request: Request, title: str, entries: str) -> Response:
    now = replica.now.isoformat(timespec="seconds")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<updated>{now}</updated><id>{html.escape(request.path)}</id>"
        f"<title>{html.escape(title)}</title>{entries}</feed>"
    )
    return Response.text(xml, content_type="application/atom+xml; charset=UTF-8")
