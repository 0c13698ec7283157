"""Feed entry -> TextItem mapping: text cleaning, links, times, ids, Google News quirks."""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import time

import pytest

from collectors.news.parse import (
    FeedSpec,
    canonical_url,
    decode_google_news_link,
    entry_to_item,
    normalise_title,
    repair_ampersands,
    strip_html,
)
from collectors.news.rss import parse_feed
from tests.unit.test_news_support import rss

FETCHED = dt.datetime(2024, 1, 5, 12, 0, tzinfo=dt.UTC)
CUSTOM = FeedSpec("https://feeds.test/markets.rss", "https://feeds.test/markets.rss", "custom")
GOOGLE = FeedSpec("https://news.test/rss/search?q=x", "google_news:x", "google_news", "t")


def items_of(document: bytes, feed: FeedSpec = CUSTOM) -> list:
    parsed = parse_feed(document, {"Content-Type": "application/rss+xml"})
    return [
        entry_to_item(e, feed, feed_title=parsed.title, fetched_at=FETCHED, version="t")
        for e in parsed.entries
    ]


def google_token(url: str) -> str:
    """An old-style Google News article id, built byte by byte (field 4: the URL)."""
    raw = url.encode()
    return (
        base64.urlsafe_b64encode(b"\x08\x13\x22" + bytes([len(raw)]) + raw + b"\xd2\x01\x00")
        .decode()
        .rstrip("=")
    )


def test_strip_html_removes_tags_scripts_and_entities() -> None:
    html = (
        '<p>Stocks &amp; bonds&nbsp;rally</p><script>var x = "<b>";</script>'
        "<ul><li>one</li><li>two</li></ul>&#8217;s &lt;b&gt;"
    )
    assert strip_html(html) == "Stocks & bonds rally one two ’s"
    assert strip_html("Caf&amp;eacute; &amp;amp; co") == "Café & co"  # double-escaped
    assert strip_html(None) == "" and strip_html("") == ""


def test_repair_ampersands_only_touches_pseudo_entities() -> None:
    assert repair_ampersands("Q&A;: S&P; 500 &amp; more") == "Q&A: S&P 500 &amp; more"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Example.COM/a?utm_source=x&utm_medium=rss&id=7#frag", "https://example.com/a?id=7"),
        ("https://x.test/p?fbclid=1&gclid=2&msclkid=3&keep=yes", "https://x.test/p?keep=yes"),
        (
            "https://www.bbc.co.uk/news/business-1?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.co.uk/news/business-1",
        ),
        ("https://finance.yahoo.com/news/a-1.html?.tsrc=rss", "https://finance.yahoo.com/news/a-1.html"),
        (
            "https://www.google.com/url?rct=j&url=https://pub.test/story%3Futm_source%3Dg&ct=ga",
            "https://pub.test/story",
        ),
        ("http://x.test:80/a", "http://x.test/a"),
        ("mailto:someone@x.test", None),
        ("not a url", None),
    ],
)
def test_canonical_url(raw: str, expected: str | None) -> None:
    assert canonical_url(raw) == expected


def test_google_news_links_are_decoded_or_cleaned() -> None:
    target = "https://www.reuters.com/markets/us/small-caps-rally-2024-01-02/"
    token = google_token(target + "?utm_source=gn")
    link = f"https://news.google.com/rss/articles/{token}?oc=5"
    assert decode_google_news_link(link) == target + "?utm_source=gn"
    assert canonical_url(link) == target
    # New-style ids are opaque: keep Google's link, minus the edition parameters.
    opaque = "https://news.google.com/rss/articles/AU_yqLNm7opaqueTOKEN?oc=5&hl=en-US"
    assert canonical_url(opaque) == "https://news.google.com/rss/articles/AU_yqLNm7opaqueTOKEN"


def test_published_time_is_utc_whatever_the_local_timezone(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        [item] = items_of(
            rss([{"title": "A", "link": "https://x.test/a", "pubDate": "Tue, 02 Jan 2024 17:00:00 +0200"}])
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert item.created_utc == dt.datetime(2024, 1, 2, 15, 0, tzinfo=dt.UTC)
    assert item.flags == ()


def test_atom_updated_fallback_and_undated_items() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
      <entry><title>Dated</title><id>urn:a:1</id><updated>2024-01-03T08:30:00Z</updated></entry>
      <entry><title>Undated</title><id>urn:a:2</id></entry></feed>"""
    dated, undated = items_of(atom)
    assert dated.created_utc == dt.datetime(2024, 1, 3, 8, 30, tzinfo=dt.UTC)
    assert undated.created_utc == FETCHED and undated.flags == ("undated",)
    assert dated.outlet == "Wire"  # a user's feed: the channel title names the outlet


def test_ids_prefer_guid_then_link_then_hash() -> None:
    rows = [
        {
            "title": "Permalink guid",
            "guid": "https://pub.test/a?utm_source=rss",
            "link": "https://pub.test/a-other",
        },
        {"title": "Opaque guid", "guid_nolink": "abc-123", "link": "https://pub.test/b"},
        {"title": "Link only", "link": "https://pub.test/c?fbclid=9"},
        {"title": "Nothing but a title", "pubDate": "Tue, 02 Jan 2024 10:00:00 GMT"},
        {"title": "Another bare title", "pubDate": "Tue, 02 Jan 2024 10:00:00 GMT"},
    ]
    items = items_of(rss(rows))
    assert [i.item_id for i in items[:3]] == [
        "https://pub.test/a",
        "feeds.test:abc-123",
        "https://pub.test/c",
    ]
    assert items[3].item_id.startswith("sha1:") and items[3].item_id != items[4].item_id
    assert items_of(rss(rows))[3].item_id == items[3].item_id  # stable across parses


def test_google_news_item_drops_outlet_suffix_and_redundant_description() -> None:
    token = google_token("https://pub.test/story-1")
    link = f"https://news.google.com/rss/articles/{token}?oc=5"
    description = (
        f'<a href="{link}" target="_blank">Small caps jump &amp; soar</a>&nbsp;&nbsp;'
        '<font color="#6f6f6f">Reuters</font>'
    )
    [item] = items_of(
        rss(
            [
                {
                    "title": "Small caps jump & soar - Reuters",
                    "link": link,
                    "guid_nolink": token,
                    "pubDate": "Tue, 02 Jan 2024 15:00:00 GMT",
                    "description": description,
                    "source": "Reuters",
                }
            ]
        ),
        GOOGLE,
    )
    assert item.title == "Small caps jump & soar"
    assert item.outlet == "Reuters" and item.body == ""
    assert item.url == "https://pub.test/story-1"
    assert item.item_id == f"google_news:{token}"
    assert item.feeds == ("google_news:x",) and item.container == "google_news:x"
    assert (item.source, item.kind) == ("news", "headline")


def test_normalise_title_folds_case_punctuation_spacing_and_outlet() -> None:
    assert normalise_title("Tesla , Rivian and Nio stock  cut") == "tesla rivian and nio stock cut"
    assert normalise_title("Stocks Rally! - Reuters", "Reuters") == "stocks rally"
    assert normalise_title("Stocks Rally - Reuters") == "stocks rally reuters"


def test_calendar_timegm_not_mktime_is_what_entry_time_uses() -> None:
    # The same struct_time through both functions differs by the local offset; ours is timegm.
    struct = time.strptime("2024-01-02 15:00:00", "%Y-%m-%d %H:%M:%S")
    [item] = items_of(
        rss([{"title": "A", "link": "https://x.test/a", "pubDate": "Tue, 02 Jan 2024 15:00:00 GMT"}])
    )
    assert item.created_utc.timestamp() == calendar.timegm(struct)
