"""Reddit collector: the API through praw with credentials, the public feeds without.

Since November 2025 new Reddit API apps need Reddit's approval, so many users have none: the
collector picks its mode (``sources.reddit.mode``: auto | api | feeds) and says in the run log
which mode ran and why. History does not come from here (the API keeps about 1,000 items per
listing): import dump files with ``attention import reddit-dump``.

Records: posts and comments as :class:`TextItem` (fullname ids ``t3_``/``t1_``, subreddit as
container, authors as salted hashes), plus per query a cursor (the newest post read) and the
gaps a stopped run left; :mod:`collectors.reddit.cursor` states the rule that moves them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from attention.config import Secrets
from attention.errors import ConfigError
from attention.source_settings import RedditSettings
from collectors.core.records import CollectContext, Record, SourceNote
from collectors.reddit.api import API_MIN_INTERVAL, ApiCollector, classify, make_reddit
from collectors.reddit.feeds import FEEDS_MIN_INTERVAL, FeedsCollector
from collectors.reddit.items import AuthorPolicy
from collectors.reddit.keyless import run_denominators, run_keyless

DEFAULT_USER_AGENT = "python:attention:0.1 (market attention research; read-only)"


class RedditCollector:
    name = "reddit"
    version = "1.0"

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        settings = ctx.config.sources.reddit
        mode, ctx.mode = choose_mode(settings, ctx.secrets)
        authors = AuthorPolicy.from_settings(ctx.secrets, settings.store_author_names)
        user_agent = ctx.secrets.reddit_user_agent or DEFAULT_USER_AGENT
        assert ctx.http_factory is not None, "the pipeline provides an HTTP factory"
        if mode == "keyless":
            yield from run_keyless(ctx, authors, self.version)
            return
        if mode == "feeds":
            client = ctx.http_factory(self.name, min_interval=FEEDS_MIN_INTERVAL)
            client.session.headers["User-Agent"] = user_agent
            yield from FeedsCollector(ctx, client, authors, self.version).run()
            return
        client = ctx.http_factory(self.name, min_interval=API_MIN_INTERVAL)
        # prawcore sets its User-Agent on the session it is given; the policy session forwards
        # requests to the client's own session, so the agent goes there too.
        client.session.headers["User-Agent"] = f"{user_agent} (praw)"
        reddit = make_reddit(settings, ctx.secrets, client.as_session(), user_agent)
        try:
            yield from ApiCollector(ctx, reddit, authors, self.version).run()
            yield from run_denominators(ctx, self.version)
        except Exception as exc:
            if type(exc).__module__.startswith(("prawcore", "praw", "requests")):
                raise classify(exc, settings) from exc
            raise


def choose_mode(settings: RedditSettings, secrets: Secrets) -> tuple[str, str]:
    """("api" | "keyless" | "feeds", the reason shown in the run log)."""
    if settings.mode == "feeds":
        return "feeds", "feeds: sources.reddit.mode is 'feeds'"
    if settings.mode == "keyless":
        return "keyless", "keyless: sources.reddit.mode is 'keyless' (Arctic Shift + Atom feeds)"
    if secrets.has_reddit_credentials:
        return "api", "api: credentials from REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET"
    if praw_ini_has_credentials():
        return "api", "api: credentials from praw.ini"
    if settings.mode == "api":
        raise ConfigError(
            "reddit: sources.reddit.mode is 'api' but no credentials were found; "
            "set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (or a praw.ini), or "
            "use mode: auto to fall back to Arctic Shift and the Atom feeds"
        )
    return "keyless", (
        "keyless (Arctic Shift + Atom feeds): no REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET in the "
        "environment and no praw.ini credentials"
    )


def praw_ini_has_credentials() -> bool:
    """Whether praw's own praw.ini lookup (working directory, user config) finds a client id
    for the site praw would use."""
    try:
        from praw.config import Config

        config = Config(os.getenv("praw_site") or "DEFAULT")
    except Exception:  # noqa: BLE001 - a broken or missing praw.ini just means "no"
        return False
    client_id = getattr(config, "client_id", None)
    return isinstance(client_id, str) and bool(client_id.strip())
