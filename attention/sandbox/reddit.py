"""Replica of the Reddit endpoints the collector uses, serving the simulated world's posts.

OAuth API (as praw calls it): ``POST /api/v1/access_token`` (client credentials; 401 for bad
ones), ``/r/<subs>/search`` and ``/r/<subs>/new`` listings with real ``after``/``before``/
``limit`` pagination, ``/comments/<id>`` trees with ``more`` stubs, ``POST /api/morechildren``;
``x-ratelimit-*`` headers on every answer and 429 + Retry-After past the window's limit.
Public feeds: ``/r/<sub>/search.rss`` and ``/r/<sub>/new.rss`` as Atom, shaped like Reddit's.
Formats mirror the recordings in ``shared/data/praw_cassettes`` and ``rss_feed_samples_real``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import secrets
import threading
import time
from typing import Any
from urllib.parse import unquote

from attention.sandbox.reddit_atom import add_atom_routes
from attention.sandbox.server import Replica, Request, Response
from attention.sandbox.world import SimText, World, stable_seed
from attention.sandbox.world_text import posts_for_day

PUBLIC = "https://www.reddit.com"
MAX_LISTING = 1000  # Reddit never pages further back than about 1,000 items


class RedditReplica(Replica):
    name = "reddit"
    client_id = "sandbox-client-id"
    client_secret = "sandbox-client-secret"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        # The replica's clock: only posts created before it exist. Tests move it forward.
        self.now = dt.datetime.combine(world.end, dt.time(23, 59, 59), dt.UTC)
        self.api_limit, self.api_window = 1000, 600  # Reddit: 1,000 requests per 10 minutes
        # Reddit allows unauthenticated clients about 10 per minute; the replica is looser by
        # default so fast test runs (sleeps patched out) pass. Set 10 to mimic Reddit.
        self.feed_limit, self.feed_window = 100, 60
        self.inline_comments = 2  # top-level comments sent inline; the rest behind "more"
        self.removed_every = 0  # every n-th comment shows as "[removed]" (0 = none)
        self.tokens: set[str] = set()
        self._hits: dict[str, list[float]] = {"api": [], "feed": []}
        self._lock = threading.Lock()
        self._texts: list[SimText] | None = None
        self._by_parent: dict[str, list[SimText]] = {}
        self.route("POST", r"/api/v1/access_token/?", self.token)
        self.route("GET", r"/r/(?P<subs>[^/]+)/search\.rss", self.search_feed)
        self.route("GET", r"/r/(?P<subs>[^/]+)/new\.rss", self.new_feed)
        self.route("GET", r"/r/(?P<subs>[^/]+)/search(?:/|\.json)?", self.search)
        self.route("GET", r"/r/(?P<subs>[^/]+)/new(?:/|\.json)?", self.new)
        self.route("GET", r"/comments/(?P<id>[a-z0-9]+)(?:/[^/]*)?/?", self.comments)
        self.route("POST", r"/api/morechildren/?", self.morechildren)
        add_atom_routes(self)  # the 2026 Atom feeds and refusals (attention.sandbox.reddit_atom)

    @staticmethod
    def config_overrides(url: str) -> dict[str, Any]:
        return {
            "sources.reddit.oauth_url": url,
            "sources.reddit.reddit_url": url,
            "sources.reddit.public_url": url,
        }

    # -- data ---------------------------------------------------------------------------------
    def texts(self) -> list[SimText]:
        """Every post and comment of the world (built once), newest first."""
        with self._lock:
            if self._texts is None:
                days = (self.world.end - self.world.start).days + 1
                out = [
                    t
                    for i in range(days)
                    for t in posts_for_day(self.world, self.world.start + dt.timedelta(i))
                ]
                self._texts = sorted(out, key=lambda t: t.created_utc, reverse=True)
                for text in self._texts:
                    if text.kind == "comment" and text.parent_id:
                        self._by_parent.setdefault(text.parent_id, []).append(text)
            return self._texts

    def _visible(self, kind: str, subs: str) -> list[SimText]:
        wanted = {s.lower() for s in unquote(subs).split("+")}
        return [
            t
            for t in self.texts()
            if t.kind == kind
            and t.created_utc <= self.now
            and ("all" in wanted or t.container.lower() in wanted)
        ]

    def _comments_of(self, post_id: str) -> list[SimText]:
        self.texts()
        return [t for t in self._by_parent.get(f"t3_{post_id}", []) if t.created_utc <= self.now]

    def _is_removed(self, text: SimText) -> bool:
        return bool(self.removed_every) and stable_seed(text.item_id) % self.removed_every == 0

    # -- OAuth API ----------------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        auth = request.header("authorization", "") or ""
        try:
            user, _, password = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
        except (IndexError, ValueError):
            user, password = "", ""
        if (user, password) != (self.client_id, self.client_secret):
            return Response.json({"message": "Unauthorized", "error": 401}, 401)
        token = secrets.token_hex(12)
        self.tokens.add(token)
        return Response.json(
            {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    def _api_guard(self, request: Request) -> tuple[Response | None, dict[str, str]]:
        auth = (request.header("authorization", "") or "").split(" ", 1)
        if len(auth) != 2 or auth[1] not in self.tokens:
            body = {"message": "Unauthorized", "error": 401}
            return Response.json(body, 401, **{"www-authenticate": 'Bearer realm="reddit"'}), {}
        return self._rate("api", self.api_limit, self.api_window)

    def _rate(self, bucket: str, limit: int, window: int) -> tuple[Response | None, dict[str, str]]:
        now = time.monotonic()
        with self._lock:
            hits = [t for t in self._hits[bucket] if now - t < window]
            hits.append(now)
            self._hits[bucket] = hits
        reset = int(window - (now - hits[0])) if hits else window
        headers = {
            "x-ratelimit-used": str(len(hits)),
            "x-ratelimit-remaining": f"{max(0, limit - len(hits)):.1f}",
            "x-ratelimit-reset": str(max(reset, 1)),
        }
        if len(hits) > limit:
            body = {"message": "Too Many Requests", "error": 429}
            return Response.json(body, 429, **headers, **{"Retry-After": str(max(reset, 1))}), {}
        return None, headers

    def search(self, request: Request) -> Response:
        refused, headers = self._api_guard(request)
        if refused:
            return refused
        found = _matching(self._visible("post", request.param("subs")), request.arg("q", ""))
        return Response.json(self._listing(found, request), **headers)

    def new(self, request: Request) -> Response:
        refused, headers = self._api_guard(request)
        if refused:
            return refused
        posts = self._visible("post", request.param("subs"))
        return Response.json(self._listing(posts, request), **headers)

    def _listing(self, texts: list[SimText], request: Request) -> dict[str, Any]:
        page, after, before = paginate(texts[:MAX_LISTING], request)
        return listing([{"kind": "t3", "data": self.post_data(t)} for t in page], after, before)

    def comments(self, request: Request) -> Response:
        refused, headers = self._api_guard(request)
        if refused:
            return refused
        post_id = request.param("id")
        post = next((t for t in self._visible("post", "all") if t.item_id == post_id), None)
        if post is None:
            return Response.json({"message": "Not Found", "error": 404}, 404, **headers)
        limit = min(int(request.arg("limit", "200") or 200), self.inline_comments)
        comments = self._comments_of(post_id)
        if request.arg("sort", "confidence") != "new":
            comments = sorted(comments, key=lambda t: -t.score)
        children = [{"kind": "t1", "data": self.comment_data(c)} for c in comments[:limit]]
        rest = [c.item_id for c in comments[limit:]]
        if rest:  # the stub Reddit sends for comments beyond the limit
            children.append(
                {
                    "kind": "more",
                    "data": {
                        "count": len(rest),
                        "name": f"t1_{rest[0]}",
                        "id": rest[0],
                        "parent_id": f"t3_{post_id}",
                        "depth": 0,
                        "children": rest,
                    },
                }
            )
        post_listing = listing([{"kind": "t3", "data": self.post_data(post)}], None, None)
        return Response.json([post_listing, listing(children, None, None)], **headers)

    def morechildren(self, request: Request) -> Response:
        refused, headers = self._api_guard(request)
        if refused:
            return refused
        form = request.form()
        wanted = [c for c in form.get("children", "").split(",") if c]
        post_id = form.get("link_id", "").removeprefix("t3_")
        by_id = {c.item_id: c for c in self._comments_of(post_id)}
        things = [{"kind": "t1", "data": self.comment_data(by_id[c])} for c in wanted if c in by_id]
        return Response.json({"json": {"errors": [], "data": {"things": things}}}, **headers)

    def post_data(self, post: SimText) -> dict[str, Any]:
        link = f"/r/{post.container}/comments/{post.item_id}/{_slug(post.title)}/"
        stamp = post.created_utc.timestamp()
        return {
            "id": post.item_id,
            "name": f"t3_{post.item_id}",
            "title": post.title,
            "selftext": post.body,
            "selftext_html": _md_html(post.body) if post.body else None,
            "author": post.author,
            "subreddit": post.container,
            "subreddit_name_prefixed": f"r/{post.container}",
            "subreddit_id": "t5_sandbox",
            "created_utc": stamp,
            "created": stamp,
            "score": post.score,
            "ups": post.score,
            "downs": 0,
            "upvote_ratio": 0.9,
            "num_comments": len(self._comments_of(post.item_id)),
            "permalink": link,
            "url": PUBLIC + link,
            "domain": f"self.{post.container}",
            "is_self": True,
            "over_18": False,
            "stickied": False,
            "locked": False,
            "archived": False,
            "edited": False,
            "distinguished": None,
            "link_flair_text": None,
        }

    def comment_data(self, comment: SimText) -> dict[str, Any]:
        post_id = (comment.parent_id or "t3_").removeprefix("t3_")
        removed = self._is_removed(comment)
        body = "[removed]" if removed else comment.body
        stamp = comment.created_utc.timestamp()
        return {
            "id": comment.item_id,
            "name": f"t1_{comment.item_id}",
            "body": body,
            "body_html": _md_html(body),
            "author": "[deleted]" if removed else comment.author,
            "subreddit": comment.container,
            "subreddit_id": "t5_sandbox",
            "link_id": f"t3_{post_id}",
            "parent_id": comment.parent_id,
            "depth": 0,
            "created_utc": stamp,
            "created": stamp,
            "score": comment.score,
            "ups": comment.score,
            "downs": 0,
            "replies": "",
            "edited": False,
            "distinguished": None,
            "permalink": f"/r/{comment.container}/comments/{post_id}/_/{comment.item_id}/",
        }

    # -- public feeds -------------------------------------------------------------------------
    def search_feed(self, request: Request) -> Response:
        refused, _ = self._rate("feed", self.feed_limit, self.feed_window)
        if refused:
            return _feed_refusal(refused)
        found = _matching(self._visible("post", request.param("subs")), request.arg("q", ""))
        return self._feed(found, request, f"{request.param('subs')}: search results")

    def new_feed(self, request: Request) -> Response:
        refused, _ = self._rate("feed", self.feed_limit, self.feed_window)
        if refused:
            return _feed_refusal(refused)
        posts = self._visible("post", request.param("subs"))
        return self._feed(posts, request, f"newest submissions : {request.param('subs')}")

    def _feed(self, posts: list[SimText], request: Request, title: str) -> Response:
        page, _, _ = paginate(posts[:MAX_LISTING], request, default_limit=25)
        entries = "".join(self._entry(p) for p in page)
        now = self.now.isoformat(timespec="seconds")
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:media="http://search.yahoo.com/mrss/">'
            f'<category term="{html.escape(request.param("subs"))}" '
            f'label="r/{html.escape(request.param("subs"))}"/>'
            f"<updated>{now}</updated><id>{html.escape(request.path)}</id>"
            f'<link rel="self" href="{PUBLIC}{html.escape(request.path)}" '
            'type="application/atom+xml" />'
            f"<title>{html.escape(title)}</title>{entries}</feed>"
        )
        return Response.text(xml, content_type="application/atom+xml; charset=UTF-8")

    def _entry(self, post: SimText) -> str:
        data = self.post_data(post)
        link, user = PUBLIC + data["permalink"], f"{PUBLIC}/user/{post.author}"
        body = f"<!-- SC_OFF -->{_md_html(post.body)}<!-- SC_ON -->" if post.body else ""
        content = (
            f'{body} &#32; submitted by &#32; <a href="{user}"> /u/{post.author} </a> '
            f'&#32; to &#32; <a href="{PUBLIC}/r/{post.container}/"> r/{post.container} '
            f'</a> <br/> <span><a href="{link}">[link]</a></span> &#32; <span>'
            f'<a href="{link}">[{data["num_comments"]} comments]</a></span>'
        )
        stamp = post.created_utc.isoformat(timespec="seconds")
        return (
            f"<entry><author><name>/u/{post.author}</name><uri>{user}</uri></author>"
            f'<category term="{post.container}" label="r/{post.container}"/>'
            f'<content type="html">{html.escape(content)}</content>'
            f'<id>t3_{post.item_id}</id><link href="{link}" /><updated>{stamp}</updated>'
            f"<published>{stamp}</published><title>{html.escape(post.title)}</title></entry>"
        )


def paginate(
    texts: list[SimText], request: Request, default_limit: int = 25
) -> tuple[list[SimText], str | None, str | None]:
    """Reddit listing pagination: ``after``/``before`` are fullnames; ``limit`` at most 100."""
    limit = max(1, min(100, int(request.arg("limit", str(default_limit)) or default_limit)))
    names = [f"t3_{t.item_id}" for t in texts]
    start = 0
    later, earlier = request.arg("after"), request.arg("before")
    if later is not None and later in names:
        start = names.index(later) + 1
    elif earlier is not None and earlier in names:
        start = max(0, names.index(earlier) - limit)
    page = texts[start : start + limit]
    after = f"t3_{page[-1].item_id}" if page and start + limit < len(texts) else None
    before = f"t3_{page[0].item_id}" if page and start > 0 else None
    return page, after, before


def listing(children: list[dict[str, Any]], after: str | None, before: str | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "modhash": "",
            "dist": len(children),
            "children": children,
            "after": after,
            "before": before,
        },
    }


def _matching(posts: list[SimText], query: str) -> list[SimText]:
    """Reddit search, roughly: any OR-term (quoted phrases kept whole) in title or body, as
    whole words like Reddit's search (``IWM`` finds "$IWM" and "IWM," but not "IWMX"; "small
    cap" does not find "small caps")."""
    terms = [t.strip().strip('"()') for t in re.split(r"\s+OR\s+", query or "")]
    terms = [t for t in terms if t]
    if not terms:
        return []
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms), re.IGNORECASE)
    return [p for p in posts if pattern.search(f"{p.title}\n{p.body}")]


def _md_html(text: str) -> str:
    return f'<div class="md"><p>{html.escape(text)}</p>\n</div>'


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]


def _feed_refusal(refused: Response) -> Response:
    headers = {k: v for k, v in refused.headers.items() if k != "Content-Type"}
    return Response.text(
        "<html><body><h1>whoa there, pardner!</h1> too many requests</body></html>",
        429,
        content_type="text/html",
        **headers,
    )
