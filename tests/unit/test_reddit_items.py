"""Reddit payload mapping, author hashing, queries, cursors and mode choice (no network)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from attention.config import MatchRules, Secrets, validate_config
from attention.errors import AuthError, ConfigError, RateLimitedError
from collectors.core.records import Provenance, TextItem
from collectors.reddit.api import classify
from collectors.reddit.collector import choose_mode
from collectors.reddit.items import (
    AuthorPolicy,
    author_hash,
    item_from_json,
    new_text_item,
)
from collectors.reddit.query import (
    MAX_QUERY_CHARS,
    cursor_value,
    parse_cursor,
    theme_queries,
    theme_searches,
)

SALT = "test-salt"
PROV = Provenance("https://oauth.reddit.com/x", "1.0", dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
POST = {
    "id": "abc12",
    "name": "t3_abc12",
    "title": "Small caps ripping",
    "selftext": "IWM up",
    "author": "SomeUser",
    "subreddit": "stocks",
    "created_utc": 1714521600.0,
    "score": 42,
    "num_comments": 7,
    "permalink": "/r/stocks/comments/abc12/small_caps/",
}
COMMENT = {
    "id": "c1",
    "body": "Agreed",
    "author": "Other",
    "subreddit": "stocks",
    "link_id": "t3_abc12",
    "parent_id": "t3_abc12",
    "created_utc": 1714521700,
    "score": 3,
}


def test_post_maps_every_field() -> None:
    item = item_from_json(POST, "post", PROV, AuthorPolicy(salt=SALT))
    assert item.item_id == "t3_abc12" and item.kind == "post" and item.source == "reddit"
    assert item.container == "stocks" and item.score == 42 and item.num_comments == 7
    assert item.created_utc == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    assert item.url == "https://www.reddit.com/r/stocks/comments/abc12/small_caps/"
    assert item.title == "Small caps ripping" and item.body == "IWM up"
    assert item.parent_id is None and item.scoreable and item.flags == ()
    assert item.author == author_hash("SomeUser", SALT) != "SomeUser"


def test_comment_without_name_or_permalink_like_old_payloads() -> None:
    item = item_from_json(COMMENT, "comment", PROV, AuthorPolicy(salt=SALT))
    assert item.item_id == "t1_c1" and item.kind == "comment" and item.parent_id == "t3_abc12"
    assert item.url == "https://www.reddit.com/r/stocks/comments/abc12/_/c1/"
    assert item.title == "" and item.num_comments is None


@pytest.mark.parametrize("body,flag", [("[deleted]", "deleted"), ("[removed]", "removed")])
def test_deleted_and_removed_bodies_are_kept_but_not_scoreable(body: str, flag: str) -> None:
    data = {**COMMENT, "body": body, "author": "[deleted]"}
    item = item_from_json(data, "comment", PROV, AuthorPolicy(salt=SALT))
    assert item.scoreable is False and flag in item.flags and item.body == ""
    assert item.author is None
    post = item_from_json({**POST, "selftext": body}, "post", PROV, AuthorPolicy(salt=SALT))
    assert post.scoreable is False and post.title == "Small caps ripping"


def test_author_hash_depends_on_salt_and_ignores_case() -> None:
    assert author_hash("Bob", "s1") == author_hash("bob", "s1")
    assert author_hash("bob", "s1") != author_hash("bob", "s2")
    assert AuthorPolicy(salt=SALT, store_names=True).apply("Bob") == "Bob"
    salted = AuthorPolicy.from_settings(Secrets(author_salt="pepper"), store_names=False)
    assert salted.apply("Bob") == author_hash("Bob", "pepper")
    with pytest.raises(ValueError, match="no author salt"):  # never a public salt in the code
        AuthorPolicy.from_settings(Secrets(), False)


def test_fast_item_construction_equals_the_constructor() -> None:
    item = item_from_json(POST, "post", PROV, AuthorPolicy(salt=SALT))
    fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(TextItem)}
    assert TextItem(**fields) == item
    assert new_text_item(**fields) == item and type(item) is TextItem
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.title = "x"  # type: ignore[misc]


def test_queries_cover_phrases_and_tickers_within_the_length_limit() -> None:
    rules = MatchRules(phrases=["small cap", "small-cap", "Russell 2000"], tickers=["IWM"])
    assert theme_queries(rules) == ['"small cap" OR "small-cap" OR "Russell 2000" OR IWM']
    many = MatchRules(phrases=[f"phrase number {i}" for i in range(60)], tickers=["NVDA"])
    queries = theme_queries(many)
    assert len(queries) > 1 and all(len(q) <= MAX_QUERY_CHARS for q in queries)
    joined = " OR ".join(queries)
    assert all(f'"phrase number {i}"' in joined for i in range(60)) and "NVDA" in joined


def test_searches_and_cursor_keys(default_config_path) -> None:
    import yaml

    config = validate_config(yaml.safe_load(default_config_path.read_text()))
    together = list(theme_searches(config, per_subreddit=False))
    apart = list(theme_searches(config, per_subreddit=True))
    assert len(together) == len(config.themes)
    assert len(apart) == sum(len(t.subreddits) for t in config.themes.values())
    keys = {s.cursor_key("feeds") for s in apart}
    assert len(keys) == len(apart)  # one cursor per (theme, subreddit, query)
    assert parse_cursor(cursor_value(1714521600.25)) == 1714521600.25
    assert parse_cursor(None) is None
    assert parse_cursor("2024-05-01T00:00:00+00:00") == 1714521600.0


class _Settings:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.reddit_url = "https://www.reddit.com"


def test_mode_choice_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no praw.ini here
    monkeypatch.delenv("praw_site", raising=False)
    creds = Secrets(reddit_client_id="id", reddit_client_secret="secret")
    assert choose_mode(_Settings("auto"), creds)[0] == "api"
    mode, why = choose_mode(_Settings("auto"), Secrets())
    assert mode == "keyless" and "no REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET" in why
    assert why.startswith("keyless (Arctic Shift + Atom feeds)")
    assert choose_mode(_Settings("keyless"), creds)[0] == "keyless"  # keys present, keyless asked
    assert choose_mode(_Settings("feeds"), creds) == ("feeds", "feeds: sources.reddit.mode is 'feeds'")
    with pytest.raises(ConfigError, match="REDDIT_CLIENT_ID"):
        choose_mode(_Settings("api"), Secrets())
    (tmp_path / "praw.ini").write_text("[DEFAULT]\nclient_id=abc\nclient_secret=def\n")
    from praw.config import Config

    monkeypatch.setattr(Config, "CONFIG", None)  # praw caches the files it read
    assert choose_mode(_Settings("auto"), Secrets()) == ("api", "api: credentials from praw.ini")
    monkeypatch.setattr(Config, "CONFIG", None)


def test_praw_errors_are_classified() -> None:
    import prawcore
    import requests

    def response(status: int) -> requests.Response:
        resp = requests.Response()
        resp.status_code = status
        return resp

    unauthorized = prawcore.exceptions.ResponseException(response(401))
    error = classify(unauthorized, _Settings("api"))
    assert isinstance(error, AuthError)
    assert "REDDIT_CLIENT_ID" in str(error) and "mode: feeds" in str(error)
    assert isinstance(
        classify(prawcore.exceptions.TooManyRequests(response(429)), _Settings("api")), RateLimitedError
    )
    with pytest.raises(ZeroDivisionError):  # not ours, not praw's: re-raised untouched
        classify(ZeroDivisionError("bug"), _Settings("api"))


def test_feed_bodies_use_the_shared_html_stripper() -> None:
    """The same stripper as news summaries (collectors/core/text.py): script/style contents are not
    words; only block tags separate words (a link inside "NVDA's" does not split it); Reddit's
    double-escaped references (``&amp;#x200B;``, ``&amp;#39;``) end up as characters."""
    import html as html_lib

    from collectors.core.text import strip_html
    from collectors.news.parse import strip_html as news_strip
    from collectors.reddit.items import items_from_feed

    body = (
        '<!-- SC_OFF --><div class="md"><p>Calls on $NVDA</p><p>to the moon</p>'
        '<script>alert("buy")</script><style>p{color:red}</style>'
        '<p>Q&amp;A &lt;3 <a href="/r/x">NVDA</a>&#39;s it&amp;#39;s</p>'
        '<p>&amp;#x200B;</p></div><!-- SC_ON --> submitted by <a href="/user/x">/u/x</a>'
    )
    comment = '<div class="md"><p>sold</p><script>var puts = 1;</script><p>all</p></div>'
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<entry><id>t3_abc</id><link href="https://www.reddit.com/r/stocks/comments/abc/x/"/>'
        "<published>2024-05-01T00:00:00+00:00</published><title>Post</title>"
        f'<content type="html">{html_lib.escape(body)}</content></entry>'
        "<entry><id>t1_def</id>"
        '<link href="https://www.reddit.com/r/stocks/comments/abc/x/def/"/>'
        "<published>2024-05-01T00:01:00+00:00</published><title>c</title>"
        f'<content type="html">{html_lib.escape(comment)}</content></entry></feed>'
    )
    items, skipped = items_from_feed(feed.encode(), "feed", PROV, AuthorPolicy(salt=SALT))
    assert skipped == 0
    assert [i.body for i in items] == ["Calls on $NVDA to the moon Q&A <3 NVDA's it's \u200b", "sold all"]
    assert news_strip is strip_html  # one implementation for both sources
    assert strip_html("<p>a</p><script>b</script><style>c</style><p>d</p>") == "a d"
