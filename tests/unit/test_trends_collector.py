"""Collector bookkeeping that keeps reruns cheap: stable request ids and a kept daily grouping."""

from __future__ import annotations

import datetime as dt
import json

from collectors.google_trends.collector import _stored_groups, request_id
from collectors.google_trends.plan import Payload

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


def _cooldown_ctx(default_config_path, last: str | None, hours: float | None = None):  # noqa: ANN001, ANN202
    import yaml

    from attention.config import Secrets, validate_config
    from collectors.core.records import CollectContext

    raw = yaml.safe_load(default_config_path.read_text())
    if hours is not None:
        raw["sources"]["google_trends"]["cooldown_hours"] = hours
    opened: list[str] = []

    def factory(name, **_):  # noqa: ANN001, ANN202 - the pipeline's HTTP factory
        opened.append(name)
        raise RuntimeError("would send a request")

    ctx = CollectContext(
        run_date=dt.date(2024, 5, 1),
        config=validate_config(raw),
        secrets=Secrets(),
        cursors={"last_rate_limited": last} if last else {},
        lookups=None,
        http_factory=factory,
    )
    return ctx, opened


def _collect(ctx):  # noqa: ANN001, ANN202
    from collectors.google_trends.collector import TrendsCollector

    out = []
    try:
        for record in TrendsCollector().collect(ctx):
            out.append(record)
    except Exception as exc:  # noqa: BLE001 - returned for the assertions
        return out, exc
    return out, None


def test_a_recent_429_defers_the_run_without_a_request(default_config_path) -> None:
    from attention.errors import BudgetExhaustedError
    from collectors.core.records import SourceNote, utcnow

    recent = (utcnow() - dt.timedelta(hours=1)).isoformat()
    ctx, opened = _cooldown_ctx(default_config_path, recent)
    assert ctx.config.sources.google_trends.cooldown_hours == 6  # the documented default
    out, error = _collect(ctx)
    assert isinstance(error, BudgetExhaustedError)  # "deferred", not "failed"
    assert "cooldown_hours: 6" in str(error) and "429" in str(error)
    assert opened == [] and ctx.mode == "cooling down (no requests)"
    assert [type(r) for r in out] == [SourceNote] and out[0].level == "warning"


def test_an_old_429_or_no_cooldown_lets_the_run_ask_again(default_config_path) -> None:
    from collectors.core.records import utcnow

    old = (utcnow() - dt.timedelta(hours=7)).isoformat()
    recent = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    for last, hours in ((old, None), (recent, 0.0), (None, None)):
        ctx, opened = _cooldown_ctx(default_config_path, last, hours)
        _, error = _collect(ctx)
        assert opened == ["google_trends"] and "would send a request" in str(error)
    ctx, opened = _cooldown_ctx(default_config_path, "yesterday-ish")
    out, error = _collect(ctx)
    assert opened == ["google_trends"] and "unreadable last_rate_limited" in out[0].message


def test_cooldown_hours_cannot_be_negative(default_config_path) -> None:
    import pytest

    from attention.errors import ConfigError

    with pytest.raises(ConfigError, match="cooldown_hours"):
        _cooldown_ctx(default_config_path, None, -1)
