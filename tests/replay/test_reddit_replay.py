"""Real Reddit traffic through the collector's code: praw betamax cassettes (OAuth API) and the
real RSS/Atom samples (the no-credential format). Also checks the replica speaks the same shapes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from attention.config import Secrets
from attention.source_settings import RedditSettings
from collectors.core.http import HttpClient
from collectors.core.records import CollectContext, CursorUpdate, Provenance, TextItem
from collectors.reddit.api import ApiCollector, make_reddit
from collectors.reddit.items import AuthorPolicy, item_from_json, items_from_feed, praw_data
from collectors.reddit.query import Search

SALT = "test-salt"

PROV = Provenance("replay", "1.0", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
CREDS = Secrets(reddit_client_id="replay-id", reddit_client_secret="replay-secret")


def _cassette(shared: Path, name: str) -> list[dict]:
    return json.loads((shared / "praw_cassettes" / name).read_text())["interactions"]


def _body(interaction: dict) -> object:
    return json.loads(interaction["response"]["body"]["string"])


class CassetteAdapter(BaseAdapter):
    """Serves recorded responses by method and path (queries differ from the recording)."""

    def __init__(self, interactions: list[dict]) -> None:
        super().__init__()
        self.recorded = {
            (i["request"]["method"], urlsplit(i["request"]["uri"]).path.rstrip("/")): i["response"]
            for i in interactions
        }
        self.sent: list[tuple[str, str]] = []

    def send(self, request, **kwargs):  # noqa: ANN001, ANN201 - requests' adapter API
        key = (request.method, urlsplit(request.url).path.rstrip("/"))
        self.sent.append(key)
        recorded = self.recorded.get(key)
        response = requests.Response()
        response.request, response.url = request, request.url
        if recorded is None:
            response.status_code, response._content = 404, b'{"error": 404}'
            return response
        response.status_code = recorded["status"]["code"]
        response._content = recorded["body"]["string"].encode()
        response.headers.update(
            {
                k: v[0]
                for k, v in recorded["headers"].items()
                if k.lower() not in ("content-length", "transfer-encoding")
            }
        )
        return response

    def close(self) -> None:
        pass


def _api(interactions: list[dict], cursors: dict[str, str] | None = None):
    session = requests.Session()
    adapter = CassetteAdapter(interactions)
    session.mount("https://", adapter)
    client = HttpClient("reddit", budget=50, session=session)
    settings = RedditSettings()
    reddit = make_reddit(settings, CREDS, client.as_session(), "replay-test by u/attention")
    config = SimpleNamespace(sources=SimpleNamespace(reddit=settings), themes={})
    ctx = CollectContext(run_date=dt.date(2024, 1, 1), config=config, secrets=CREDS, cursors=cursors or {})
    return ApiCollector(ctx, reddit, AuthorPolicy(salt=SALT, store_names=True), "1.0"), adapter


def test_search_cassette_through_praw_and_the_collector(shared_data: Path) -> None:
    interactions = _cassette(shared_data, "TestSubreddit.test_search.json")
    recorded = [c["data"] for c in _body(interactions[1])["data"]["children"]]
    collector, adapter = _api(interactions)
    out = list(collector.search(Search("t", ("all",), "praw oauth search"), len(recorded)))
    items = [r for r in out if isinstance(r, TextItem)]
    assert [i.item_id for i in items] == [f"t3_{d['id']}" for d in recorded]
    for item, data in zip(items, recorded, strict=True):
        assert item.title == data["title"] and item.container == data["subreddit"]
        assert item.created_utc.timestamp() == data["created_utc"]
        assert item.score == data["score"] and item.num_comments == data["num_comments"]
        assert item.author == data["author"] and item.url.endswith(data["permalink"])
    cursor = [r for r in out if isinstance(r, CursorUpdate)]
    assert len(cursor) == 1 and float(cursor[0].value) == max(d["created_utc"] for d in recorded)
    assert adapter.sent[0] == ("POST", "/api/v1/access_token")
    assert adapter.sent[1] == ("GET", "/r/all/search")


def test_comment_tree_with_morechildren(shared_data: Path) -> None:
    interactions = _cassette(shared_data, "TestMore.test_comments.json")
    tree = _body(interactions[2])[1]["data"]["children"]
    more = _body(interactions[1])["json"]["data"]["things"]
    collector, adapter = _api(interactions)
    collector.more_left = 1
    post = collector.reddit.submission(id="3hahrw")
    items = list(collector.comments(post, depth_limit=1, count_limit=5000))
    top = [f"t1_{c['data']['id']}" for c in tree if c["kind"] == "t1"]
    assert [i.item_id for i in items] == top + [f"t1_{t['data']['id']}" for t in more]
    assert all(i.kind == "comment" and i.parent_id == "t3_3hahrw" for i in items)
    assert collector.more_left == 0
    assert ("POST", "/api/morechildren") in adapter.sent and len(adapter.sent) == 3
    # limits are honoured: two comments, nothing expanded
    collector2, adapter2 = _api(interactions)
    collector2.more_left = 5
    two = list(collector2.comments(collector2.reddit.submission(id="3hahrw"), 1, 2))
    assert len(two) == 2 and ("POST", "/api/morechildren") not in adapter2.sent


def _flatten(children: list[dict], depth: int = 0) -> list[tuple[str, int]]:
    out = []
    for child in children:
        if child["kind"] != "t1":
            continue
        out.append((child["data"]["id"], depth))
        replies = child["data"].get("replies") or {}
        out += _flatten(replies.get("data", {}).get("children", []), depth + 1)
    return out


def test_nested_replies_respect_the_depth_limit(shared_data: Path) -> None:
    interactions = _cassette(shared_data, "TestSubmission.test_comments.json")
    recorded = _flatten(_body(interactions[1])[1]["data"]["children"])
    assert max(d for _, d in recorded) >= 1  # the recording has replies
    for limit in (1, 10):
        collector, _ = _api(interactions)
        post = collector.reddit.submission(id="2gmzqe")
        got = {i.item_id for i in collector.comments(post, depth_limit=limit, count_limit=100)}
        assert got == {f"t1_{c}" for c, d in recorded if d < limit}


@pytest.mark.parametrize(
    "name",
    [
        "TestSubredditListings.test_hot.json",
        "TestSubredditListings.test_new.json",
        "TestSubredditListings.test_top.json",
        "TestSubredditListings.test_comments.json",
        "TestSubredditStreams.test_submissions.json",
    ],
)
def test_listing_payloads_map_the_same_raw_and_through_praw(shared_data: Path, name: str) -> None:
    interactions = _cassette(shared_data, name)
    listing = _body(interactions[1])
    collector, _ = _api(interactions)
    objects = collector.reddit._objector.objectify(data=listing)
    authors = AuthorPolicy(salt="replay")
    for child, obj in zip(listing["data"]["children"], objects, strict=True):
        kind = "post" if child["kind"] == "t3" else "comment"
        raw = item_from_json(child["data"], kind, PROV, authors)
        assert item_from_json(praw_data(obj), kind, PROV, authors) == raw
        assert raw.item_id == child["data"]["name"] and raw.url.startswith("https://www.reddit")
        assert raw.created_utc.tzinfo == dt.UTC
        assert raw.created_utc.timestamp() == child["data"]["created_utc"]
        if child["data"]["author"] == "[deleted]":
            assert raw.author is None
        else:
            assert raw.author and raw.author.startswith("u_")
        if kind == "comment":
            assert raw.parent_id == child["data"]["parent_id"] and raw.num_comments is None


@pytest.mark.parametrize(
    "name,first",
    [
        ("reddit.rss", ("t3_3skxqc", "funny", 275, "2015-11-12T21:16:39+00:00", "cakebeerandmorebeer")),
        ("reddit-atom.rss", ("t3_42babr", "space", 959, "2016-01-23T15:40:37+00:00", "benjaab123")),
        ("reddit-home.rss", ("t3_42tizy", "funny", 1143, "2016-01-26T20:31:34+00:00", "AngryRedditorsBelow")),
    ],
)
def test_real_feeds(shared_data: Path, name: str, first: tuple) -> None:
    content = (shared_data / "rss_feed_samples_real" / name).read_bytes()
    items, skipped = items_from_feed(content, name, PROV, AuthorPolicy(salt=SALT, store_names=True))
    assert skipped == 0 and len(items) == content.count(b"<item>") + content.count(b"<entry>")
    head = items[0]
    assert (
        head.item_id,
        head.container,
        head.num_comments,
        head.created_utc.isoformat(),
        head.author,
    ) == first
    assert all(i.kind == "post" and i.score is None and "feed_mode" in i.flags for i in items)
    assert len({i.item_id for i in items}) == len(items)
    assert all("submitted by" not in i.body for i in items)  # the footer is not text


def test_self_post_body_from_the_rss_sample(shared_data: Path) -> None:
    content = (shared_data / "rss_feed_samples_real" / "reddit.rss").read_bytes()
    items, _ = items_from_feed(content, "reddit.rss", PROV, AuthorPolicy(salt=SALT))
    ama = next(i for i in items if i.item_id == "t3_3sl82z")
    assert ama.body.startswith("It's Aziz Ansari.") and "<" not in ama.body


def test_replica_speaks_the_recorded_shapes(shared_data: Path, default_config_path: Path) -> None:
    import yaml

    from attention.config import validate_config
    from attention.sandbox.reddit import RedditReplica, listing
    from attention.sandbox.world import World

    world = World(
        validate_config(yaml.safe_load(default_config_path.read_text())),
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 10),
        seed=1,
    )
    replica = RedditReplica(world)
    post = next(t for t in replica.texts() if t.kind == "post")
    recorded_post = _body(_cassette(shared_data, "TestSubredditListings.test_new.json")[1])
    post_keys = set(recorded_post["data"]["children"][0]["data"])
    newer = {"subreddit_name_prefixed", "upvote_ratio"}  # fields Reddit added after 2016
    assert set(replica.post_data(post)) <= post_keys | newer
    assert set(recorded_post["data"]) <= set(listing([], None, None)["data"])
    comment_keys = set(
        _body(_cassette(shared_data, "TestMore.test_comments.json")[2])[1]["data"]["children"][0]["data"]
    )
    comment = next(t for t in replica.texts() if t.kind == "comment")
    assert set(replica.comment_data(comment)) <= comment_keys | {"permalink", "depth"}
