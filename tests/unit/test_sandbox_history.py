"""The demo world's history files read back through the real parsers, with the replica's ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attention.config import Secrets, load_config
from attention.imports.dump_files import parse_dump_line
from attention.imports.news_archive import parse_news_line
from attention.sandbox.history import write_news_archive, write_reddit_dump
from attention.sandbox.world import World
from attention.sandbox.world_text import headlines_for_day, posts_for_day
from collectors.reddit.items import AuthorPolicy

REPO = Path(__file__).resolve().parents[2]
START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)


def test_dump_and_archive_hold_every_simulated_text_of_their_days(tmp_path: Path) -> None:
    world = World(load_config(REPO / "config.yaml", environ={}), START, END, seed=5)
    until = START + dt.timedelta(days=10)
    expected_posts = [t for d in range(10) for t in posts_for_day(world, START + dt.timedelta(days=d))]
    expected_news = [t for d in range(10) for t in headlines_for_day(world, START + dt.timedelta(days=d))]

    dump = tmp_path / "RS.ndjson"
    assert write_reddit_dump(world, dump, START, until) == len(expected_posts) > 0
    authors = AuthorPolicy.from_settings(Secrets(author_salt="s"), False)
    items = [parse_dump_line(line, authors=authors) for line in dump.read_bytes().splitlines()]
    ids = [f"t3_{t.item_id}" if t.kind == "post" else f"t1_{t.item_id}" for t in expected_posts]
    assert [i.item_id for i in items if i] == ids  # the ids the Reddit replica serves
    posted = {i.created_utc.date() for i in items if i and i.kind == "post"}
    assert posted <= {START + dt.timedelta(days=d) for d in range(10)}  # comments may follow a day later

    archive = tmp_path / "news.ndjson"
    assert write_news_archive(world, archive, START, until) == len(expected_news) > 0
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    headlines = [parse_news_line(line, str(archive), now) for line in archive.read_bytes().splitlines()]
    assert [h.title for h in headlines if h] == [t.title for t in expected_news]
    assert [h.created_utc for h in headlines if h] == [t.created_utc for t in expected_news]


def test_news_archive_import_records_the_span_it_covers(tmp_path: Path) -> None:
    from attention.imports.news_archive import import_news_archive
    from attention.store import Store

    config = load_config(REPO / "config.yaml", environ={})
    world = World(config, START, END, seed=5)
    until = START + dt.timedelta(days=20)
    archive = tmp_path / "news.ndjson"
    write_news_archive(world, archive, START, until)
    with archive.open("a") as out:
        out.write('{"title": "no time given"}\n')  # a bad row: skipped and counted
    span = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 21, tzinfo=dt.UTC))
    with Store(tmp_path / "s.duckdb") as store:
        kept, bad = import_news_archive(archive, config, store, span=span)
        assert bad == 1 and kept > 0
        assert store.count("items") == kept
        coverage = store.query("SELECT source, unit_kind, unit, span_start, span_end, items FROM coverage")
    assert coverage.to_dict("records") == [
        {
            "source": "news",
            "unit_kind": "file",
            "unit": "news.ndjson",
            "span_start": span[0],
            "span_end": span[1],
            "items": kept,
        }
    ]
    with Store(tmp_path / "t.duckdb") as store:  # no span given: first to last headline
        import_news_archive(archive, config, store)
        first, last = store.query("SELECT span_start, span_end FROM coverage").iloc[0]
        times = store.query("SELECT min(created_utc) AS a, max(created_utc) AS b FROM items").iloc[0]
    assert first <= times["a"] and last > times["b"] and first >= span[0] and last <= span[1]
