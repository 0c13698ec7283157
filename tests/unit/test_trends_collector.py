"""Collector bookkeeping that keeps reruns cheap: stable request ids and a kept daily grouping."""

from __future__ import annotations

import datetime as dt
import json

from collectors.google_trends import _stored_groups, request_id
from collectors.trends_plan import Payload

TERMS = ["a", "b", "c", "d", "e"]
ANCHORS = ["stock market", "recession"]


def test_request_id_is_stable_per_payload_and_fetch_day() -> None:
    p = Payload("daily", ("a", "b"), "recession", dt.date(2024, 1, 1), dt.date(2024, 9, 25))
    day = dt.date(2024, 9, 25)
    assert request_id(p, "US", day) == request_id(p, "US", day)
    assert request_id(p, "US", day) != request_id(p, "US", day + dt.timedelta(days=1))
    assert request_id(p, "US", day) != request_id(p, "GB", day)


def test_a_stored_grouping_is_kept_while_it_covers_the_same_terms() -> None:
    stored = json.dumps([[["a", "b", "c"], "stock market"], [["d", "e"], "recession"]])
    groups = _stored_groups({"daily_groups": stored}, TERMS, ANCHORS)
    assert groups == [(("a", "b", "c"), "stock market"), (("d", "e"), "recession")]


def test_a_stored_grouping_is_dropped_when_terms_or_anchors_change() -> None:
    stored = json.dumps([[["a", "b", "c"], "stock market"], [["d", "e"], "recession"]])
    assert _stored_groups({"daily_groups": stored}, [*TERMS, "f"], ANCHORS) is None
    assert _stored_groups({"daily_groups": stored}, TERMS, ["stock market"]) is None
    assert _stored_groups({}, TERMS, ANCHORS) is None
    assert _stored_groups({"daily_groups": "{not json"}, TERMS, ANCHORS) is None
