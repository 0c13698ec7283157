"""Rankings that say what was watched (issue 15): the windows end at the newest item, not at
"now"; a change against a window watched less than 95% is n/a, not a rise from zero; a watched
window with no mentions makes "new"; unknown authors and missing links are missing, not 0."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from attention.cli import app
from attention.rankings import words
from attention.rankings.load import watched_by_source, watched_fractions
from attention.rankings.mentions import rank_mentions
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, TextItem

REPO = Path(__file__).resolve().parents[2]
LAST = dt.datetime(2026, 2, 13, 15, 30, tzinfo=dt.UTC)  # the newest item
END = LAST + dt.timedelta(seconds=1)
PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2026, 2, 14, tzinfo=dt.UTC))
runner = CliRunner()


def _item(n: int, hours_before: float, theme: str, author: str | None, url: str | None) -> TextItem:
    return TextItem(
        source="reddit",
        item_id=f"t3_{n}",
        kind="post",
        created_utc=LAST - dt.timedelta(hours=hours_before),
        title=f"post {n} about {theme}",
        body="",
        url=url,
        author=author,
        container="stocks",
        outlet=None,
        score=0,
        num_comments=0,
        themes=(theme,) if theme else (),
        compound=0.0,
        provenance=PROV,
    )


def _store(path: Path) -> None:
    """r/stocks watched from 10.5 days before the end: the 7 days before are 50% watched."""
    link = "https://reddit.example/{}".format
    items = [
        _item(1, 0, "small_caps", "a", link(1)),
        _item(2, 23.9, "small_caps", "b", link(2)),  # in the day only if the day ends at LAST
        _item(3, 30, "small_caps", "c", link(3)),  # the day before
        *(_item(4 + i, 72, "small_caps", "a", link(4 + i)) for i in range(3)),  # the week
        _item(7, 9 * 24, "small_caps", "a", link(7)),  # the week before, inside its watched half
        _item(8, 2, "ai_stocks", None, None),  # no author, no link; nothing the day before
        _item(9, -5, "", None, None),  # matches no theme (a feed entry stamped when fetched)
    ]
    span = CoverageSpan("reddit", "subreddit", "stocks", END - dt.timedelta(days=10.5), END, "import", PROV)
    with Store(path) as db:
        db.write([*items, span])


def test_rank_ends_at_the_newest_item_and_says_what_was_watched(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store(path)
    args = ["rank", "--config", str(REPO / "config.yaml"), "--store", str(path)]
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    out = json.loads(as_json.output)
    assert out["window_end"] == "2026-02-13T15:30:01+00:00"
    assert out["watched"] == {"day": 1.0, "day_before": 1.0, "week": 1.0, "week_before": 0.5}
    assert out["watched_by_source"] == {"reddit": out["watched"]}  # the one source watched
    rows = {r["name"]: r for r in out["rows"] if r["kind"] == "theme"}
    small, ai = rows["small_caps"], rows["ai_stocks"]
    assert (small["mentions_day"], small["mentions_day_before"], small["change_day_pct"]) == (2, 1, 100.0)
    assert (small["mentions_week"], small["mentions_week_before"]) == (6, 1)
    assert small["change_week_pct"] is None  # the week before was half watched: no +500%
    assert small["authors_week"] == 3 and ai["authors_week"] is None  # a, b, c | none carried
    assert ai["top_items"][0]["url"] is None
    assert (ai["mentions_day_before"], ai["rank_before"], ai["change_day_pct"]) == (0, None, None)
    assert small["watched_week_before"] == 0.5 and small["window_end"] == out["window_end"]

    shown = runner.invoke(app, args, terminal_width=80)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert all(len(line) <= 80 for line in lines if not line.startswith("  https://"))
    assert lines[0] == "Themes by mentions in the 24 hours to 2026-02-13 15:30 UTC"
    small_row = next(line.split() for line in lines if "Small caps" in line and "%" in line)
    ai_row = next(line.split() for line in lines if "AI stocks" in line and "new" in line)
    assert small_row == ["1", "0", "Small", "caps", "2", "+100%", "6", "n/a", "3", "6"]
    assert ai_row == ["2", "new", "AI", "stocks", "1", "new", "1", "n/a", "?", "1"]
    text = " ".join(shown.output.split())
    assert "the 7 days before 50%. A change against a window watched less than 95% is n/a" in text
    assert "Authors ?: unknown, the items carry no author" in text
    # asked for a day weeks after the newest item: the windows still end there, and it says so
    late = runner.invoke(app, [*args, "--date", "2026-03-13"], terminal_width=200)
    assert late.exit_code == 0, late.output
    assert "Stale: the newest stored mention is from 2026-02-13, 28 days before 2026-03-13" in late.output
    assert "Stale:" not in shown.output


def test_a_window_never_watched_is_not_zero_and_a_half_watched_day_has_no_rank_change() -> None:
    items = pd.DataFrame(
        {
            "source": ["reddit"] * 2,
            "item_id": ["a", "b"],
            "kind": ["post"] * 2,
            "created_utc": [END - dt.timedelta(hours=h) for h in (1, 30)],
            "title": ["x", "y"],
            "body": ["", ""],
            "url": ["", "https://reddit.example/b"],
            "author": ["p", "q"],
            "container": ["stocks"] * 2,
            "outlet": [None] * 2,
            "score": [0, 0],
            "num_comments": [0, 0],
            "themes": [["small_caps"]] * 2,
            "compound": [0.1, 0.2],
        }
    )
    watched = {"day": 1.0, "day_before": 0.5, "week": 1.0, "week_before": 0.0}
    row = rank_mentions(items, END, watched=watched).iloc[0].to_dict()
    assert row["mentions_week_before"] is None  # never watched, nothing found: unknown
    assert pd.isna(row["change_week_pct"]) and words.change(row, "week") == "n/a"
    assert row["mentions_day_before"] == 1 and pd.isna(row["change_day_pct"])  # half watched
    assert words.change(row, "day") == "n/a" and words.rank_change(row) == "n/a"
    assert pd.isna(row["rank_before"])
    assert row["top_items"][0]["url"] is None  # an empty link is no link
    assert words.count(row["mentions_week_before"]) == "n/a"
    full = rank_mentions(items, END).iloc[0].to_dict()  # watched=None: vouched whole
    assert (full["change_day_pct"], words.change(full, "day"), words.rank_change(full)) == (0.0, "0%", "0")
    assert (full["mentions_week_before"], words.change(full, "week")) == (0, "new")
    quiet = {**full, "mentions_day": 0, "mentions_day_before": 0, "rank_change": None, "change_day_pct": None}
    assert (words.rank_change(quiet), words.change(quiet, "day")) == ("–", "–")  # none either day


def test_watched_fractions_take_the_least_watched_source() -> None:
    def span(source: str, start: dt.datetime, end: dt.datetime) -> dict:
        return {"source": source, "unit_kind": "feed", "unit": "u", "span_start": start, "span_end": end}

    coverage = pd.DataFrame(
        [
            span("reddit", END - dt.timedelta(days=20), END),  # the whole two weeks
            span("news", END - dt.timedelta(days=1), END),  # only the last day
            span("news", END - dt.timedelta(days=12), END - dt.timedelta(days=11)),
        ]
    )
    fractions = watched_fractions(coverage, END)
    by_source = watched_by_source(coverage, END)
    assert by_source["reddit"] == {"day": 1.0, "day_before": 1.0, "week": 1.0, "week_before": 1.0}
    row = {f"watched_{w}": f for w, f in fractions.items()}
    line = words.watched_line(row, by_source)
    assert line.startswith("Watched: the last 24 hours 100%, the 24 hours before 0% (news 0%, reddit 100%)")
    assert fractions["day"] == 1.0 and fractions["day_before"] == 0.0
    assert round(fractions["week"], 6) == round(fractions["week_before"], 6) == round(1 / 7, 6)
    assert watched_fractions(coverage[coverage["source"] == "reddit"], END)["week_before"] == 1.0
    assert set(watched_fractions(coverage.iloc[0:0], END).values()) == {0.0}  # nothing recorded
    assert words.end_text(END) == "2026-02-13 15:30 UTC"


def test_a_ranking_older_than_the_report_day_says_it_is_stale() -> None:
    """The windows end at the newest stored mention: a report for 2022-11-25 whose newest mention
    is from 2022-01-21 (the real WSB file) ranks January, and must say so in words."""
    from types import SimpleNamespace

    from attention.config import load_config
    from attention.report.html_rankings import rankings

    end = dt.datetime(2022, 1, 21, 19, 8, 1, tzinfo=dt.UTC)
    line = words.behind_line(end, dt.date(2022, 11, 25))
    assert line == (
        "Stale: the newest stored mention is from 2022-01-21, 308 days before 2022-11-25; these are "
        "the counts of the 24 hours and 7 days to 2022-01-21 19:08 UTC, not current."
    )
    assert words.behind_line(end, dt.date(2022, 1, 24)) == ""  # a weekend behind: current
    assert words.behind_line(end, None) == ""
    items = pd.DataFrame(
        {
            "source": ["reddit"],
            "item_id": ["t3_a"],
            "kind": ["post"],
            "created_utc": [end - dt.timedelta(hours=2)],
            "title": ["small caps"],
            "body": [""],
            "url": [None],
            "author": ["x"],
            "container": ["wallstreetbets"],
            "outlet": [None],
            "score": [1],
            "num_comments": [0],
            "themes": [["small_caps"]],
            "compound": [0.1],
        }
    )
    config = load_config(REPO / "config.yaml", environ={})
    frame = rank_mentions(
        items, end, watched={"day": 1.0, "day_before": 1.0, "week": 1.0, "week_before": 1.0}
    )
    data = SimpleNamespace(
        rankings=frame, as_of=dt.date(2022, 11, 25), config=config, label=lambda k: config.themes[k].label
    )
    assert "Stale: the newest stored mention is from 2022-01-21, 308 days before 2022-11-25" in rankings(data)  # type: ignore[arg-type]
