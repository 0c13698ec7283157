"""GDELT news volume: query building, timeline parsing, windows, pacing and storage."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from attention.store import Store
from collectors.core.records import CursorUpdate, SourceNote
from collectors.news.gdelt import (
    GdeltQueryError,
    NewsVolume,
    build_query,
    parse_timeline,
    request_window,
)
from collectors.news.rss import NewsCollector
from tests.unit.test_news_support import (
    FeedWeb,
    google_url,
    make_ctx,
    news_config,
    ok,
    rss,
    run,
    yahoo_url,
)

GDELT = "https://gdelt.test"
DOC = f"{GDELT}/api/v2/doc/doc"


def test_build_query_quotes_phrases_ors_in_parentheses_and_drops_short_terms() -> None:
    assert build_query(["small cap stocks", "Russell 2000"]) == '("small cap stocks" OR "Russell 2000")'
    assert build_query(["AI", "Nvidia"]) == "Nvidia"  # "AI" alone: GDELT rejects it
    assert build_query(['"AI stocks"', "AI stocks", "IWM"]) == '("AI stocks" OR IWM)'
    with pytest.raises(GdeltQueryError, match="3\\+ characters"):
        build_query(["AI", "ON"])


def test_parse_timeline_averages_sub_daily_points() -> None:
    payload = {
        "timeline": [
            {
                "series": "Volume Intensity",
                "data": [
                    {"date": "20240102T000000Z", "value": 0.2},
                    {"date": "20240102T120000Z", "value": 0.4},
                    {"date": "20240103T000000Z", "value": 0.5},
                ],
            }
        ]
    }
    assert parse_timeline(payload) == pytest.approx({dt.date(2024, 1, 2): 0.3, dt.date(2024, 1, 3): 0.5})
    assert parse_timeline({"timeline": []}) == {}
    assert parse_timeline({}) == {}


def test_request_window() -> None:
    run_date = dt.date(2024, 3, 31)
    assert request_window(run_date, None) == (dt.date(2024, 3, 1), run_date)
    # resuming: from the last complete day, but never shorter than two weeks
    assert request_window(run_date, "2024-03-30") == (dt.date(2024, 3, 18), run_date)
    assert request_window(run_date, "2023-01-01") == (dt.date(2024, 1, 1), run_date)


def _timeline(headers: dict[str, str]):  # noqa: ANN202 - FeedWeb answer
    days = [f"202401{d:02d}T000000Z" for d in range(1, 6)]
    body = {
        "timeline": [
            {
                "series": "Volume Intensity",
                "data": [{"date": d, "value": 0.1 * i} for i, d in enumerate(days)],
            }
        ]
    }
    return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}


class GdeltWeb(FeedWeb):
    """Routes GDELT requests by path (their query strings vary) and feeds by URL."""

    def request(self, method, url, **kwargs):  # noqa: ANN001, ANN201
        if url.startswith(DOC) and kwargs.get("params"):
            query = kwargs["params"]["query"]
            self.routes.setdefault(url + "?" + query, self.gdelt_answer(query))
            response = super().request(method, url + "?" + query, **kwargs)
            self.params.append(kwargs["params"])
            return response
        return super().request(method, url, **kwargs)

    def __init__(self, routes, gdelt_answer) -> None:  # noqa: ANN001
        super().__init__(routes)
        self.gdelt_answer = gdelt_answer
        self.params: list[dict[str, str]] = []


def _two_theme_config():  # noqa: ANN202
    config = news_config(gdelt={"enabled": True, "url": GDELT, "min_interval": 5.0})
    themes = dict(config.themes)
    themes["ai_stocks"] = themes["small_caps"].model_copy(
        update={"label": "AI", "news_queries": ["AI", "AI stocks"]}
    )
    return config.model_copy(update={"themes": themes})


def test_volume_is_collected_per_theme_paced_and_stored(slept, tmp_path) -> None:
    config = _two_theme_config()
    feeds = {
        google_url("small cap stocks"): ok(rss([])),
        yahoo_url("IWM"): ok(rss([])),
        google_url("AI"): ok(rss([])),
        google_url("AI stocks"): ok(rss([])),
    }
    web = GdeltWeb(feeds, lambda query: _timeline)
    ctx, clients = make_ctx(config, web, run_date=dt.date(2024, 1, 4))
    records, notes = run(NewsCollector(), ctx)
    volumes = [r for r in records if isinstance(r, NewsVolume)]
    assert ctx.mode == "feeds + gdelt"
    assert [p["query"] for p in web.params] == ['"small cap stocks"', '"AI stocks"']
    assert {p["mode"] for p in web.params} == {"timelinevol"}
    assert {p["format"] for p in web.params} == {"json"}
    assert web.params[0]["enddatetime"] == "20240104235959"
    # only days inside the asked window (the 5th is after the run date) and flagged partial
    assert [v.date.day for v in volumes[:4]] == [1, 2, 3, 4]
    assert volumes[3].is_partial and not volumes[2].is_partial
    cursors = [r for r in records if isinstance(r, CursorUpdate) and r.key.startswith("gdelt:")]
    assert [(c.key, c.value) for c in cursors] == [
        ("gdelt:small_caps", "2024-01-03"),
        ("gdelt:ai_stocks", "2024-01-03"),
    ]
    gdelt_client = clients[-1]
    assert gdelt_client.min_interval == pytest.approx(5.5) and gdelt_client.requests_made == 2
    assert len(slept) == 1 and 5.0 < slept[0] <= 5.5  # the second request waited its turn
    with Store(tmp_path / "v.duckdb") as store:
        assert store.write(records)["news_volume"] == 8
        assert store.write(records)["news_volume"] == 0  # idempotent
        row = store.query(
            "SELECT value, query FROM news_volume WHERE theme = 'small_caps' AND date = DATE '2024-01-02'"
        ).iloc[0]
        assert row["value"] == pytest.approx(0.1) and row["query"] == '"small cap stocks"'
    assert not [n for n in notes if n.level == "warning"]


def test_gdelt_html_errors_become_warnings_not_failures() -> None:
    config = _two_theme_config()
    feeds = {
        google_url("small cap stocks"): ok(rss([])),
        yahoo_url("IWM"): ok(rss([])),
        google_url("AI"): ok(rss([])),
        google_url("AI stocks"): ok(rss([])),
    }
    refusal = (200, b"The specified phrase is too short.", {"Content-Type": "text/html"})
    web = GdeltWeb(feeds, lambda query: refusal)
    records, notes = run(NewsCollector(), make_ctx(config, web)[0])
    assert not [r for r in records if isinstance(r, NewsVolume)]
    warnings = [n.message for n in notes if isinstance(n, SourceNote) and n.level == "warning"]
    assert len(warnings) == 2 and "GDELT refused the query: The specified phrase" in warnings[0]


def test_gdelt_is_off_by_default() -> None:
    config = news_config()
    assert config.sources.news.gdelt.enabled is False
    web = FeedWeb({google_url("small cap stocks"): ok(rss([])), yahoo_url("IWM"): ok(rss([]))})
    run(NewsCollector(), make_ctx(config, web)[0])
    assert not [u for u, _ in web.calls if urlsplit(u).path.startswith("/api/v2/doc")]
    assert all(not parse_qs(urlsplit(u).query).get("mode") for u, _ in web.calls)


def test_one_bad_timeline_point_is_skipped_with_a_warning_not_a_failed_source() -> None:
    config = _two_theme_config()
    feeds = {
        google_url("small cap stocks"): ok(rss([])),
        yahoo_url("IWM"): ok(rss([])),
        google_url("AI"): ok(rss([])),
        google_url("AI stocks"): ok(rss([])),
    }
    body = {
        "timeline": [
            {
                "series": "Volume Intensity",
                "data": [
                    {"date": "20240101T000000Z", "value": 0.1},
                    {"date": "2024-01-02", "value": 0.2},  # another date format
                    {"value": 0.3},  # no date
                    {"date": "20240103T000000Z", "value": "n/a"},
                    {"date": "20240103T120000Z", "value": float("nan")},
                    {"date": "20240104T000000Z", "value": 0.4},
                ],
            }
        ]
    }
    answer = (200, json.dumps(body).encode(), {"Content-Type": "application/json"})
    web = GdeltWeb(feeds, lambda query: lambda headers: answer)
    records, notes = run(NewsCollector(), make_ctx(config, web, run_date=dt.date(2024, 1, 5))[0])
    volumes = [r for r in records if isinstance(r, NewsVolume)]
    assert sorted((v.theme, v.date.day, round(v.value, 6)) for v in volumes) == [
        (t, d, x) for t in ("ai_stocks", "small_caps") for d, x in ((1, 0.1), (4, 0.4))
    ]
    warnings = [n for n in notes if isinstance(n, SourceNote) and "unreadable" in n.message]
    assert len(warnings) == 2 and warnings[0].count == 4
    assert "2024-01-02" in warnings[0].message  # says which point
    cursors = {r.key: r.value for r in records if isinstance(r, CursorUpdate)}
    assert cursors["gdelt:small_caps"] == "2024-01-04"


def test_a_payload_without_a_timeline_series_is_a_warning() -> None:
    with pytest.raises(ValueError, match="without a timeline series"):
        parse_timeline({"timeline": "oops"})
    config = _two_theme_config()
    feeds = {
        google_url("small cap stocks"): ok(rss([])),
        yahoo_url("IWM"): ok(rss([])),
        google_url("AI"): ok(rss([])),
        google_url("AI stocks"): ok(rss([])),
    }
    answer = (200, b'{"timeline": [42]}', {"Content-Type": "application/json"})
    web = GdeltWeb(feeds, lambda query: lambda headers: answer)
    records, notes = run(NewsCollector(), make_ctx(config, web)[0])
    assert not [r for r in records if isinstance(r, NewsVolume)]
    assert sum("without a timeline series" in n.message for n in notes) == 2
