"""Real Google Trends traffic (pytrends' vcrpy cassettes, 2023) through our protocol code, and the
replica checked against the same recordings."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from requests.structures import CaseInsensitiveDict

from attention.config import validate_config
from attention.sandbox.server import Request
from attention.sandbox.trends import TrendsReplica
from attention.sandbox.world import World
from collectors.core.http import HttpClient, RetryPolicy
from collectors.google_trends.protocol import TrendsFetcher, decode_body, parse_multiline

HOP_BY_HOP = {"content-encoding", "transfer-encoding", "content-length"}


def read_cassette(path: Path) -> list[dict[str, Any]]:
    """vcrpy YAML: request (method, uri, headers) and response (status, headers, gzip body)."""
    data = yaml.load(path.read_text(), Loader=yaml.Loader)  # noqa: S506 - !!binary bodies
    out = []
    for item in data["interactions"]:
        req, resp = item["request"], item["response"]
        body = resp["body"]["string"]
        if isinstance(body, str):
            body = body.encode()
        if "gzip" in " ".join(resp["headers"].get("Content-Encoding", [])):
            body = gzip.decompress(body)
        out.append(
            {
                "method": req["method"],
                "uri": req["uri"],
                "headers": req["headers"],
                "status": resp["status"]["code"],
                "response_headers": resp["headers"],
                "body": body,
            }
        )
    return out


def to_response(recorded: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = recorded["status"]
    response._content = recorded["body"]
    response.headers = CaseInsensitiveDict(
        {k: v[0] for k, v in recorded["response_headers"].items() if k.lower() not in HOP_BY_HOP}
    )
    response.encoding = "utf-8"
    for cookie in recorded["response_headers"].get("Set-Cookie", []):
        name, _, value = cookie.split(";", 1)[0].partition("=")
        response.cookies.set(name, value)
    response.url = recorded["uri"]
    return response


class CassetteSession(requests.Session):
    """Serves a cassette's interactions in order, checking method and path as it goes."""

    def __init__(self, interactions: list[dict[str, Any]]) -> None:
        super().__init__()
        self.pending = list(interactions)
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        recorded = self.pending.pop(0)
        assert method == recorded["method"]
        assert urlsplit(url).path == urlsplit(recorded["uri"]).path
        self.sent.append((method, url, kwargs))
        return to_response(recorded)


def replay(shared: Path, name: str, terms: list[str], timeframe: str, geo: str = ""):
    interactions = read_cassette(shared / "pytrends_cassettes" / name)
    session = CassetteSession(interactions)
    client = HttpClient("google_trends", session=session, policy=RetryPolicy(stop_on_429=True))
    got = TrendsFetcher(client, geo=geo).fetch(terms, timeframe)
    return got, session, interactions


def recorded_req(uri: str) -> dict[str, Any]:
    return json.loads(parse_qs(urlsplit(uri).query)["req"][0])


def test_daily_window_replays_through_cookie_explore_and_multiline(shared_data: Path) -> None:
    got, session, recorded = replay(
        shared_data, "test_interest_over_time_ok.yaml", ["pizza", "bagel"], "2021-01-01 2021-01-05"
    )
    # Google's cookie page answers 404 with the NID cookie; explore must carry it.
    assert session.sent[1][2]["cookies"]["NID"].startswith("511=AEUVAK4a")
    ours = json.loads(session.sent[1][2]["params"]["req"])
    assert ours == recorded_req(recorded[1]["uri"])  # same explore request as pytrends sent
    assert session.sent[2][2]["params"]["token"] == "APP6_UEAAAAAZCFPLHz6xkRipufcZZNE92hnrJrQM4XT"
    timeline = parse_multiline(got.raw, ["pizza", "bagel"], got.granularity)
    assert timeline.granularity == "day"
    assert [d.date() for d in timeline.values.index] == [dt.date(2021, 1, d) for d in range(1, 6)]
    assert timeline.values["pizza"].tolist() == [100, 83, 78, 49, 50]
    assert timeline.values["bagel"].tolist() == [2, 2, 2, 1, 1]
    assert not timeline.partial.any()


def test_five_year_weekly_replay_flags_the_partial_last_week(shared_data: Path) -> None:
    got, _, _ = replay(shared_data, "test_interest_over_time_partial.yaml", ["pizza", "bagel"], "today 5-y")
    assert got.widget_request["time"] == "2018-03-26 2023-03-26"
    timeline = parse_multiline(got.raw, ["pizza", "bagel"], got.granularity)
    assert timeline.granularity == "week"
    assert all(d.day_of_week == 6 for d in timeline.values.index)  # Sunday labels
    assert timeline.values.index[0].date() == dt.date(2018, 4, 1)
    assert timeline.partial.tolist()[-1] and timeline.partial.sum() == 1
    assert timeline.values.loc["2023-03-19"].tolist() == [58, 2]
    assert timeline.values["pizza"].max() == 100


@pytest.mark.parametrize(
    "name", ["froogle", "images", "multiple_regions", "news", "ok", "partial", "youtube"]
)
def test_every_recorded_multiline_body_parses(shared_data: Path, name: str) -> None:
    interactions = read_cassette(shared_data / "pytrends_cassettes" / f"test_interest_over_time_{name}.yaml")
    explore, multiline = interactions[1], interactions[2]
    widget = next(w for w in decode_body(explore["body"].decode())["widgets"] if w["id"] == "TIMESERIES")
    keywords = [item["keyword"] for item in recorded_req(explore["uri"])["comparisonItem"]]
    timeline = parse_multiline(multiline["body"].decode(), keywords)
    assert timeline.granularity == widget["request"]["resolution"].lower()
    assert len(timeline.values) > 0 and timeline.values.to_numpy().max() == 100


def test_replica_answers_in_the_recorded_shapes(shared_data: Path, default_config_path: Path) -> None:
    interactions = read_cassette(shared_data / "pytrends_cassettes" / "test_interest_over_time_partial.yaml")
    real_widget = next(
        w for w in decode_body(interactions[1]["body"].decode())["widgets"] if w["id"] == "TIMESERIES"
    )
    real_point = decode_body(interactions[2]["body"].decode())["default"]["timelineData"][-1]
    config = validate_config(yaml.safe_load(default_config_path.read_text()))
    replica = TrendsReplica(World(config, dt.date(2018, 1, 1), dt.date(2023, 3, 26), seed=1))
    cookie = replica.dispatch(Request("GET", "/trends/explore/", {}, {}, b""))
    assert cookie.status == 404 and cookie.headers["Set-Cookie"].startswith("NID=")
    req = json.dumps(
        {"comparisonItem": [{"keyword": k, "time": "today 5-y", "geo": ""} for k in ("pizza", "bagel")]}
    )
    explore = replica.dispatch(
        Request("POST", "/trends/api/explore", {"req": [req]}, {"cookie": "NID=511=x"}, b"")
    )
    assert explore.body.startswith(b")]}'\n")
    widget = next(w for w in decode_body(explore.body.decode())["widgets"] if w["id"] == "TIMESERIES")
    assert set(real_widget["request"]) >= set(widget["request"]) - {"locale"}
    assert widget["request"]["time"] == "2018-03-26 2023-03-26"
    assert widget["request"]["resolution"] == real_widget["request"]["resolution"] == "WEEK"
    multiline = replica.dispatch(
        Request(
            "GET",
            "/trends/api/widgetdata/multiline",
            {"req": [json.dumps(widget["request"])], "token": [widget["token"]]},
            {},
            b"",
        )
    )
    assert multiline.body.startswith(b")]}',\n")
    points = decode_body(multiline.body.decode())["default"]["timelineData"]
    assert set(points[-1]) == set(real_point)  # time, formatted*, value, hasData, isPartial
    assert dt.datetime.fromtimestamp(int(points[0]["time"]), dt.UTC).date() == dt.date(2018, 4, 1)
    no_cookie = replica.dispatch(Request("POST", "/trends/api/explore", {"req": [req]}, {}, b""))
    assert no_cookie.status == 429
