"""Wikipedia page views end to end against the replica over loopback: backfill to
history_start, incremental re-reads, a renamed article summed over its old and new titles,
an unknown article (404) skipped without coverage, a generic user agent refused (403)."""

from __future__ import annotations

import datetime as dt

import pytest

from attention.config import Secrets
from attention.daily.collect import run_pipeline
from attention.sandbox.wikipedia import RENAMED
from attention.store import Store
from tests.e2e.conftest import WORLD_START

DAY = dt.date(2024, 4, 20)


@pytest.fixture
def wiki(world, sandbox_config):
    def make(**extra):
        return sandbox_config(world, ["wikipedia"], **extra)

    return make


def _views(path):
    with Store(path) as store:
        return store.query("SELECT * FROM page_views ORDER BY article, day")


def _spans(path):
    with Store(path) as store:
        return store.query("SELECT * FROM coverage WHERE source = 'wikipedia' ORDER BY unit, span_start")


def test_backfill_then_incremental_runs(wiki) -> None:
    config, sandbox = wiki()
    run = run_pipeline(config, run_date=DAY, sources=["wikipedia"], secrets=Secrets())
    assert run.results[0].status == "ok", run.summary()
    views = _views(config.store.path)
    articles = {a for t in config.themes.values() for a in t.wikipedia_articles}
    assert set(views["article"]) == articles
    per_article = views.groupby("article")["day"].agg(["min", "max", "count"])
    assert (per_article["min"].dt.date == WORLD_START).all()
    assert (per_article["max"].dt.date == DAY - dt.timedelta(days=1)).all()  # the run day is not over
    assert (per_article["count"] == (DAY - WORLD_START).days).all()  # no gaps
    replica = sandbox.servers["wikipedia"].replica
    row = views[views["article"] == "Nvidia"].iloc[10]
    assert row["views"] == replica.views("Nvidia", row["day"].date())
    spans = _spans(config.store.path)
    assert set(spans["unit"]) == articles and set(spans["unit_kind"]) == {"article"}

    requests_before = sandbox.servers["wikipedia"].request_count("/metrics/")
    later = run_pipeline(
        config, run_date=DAY + dt.timedelta(days=3), sources=["wikipedia"], secrets=Secrets()
    )
    assert later.results[0].status == "ok", later.summary()
    assert len(_views(config.store.path)) == len(views) + 3 * len(articles)
    assert sandbox.servers["wikipedia"].request_count("/metrics/") - requests_before == len(articles)


def test_a_renamed_article_counts_its_old_and_new_title(wiki, raw_config) -> None:
    old, (new, moved) = next(iter(RENAMED.items()))
    config, sandbox = wiki(**{"themes.magnificent_seven.wikipedia_articles": [old]})
    run = run_pipeline(config, run_date=DAY, sources=["wikipedia"], secrets=Secrets())
    assert run.results[0].status == "ok", run.summary()
    views = _views(config.store.path)
    renamed = views[views["article"] == old].set_index(views[views["article"] == old]["day"].dt.date)
    replica = sandbox.servers["wikipedia"].replica
    for day in (moved - dt.timedelta(days=5), moved + dt.timedelta(days=5)):
        assert renamed.loc[day, "views"] == replica.views(new, day) > 0
    assert list(renamed["titles"].iloc[0]) == [new, old]


def test_an_unknown_article_is_skipped_with_a_note_and_no_coverage(wiki) -> None:
    config, _ = wiki(
        **{"themes.small_caps.wikipedia_articles": ["Russell 2000 Index", "No such article xyz"]}
    )
    run = run_pipeline(config, run_date=DAY, sources=["wikipedia"], secrets=Secrets())
    result = run.results[0]
    assert result.status == "ok", run.summary()
    assert any("No such article xyz" in n and "fix the title" in n for n in result.notes)
    assert "No such article xyz" not in set(_spans(config.store.path)["unit"])


def test_a_generic_user_agent_is_refused_with_the_fix(wiki) -> None:
    # a library default with a URL tacked on passes our check, but Wikimedia still refuses it
    config, _ = wiki(**{"sources.wikipedia.user_agent": "python-requests/2.32 (+http://example.org)"})
    run = run_pipeline(config, run_date=DAY, sources=["wikipedia"], secrets=Secrets())
    result = run.results[0]
    assert result.status == "failed" and "sources.wikipedia.contact" in result.error
    assert _spans(config.store.path).empty
