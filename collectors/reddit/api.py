"""Reddit API mode (praw, read-only, client credentials): theme searches and comment trees.

praw talks through our HttpClient (``requestor_kwargs={"session": client.as_session()}``), so
budget, pacing (100 requests/minute) and Retry-After handling are ours; base URLs come from the
config (``oauth_url``, ``reddit_url``) so the same code can target the local replica. prawcore also
paces itself from the ``x-ratelimit-*`` headers, which is Reddit's own contract.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from attention.config import Secrets
from attention.errors import (
    AttentionError,
    AuthError,
    BudgetExhaustedError,
    RateLimitedError,
    RetriableError,
)
from attention.source_settings import RedditSettings
from collectors.core.records import CoverageSpan, CursorUpdate, Provenance, SourceNote, TextItem, utcnow
from collectors.reddit.cursor import QueryCursor, Walk, coverage_spans, walk_span
from collectors.reddit.items import AuthorPolicy, item_from_json, praw_data
from collectors.reddit.query import SOURCE, Search, theme_searches

API_MIN_INTERVAL = 0.6  # 100 requests per minute (Reddit's OAuth limit)
PAGE_SIZE = 100  # posts per listing request (Reddit's maximum)
REFRESH_HOURS = 48  # comments of posts found in earlier runs are re-read for this long
AUTH_HINT = (
    "check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (or praw.ini) and that Reddit has "
    "approved the app, or set sources.reddit.mode: feeds to use the public feeds "
    "without credentials"
)


def make_reddit(settings: RedditSettings, secrets: Secrets, session: Any, user_agent: str) -> Any:
    """A read-only praw.Reddit on our session. Credentials from the environment win; without
    them praw reads its own praw.ini (site ``praw_site`` or DEFAULT)."""
    import praw

    kwargs: dict[str, Any] = {
        "user_agent": user_agent,
        "check_for_updates": False,
        "oauth_url": settings.oauth_url,
        "reddit_url": settings.reddit_url,
        "requestor_kwargs": {"session": session},
    }
    if secrets.has_reddit_credentials:
        kwargs.update(client_id=secrets.reddit_client_id, client_secret=secrets.reddit_client_secret)
    reddit = praw.Reddit(**kwargs)
    reddit.read_only = True
    for core in (reddit._read_only_core, reddit._authorized_core):
        if core is not None:
            _retry_in_our_layer_only(core)
    return reddit


@dataclass(frozen=True)
class AfterNewTokenOnly:
    """A prawcore retry strategy (duck-typed like ``prawcore.sessions.RetryStrategy``): one
    retry, no sleep, and used only for the retry prawcore makes after a 401 (see below)."""

    retries: int = 1

    def sleep(self) -> None:
        """No sleeping here: our HttpClient paces every request."""

    def consume_available_retry(self) -> AfterNewTokenOnly:
        return AfterNewTokenOnly(self.retries - 1)

    def should_retry_on_failure(self) -> bool:
        return self.retries > 0


def _retry_in_our_layer_only(core: Any) -> None:
    """Stop a prawcore Session from retrying 5xx answers and dropped connections itself.

    Its default (``FiniteRetryStrategy``) tries twice more with real ``time.sleep`` calls of
    0-2 s and 2-4 s, on top of our HttpClient's retries: one call to a failing Reddit would cost
    12 requests and seconds of sleeping that no budget or pacing sees (DESIGN.md 4.7: retries
    live in one HTTP layer). What stays is the one retry after a 401, which prawcore makes only
    after dropping its access token: a new token, not a second try at a failing server.
    """
    if not hasattr(core, "_retry_strategy_class"):  # a prawcore that changed: say so loudly
        raise TypeError(
            "collectors.reddit.api: prawcore.Session has no _retry_strategy_class "
            "any more; see _retry_in_our_layer_only"
        )
    core._retry_strategy_class = AfterNewTokenOnly
    core.RETRY_STATUSES = frozenset()  # instance attributes shadow prawcore's class sets
    core.RETRY_EXCEPTIONS = ()


@dataclass
class ApiCollector:
    """One run of the API mode."""

    ctx: Any
    reddit: Any
    authors: AuthorPolicy
    version: str
    more_left: int = 0
    seen_posts: dict[str, Any] = field(default_factory=dict)

    def run(self) -> Iterator[TextItem | CursorUpdate | CoverageSpan | SourceNote]:
        settings = self.ctx.config.sources.reddit
        self.more_left = settings.more_comments_budget
        for search in theme_searches(self.ctx.config, per_subreddit=False):
            yield from self.search(search, settings.posts_per_query)
        if settings.comment_depth > 0 and settings.comment_limit > 0:
            yield from self.all_comments(settings)

    def search(
        self, search: Search, limit: int
    ) -> Iterator[TextItem | CursorUpdate | CoverageSpan | SourceNote]:
        """Posts of one theme query: from the top of the listing down to the last run's mark,
        then down each open gap (rule: :mod:`collectors.reddit.cursor`). ``limit`` caps only
        a query's first run; later runs page (``after=``) as far as the mark."""
        state = QueryCursor.load(self.ctx.cursors, search.cursor_key("api"), search.label)
        subreddit = self.reddit.subreddit("+".join(search.subreddits))
        provenance = self._provenance(
            f"/r/{'+'.join(search.subreddits)}/search", {"q": search.query, "sort": "new"}
        )
        walk, gap = state.new_walk(), None
        top, watched = utcnow(), []
        try:
            yield from self._walk(
                subreddit, search.query, walk, provenance, limit if state.mark is None else None
            )
            watched.append(walk_span(walk, walk.stop, top.timestamp()))
            state.after_new(walk, interrupted=False)
            for gap in list(state.gaps):
                walk = state.gap_walk(gap)
                yield from self._walk(subreddit, search.query, walk, provenance, None, gap.after)
                watched.append(walk_span(walk, gap.until, gap.oldest))
                state.after_gap(gap, walk, interrupted=False)
        except Exception as exc:  # noqa: BLE001 - classified below; unknown ones re-raised
            # The posts already yielded are kept: record how far they reach before anything
            # else, so a stop in the middle of a walk leaves a gap instead of a silent hole.
            state.after_walk(gap, walk, interrupted=True)
            yield from state.flush()
            error = classify(exc, self.ctx.config.sources.reddit)
            if isinstance(error, (AuthError, RetriableError)) and not _is_soft(exc):
                raise error from exc
            yield SourceNote("warning", f"{search.label}: search skipped ({error})")
            return
        # after the posts, before the cursor: a kill in between can only under-state coverage
        unit = search.cursor_key("api").removeprefix("api:")
        yield from coverage_spans("query", unit, watched, provenance)
        yield from state.flush()

    def _walk(
        self,
        subreddit: Any,
        query: str,
        walk: Walk,
        provenance: Provenance,
        limit: int | None,
        after: str | None = None,
    ) -> Iterator[TextItem]:
        """One newest-first pass over the search listing (praw pages with ``after=``)."""
        params = {"after": after} if after else {}
        listing = subreddit.search(
            query,
            sort="new",
            time_filter="all",
            limit=limit,
            request_limit=min(limit or PAGE_SIZE, PAGE_SIZE),
            params=params,
        )
        for post in listing:
            if not walk.take(post.created_utc, f"t3_{post.id}"):
                if walk.reached:
                    return
                continue
            if post.id not in self.seen_posts:
                self.seen_posts[post.id] = post
                yield item_from_json(praw_data(post), "post", provenance, self.authors)

    def all_comments(self, settings: Any) -> Iterator[TextItem | SourceNote]:
        posts = list(self.seen_posts.values()) + self._recent_stored_posts()
        skipped = 0
        for done, post in enumerate(posts):
            try:
                yield from self.comments(post, settings.comment_depth, settings.comment_limit)
            except Exception as exc:  # noqa: BLE001 - classified
                error = classify(exc, settings)
                if isinstance(error, BudgetExhaustedError):
                    skipped = len(posts) - done
                    break
                if isinstance(error, (AuthError, RateLimitedError)):
                    raise error from exc
                yield SourceNote("warning", f"comments of t3_{post.id} skipped ({error})")
        if skipped:
            yield SourceNote(
                "warning",
                f"comments of {skipped} post(s) not read: the request "
                "budget is spent; raise sources.reddit.budget",
                skipped,
            )

    def comments(self, post: Any, depth_limit: int, count_limit: int) -> Iterator[TextItem]:
        """Walk a post's comment tree breadth-first to ``depth_limit`` levels, at most
        ``count_limit`` comments, expanding "load more" stubs while the run's budget lasts."""
        from praw.models import MoreComments

        post.comment_sort, post.comment_limit = "new", count_limit
        provenance = self._provenance(f"/comments/{post.id}", {"sort": "new"})
        queue: deque[tuple[Any, int]] = deque((c, 0) for c in post.comments)
        emitted = 0
        while queue and emitted < count_limit:
            node, depth = queue.popleft()
            if isinstance(node, MoreComments):
                if self.more_left <= 0 or depth >= depth_limit:
                    continue
                self.more_left -= 1
                # morechildren returns a flat list; each comment carries its own depth.
                # praw's annotation is a union with CommentForest; morechildren gives a list
                children = cast("Iterable[Any]", node.comments())
                queue.extend((c, getattr(c, "depth", depth)) for c in children)
                continue
            if depth >= depth_limit:
                continue
            yield item_from_json(praw_data(node), "comment", provenance, self.authors)
            emitted += 1
            queue.extend((c, depth + 1) for c in getattr(node, "replies", []) or [])

    def _recent_stored_posts(self) -> list[Any]:
        """Posts from earlier runs still young enough to gather comments: re-read them."""
        if self.ctx.lookups is None:
            return []
        day_end = dt.datetime.combine(self.ctx.run_date, dt.time(), dt.UTC) + dt.timedelta(1)
        since = day_end - dt.timedelta(hours=REFRESH_HOURS)
        ids = [i.removeprefix("t3_") for i in self.ctx.lookups.recent_post_ids(SOURCE, since)]
        return [self.reddit.submission(id=i) for i in ids if i not in self.seen_posts]

    def _provenance(self, path: str, params: dict[str, Any]) -> Provenance:
        url = self.ctx.config.sources.reddit.oauth_url.rstrip("/") + path
        return Provenance(url, self.version, utcnow(), params)


def _is_soft(exc: BaseException) -> bool:
    """A 403/404/redirect on one search (private, banned or renamed subreddit) is not fatal."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status in (403, 404) or type(exc).__name__ == "Redirect"


def classify(exc: BaseException, settings: Any) -> AttentionError:
    """Turn what praw/prawcore raised into our error tree (DESIGN.md 4.6)."""
    ours = _find_ours(exc)
    if isinstance(ours, (BudgetExhaustedError, RateLimitedError)):
        return ours
    status = getattr(getattr(exc, "response", None), "status_code", None)
    name = type(exc).__name__
    if status == 401 or name in ("OAuthException", "InvalidToken"):
        return AuthError(
            f"reddit: Reddit refused the API credentials (HTTP 401 at "
            f"{settings.reddit_url}/api/v1/access_token); {AUTH_HINT}"
        )
    if status == 403:
        return AuthError(f"reddit: Reddit answered 403 Forbidden; {AUTH_HINT}")
    if status == 429:
        return RateLimitedError("reddit: rate limited (HTTP 429); try again later")
    if ours is not None:
        return ours
    if status is not None and status >= 500 or name in ("ServerError", "RequestException"):
        return RetriableError(f"reddit: the API is failing ({name}: {exc})")
    if status is not None:
        return AttentionError(f"reddit: HTTP {status} ({name})")
    raise exc


def _find_ours(exc: BaseException | None) -> AttentionError | None:
    """Our classified error, if one is buried in praw's exception chain."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, AttentionError):
            return exc
        exc = getattr(exc, "original_exception", None) or exc.__cause__ or exc.__context__
        seen += 1
    return None
