"""Parsers of the keyless Reddit sources on their published shapes (Arctic Shift's api/README.md:
``{"data": [...]}``, ``/api/time_series`` points ``{"date": epoch, "value": n}``; Reddit's 2026
Atom feeds), the score-settling rule, soft blocks and rate-limit headers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from collectors.core.blocks import SoftBlockedError, rate_limit_wait, require_body
from collectors.core.records import Provenance
from collectors.reddit.arctic_shift import ArcticShiftError, parse_data, parse_time_series, settle
from collectors.reddit.atom import AtomFeed, listing_span
from collectors.reddit.items import AuthorPolicy, item_from_json, items_from_feed

NOW = dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)
PROV = Provenance("https://arctic-shift.photon-reddit.com/api/posts/search", "1", NOW)
AUTHORS = AuthorPolicy(salt="s")

# One post as Arctic Shift serves it (fields as in Reddit's t3 data, plus retrieved_on).
POST = {
    "id": "1abcd2",
    "name": "t3_1abcd2",
    "title": "IWM breakout? Small caps finally moving",
    "selftext": "Russell 2000 up 3% this week.",
    "author": "someone",
    "subreddit": "stocks",
    "created_utc": int((NOW - dt.timedelta(hours=10)).timestamp()),
    "score": 1,
    "num_comments": 0,
    "permalink": "/r/stocks/comments/1abcd2/iwm_breakout/",
    "retrieved_on": int(NOW.timestamp()),
}


def test_search_answer_is_the_data_list() -> None:
    body = json.dumps({"data": [POST, "junk"]}).encode()
    assert parse_data(body, "https://x/api/posts/search?q=1") == [POST]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"error": "Timeout. Maybe slow down a bit", "data": null}', "Timeout. Maybe slow down"),
        (b'{"data": null}', "without a data list"),
        (b"<html>502 Bad Gateway</html>", "non-JSON"),
        (b"[]", "not an object"),
    ],
)
def test_error_answers_fail_the_unit_with_the_reason(body: bytes, said: str) -> None:
    with pytest.raises(ArcticShiftError, match=said):
        parse_data(body, "https://x/api/posts/search?query=secret")


def test_time_series_points_become_utc_days_within_the_window() -> None:
    day = dt.date(2026, 7, 30)
    stamp = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    rows = [
        {"date": stamp - 86400, "value": 5},  # before the window: dropped
        {"date": stamp, "value": 1200},
        {"date": stamp + 86400, "value": 1300},
        {"date": "bad", "value": 3},
    ]
    assert parse_time_series(rows, day, day + dt.timedelta(days=1)) == {
        day: 1200,
        day + dt.timedelta(days=1): 1300,
    }


def test_young_items_have_no_score_until_they_settle() -> None:
    young = item_from_json(POST, "post", PROV, AUTHORS)
    assert young.score == 1  # what Arctic Shift says before its 36-hour re-fetch
    pending = settle(young, NOW, 36)
    assert pending.score is None and pending.num_comments is None and "score_pending" in pending.flags
    old = item_from_json({**POST, "score": 57, "num_comments": 9}, "post", PROV, AUTHORS)
    assert settle(old, NOW + dt.timedelta(hours=30), 36).score == 57


def test_soft_block_is_an_error_not_an_empty_result() -> None:
    with pytest.raises(SoftBlockedError, match="HTTP 200 with an empty body") as caught:
        require_body(b"  \n", "reddit", "https://www.reddit.com/r/x/search.rss?q=secret", "try later")
    assert "secret" not in str(caught.value)
    assert require_body(b"<feed/>", "reddit", "u", "") == b"<feed/>"


def test_rate_limit_headers() -> None:
    assert rate_limit_wait({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "30"}) is None
    assert rate_limit_wait({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}) == 30.0
    assert rate_limit_wait({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000000100"}, now=1e9) == 100
    assert rate_limit_wait({}) is None


ATOM = """<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>newest submissions : stocks</title>
<entry><author><name>/u/alice</name></author><category term="stocks" label="r/stocks"/>
<content type="html">&lt;!-- SC_OFF --&gt;&lt;div class="md"&gt;&lt;p&gt;NVDA earnings&lt;/p&gt;
&lt;/div&gt;&lt;!-- SC_ON --&gt;</content>
<id>t3_aaa111</id><link href="https://www.reddit.com/r/stocks/comments/aaa111/nvda/"/>
<updated>2026-08-01T10:00:00+00:00</updated><published>2026-08-01T10:00:00+00:00</published>
<title>NVDA into earnings</title></entry>
<entry><author><name>/u/bob</name></author><category term="stocks" label="r/stocks"/>
<content type="html">text</content><id>t3_bbb222</id>
<link href="https://www.reddit.com/r/stocks/comments/bbb222/iwm/"/>
<published>2026-07-31T08:00:00+00:00</published><title>IWM</title></entry>
</feed>"""


def test_atom_new_listing_covers_from_its_oldest_post_to_the_fetch() -> None:
    items, skipped = items_from_feed(ATOM.encode(), "https://www.reddit.com/r/stocks/new/.rss", PROV, AUTHORS)
    assert skipped == 0 and [i.item_id for i in items] == ["t3_aaa111", "t3_bbb222"]
    assert items[0].score is None and items[0].body == "NVDA earnings"
    new = AtomFeed("https://www.reddit.com/r/stocks/new/.rss", {}, "r/stocks new", "new")
    assert listing_span(new, items, NOW) == (dt.datetime(2026, 7, 31, 8, tzinfo=dt.UTC), NOW)
    top = AtomFeed("https://www.reddit.com/r/stocks/top/.rss", {"t": "week"}, "r/stocks top_week", "top_week")
    assert listing_span(top, items, NOW) is None  # a sample, not a complete window
    assert listing_span(new, [], NOW) is None
