"""Rankings on constructed items with known answers: counts, changes, ranks, authors, weights,
places and top items; then `attention rank` on a constructed store."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from attention.cli import app
from attention.rankings.mentions import rank_mentions
from attention.store import Store
from collectors.core.records import CoverageSpan, Provenance, TextItem

REPO = Path(__file__).resolve().parents[2]
END = dt.datetime(2026, 2, 14, tzinfo=dt.UTC)  # ranks the day 2026-02-13
PROV = Provenance("https://example.test/x", "1.0", dt.datetime(2026, 2, 14, tzinfo=dt.UTC))


def _item(
    n: int, days_ago: float, themes: tuple[str, ...], text: str, sub: str, author: str, score: int = 0
) -> dict:
    return {
        "source": "reddit",
        "item_id": f"t3_{n}",
        "kind": "post",
        "created_utc": END - dt.timedelta(days=days_ago),
        "title": text,
        "body": "",
        "url": f"https://reddit.example/{n}",
        "author": author,
        "container": sub,
        "outlet": None,
        "score": score,
        "num_comments": 0,
        "themes": themes,
        "compound": 0.0,
    }


def _items() -> list[dict]:
    rows = []
    # small_caps: 3 today (one with 100 upvotes), 1 yesterday, 2 more this week, 4 the week before
    rows += [_item(1, 0.1, ("small_caps",), "IWM rips", "wallstreetbets", "a", 100)]
    rows += [_item(2, 0.2, ("small_caps",), "IWM again", "wallstreetbets", "b")]
    rows += [_item(3, 0.3, ("small_caps",), "small caps", "stocks", "a")]
    rows += [_item(4, 1.5, ("small_caps",), "small caps", "stocks", "c")]
    rows += [_item(5 + i, 3.0, ("small_caps",), "small caps", "stocks", "d") for i in range(2)]
    rows += [_item(10 + i, 9.0, ("small_caps",), "small caps", "stocks", "e") for i in range(4)]
    # ai_stocks: 1 today, 3 yesterday (it led yesterday), nothing the week before
    rows += [_item(20, 0.5, ("ai_stocks",), "NVDA chips", "stocks", "f")]
    rows += [_item(21 + i, 1.2, ("ai_stocks",), "NVDA chips", "NVDA_Stock", "g") for i in range(3)]
    # outside both windows: never counted
    rows += [_item(30, 20.0, ("ai_stocks",), "NVDA", "stocks", "h")]
    return rows


def _watched(sub: str, start: dt.datetime, end: dt.datetime) -> CoverageSpan:
    return CoverageSpan("reddit", "subreddit", sub, start, end, "import", PROV)


def _tickers_in(text: str) -> set[str]:
    return {word for word in text.split() if word in ("IWM", "NVDA")}


def test_ranks_counts_changes_authors_weights_places_and_items() -> None:
    frame = rank_mentions(pd.DataFrame(_items()), END, _tickers_in)
    themes = frame[frame["kind"] == "theme"].set_index("name")
    small, ai = themes.loc["small_caps"], themes.loc["ai_stocks"]
    assert (small["mentions_day"], small["mentions_day_before"], small["change_day_pct"]) == (3, 1, 200.0)
    assert (small["mentions_week"], small["mentions_week_before"], small["change_week_pct"]) == (6, 4, 50.0)
    assert (ai["mentions_day"], ai["mentions_day_before"], ai["change_day_pct"]) == (1, 3, -66.7)
    assert ai["mentions_week_before"] == 0 and pd.isna(ai["change_week_pct"])  # no percent from zero
    assert (small["rank"], small["rank_before"], small["rank_change"]) == (1, 2, 1)
    assert (ai["rank"], ai["rank_before"], ai["rank_change"]) == (2, 1, -1)
    assert small["authors_week"] == 4  # a, b, c, d
    assert small["sentiment_week"] == 0.0
    assert small["weighted_week"] == round(5 + 1 + math.log1p(100), 1)
    assert small["places_week"] == [
        {"place": "r/stocks", "mentions": 4},
        {"place": "r/wallstreetbets", "mentions": 2},
    ]
    assert small["top_items"][0]["url"] == "https://reddit.example/1"
    tickers = frame[frame["kind"] == "ticker"].set_index("name")
    assert list(tickers.index) == ["IWM", "NVDA"]  # IWM 2 today, NVDA 1
    assert tickers.loc["IWM", "themes"] == ["small_caps"] and tickers.loc["IWM", "mentions_day"] == 2
    assert tickers.loc["NVDA", "mentions_week"] == 4


def test_rank_command_on_a_constructed_store(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as db:  # r/stocks and r/wallstreetbets watched for the whole two weeks
        db.write([TextItem(**{**row, "provenance": PROV}) for row in _items()])
        db.write([_watched(sub, END - dt.timedelta(days=15), END) for sub in ("stocks", "wallstreetbets")])
    args = ["rank", "--config", str(REPO / "config.yaml"), "--store", str(path), "--date", "2026-02-13"]
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    out = json.loads(as_json.output)
    assert out["day"] == "2026-02-13"
    assert out["window_end"] == "2026-02-13T21:36:01+00:00"  # the second after the newest item
    assert out["watched"] == {"day": 1.0, "day_before": 1.0, "week": 1.0, "week_before": 1.0}
    first = out["rows"][0]
    assert (first["name"], first["mentions_day"], first["rank_change"]) == ("small_caps", 3, 1)
    shown = runner.invoke(app, args, terminal_width=80)
    assert shown.exit_code == 0, shown.output
    assert max(len(line) for line in shown.output.splitlines()) <= 80
    assert "Small caps" in shown.output and "r/stocks 4" in shown.output


runner = CliRunner()
