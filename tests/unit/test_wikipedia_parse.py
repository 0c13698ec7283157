"""Wikimedia shapes: the per-article page-views answer, article paths, the action API's
normalized/redirects/missing, and the collector's day window."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors.wikipedia.collector import window
from collectors.wikipedia.pageviews import article_path, pageviews_url, parse_pageviews, parse_resolution

# As documented for /metrics/pageviews/per-article (one item per day with views).
ANSWER = {
    "items": [
        {
            "project": "en.wikipedia",
            "article": "Russell_2000_Index",
            "granularity": "daily",
            "timestamp": "2024010100",
            "access": "all-access",
            "agent": "user",
            "views": 1834,
        },
        {
            "project": "en.wikipedia",
            "article": "Russell_2000_Index",
            "granularity": "daily",
            "timestamp": "2024010300",
            "access": "all-access",
            "agent": "user",
            "views": 2001,
        },
    ]
}


def test_page_views_by_day() -> None:
    assert parse_pageviews(ANSWER) == {dt.date(2024, 1, 1): 1834, dt.date(2024, 1, 3): 2001}
    assert parse_pageviews({"items": []}) == {}
    with pytest.raises(ValueError, match="not a page-views answer"):
        parse_pageviews({"type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found"})


def test_titles_become_encoded_paths() -> None:
    assert article_path("Magnificent Seven (stocks)") == "Magnificent_Seven_%28stocks%29"
    assert article_path("AC/DC") == "AC%2FDC"  # a slash must not split the path
    url = pageviews_url(
        "https://w/api/rest_v1/",
        "en.wikipedia",
        "all-access",
        "user",
        "S&P 500",
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 31),
    )
    assert url == (
        "https://w/api/rest_v1/metrics/pageviews/per-article/en.wikipedia/all-access/user/"
        "S%26P_500/daily/20240101/20240131"
    )


def test_resolution_follows_normalisation_and_redirects_and_marks_missing() -> None:
    answer = {
        "batchcomplete": True,
        "query": {
            "normalized": [{"fromencoded": False, "from": "nvidia", "to": "Nvidia"}],
            "redirects": [{"from": "Magnificent 7 (stocks)", "to": "Magnificent Seven (stocks)"}],
            "pages": [
                {"pageid": 1, "ns": 0, "title": "Nvidia"},
                {"pageid": 2, "ns": 0, "title": "Magnificent Seven (stocks)"},
                {"ns": 0, "title": "No such page", "missing": True},
            ],
        },
    }
    titles = ["nvidia", "Magnificent 7 (stocks)", "No such page"]
    assert parse_resolution(answer, titles) == {
        "nvidia": "Nvidia",
        "Magnificent 7 (stocks)": "Magnificent Seven (stocks)",
        "No such page": None,
    }


def test_window_backfills_then_rereads_two_days() -> None:
    run = dt.date(2024, 4, 20)
    assert window(None, dt.date(2010, 1, 1), run) == (dt.date(2015, 7, 1), dt.date(2024, 4, 19))
    assert window(None, dt.date(2024, 1, 1), run) == (dt.date(2024, 1, 1), dt.date(2024, 4, 19))
    assert window("2024-04-18", dt.date(2024, 1, 1), run) == (dt.date(2024, 4, 16), dt.date(2024, 4, 19))


def test_config_requires_a_user_agent_that_says_how_to_reach_you() -> None:
    from attention.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="sources.wikipedia: Wikimedia rejects generic user agents"):
        load_config(None, overrides={"sources.wikipedia.user_agent": "mybot/1.0"})
    ok = load_config(
        None, overrides={"sources.wikipedia.user_agent": "mybot/1.0", "sources.wikipedia.contact": "me@x.org"}
    )
    assert ok.sources.wikipedia.agent_string() == "mybot/1.0 contact: me@x.org"
