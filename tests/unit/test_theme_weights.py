"""Split theme weights (issue 19 item 4): a mention naming only a stock in two baskets is half in
each. Imports and the backfill store the weights live collection stores, `attention rescore` fills
them for old rows, theme_daily, the panel and the rankings count with them (shares across themes
sum to 1 where watched, missing where not), and the report's captions say so."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.backfill.partitions import csv_partitions
from attention.backfill.worker import BackfillJob, run_partition
from attention.cli import app
from attention.config import load_config
from attention.derive.aggregate import theme_daily, utc_day
from attention.derive.rescore import rescore, stale_hint
from attention.panel.build import PanelInputs, build_panels, build_theme_panel
from attention.rankings.mentions import rank_mentions
from attention.report.captions import sentiment_caption, share_caption
from attention.scoring import annotate_items
from attention.store import Store
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
PROV = Provenance("test://", "1", dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
# NVDA alone: split between ai_stocks and magnificent_seven; the others name one theme each.
TEXTS = {
    "a1": "NVDA calls printing, what a day",
    "a2": "Small caps rally as IWM hits a record high",
    "a3": "AI stocks rally again, NVDA up",
    "a4": "Russell 2000 plunges, bagholders weep",
    "a5": "Nothing to see here at all",
}
EXPECTED = {
    "a1": {"ai_stocks": 0.5, "magnificent_seven": 0.5},
    "a2": {"small_caps": 1.0},
    "a3": {"ai_stocks": 1.0, "magnificent_seven": 0.5},
    "a4": {"small_caps": 1.0},
}


@pytest.fixture()
def config(tmp_path: Path):
    return load_config(REPO / "config.yaml", overrides={"store.path": str(tmp_path / "s.duckdb")})


def _stored_weights(path: Path) -> dict[str, dict[str, float]]:
    with Store(path, read_only=True) as store:
        rows = store.query("SELECT item_id, themes, theme_weights FROM items")
    return {
        i: dict(zip(t, [float(x) for x in w], strict=True))
        for i, t, w in zip(rows["item_id"], rows["themes"], rows["theme_weights"], strict=True)
    }


def test_the_reddit_csv_import_keeps_each_themes_weight(tmp_path: Path) -> None:
    path = tmp_path / "wsb.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "score", "id", "url", "comms_num", "created", "body", "timestamp"])
        for n, (key, text) in enumerate(TEXTS.items()):
            writer.writerow([text, 5, key, "", 1, 1719900000 + n, "", ""])
    store = tmp_path / "s.duckdb"
    result = runner.invoke(
        app, ["import", "reddit-csv", str(path), "--subreddit", "wallstreetbets", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert {k.removeprefix("t3_"): v for k, v in _stored_weights(store).items()} == EXPECTED


def test_the_news_backfill_worker_keeps_each_themes_weight(tmp_path: Path, config) -> None:
    path = tmp_path / "news.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "link", "published"])
        for key, text in TEXTS.items():
            writer.writerow([text, f"https://news.example/{key}", "2024-07-02 14:05:00"])
    job = BackfillJob("news", config, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), AuthorPolicy(salt="s"))
    ((part, rows),) = list(csv_partitions(path))
    frame = run_partition(part, job, rows).rows
    got = {
        url.rsplit("/", 1)[1]: dict(zip(t, w, strict=True))
        for url, t, w in zip(frame["url"], frame["themes"], frame["theme_weights"], strict=True)
    }
    assert got == EXPECTED
    with Store(config.store.path) as store, store.transaction():
        store.upsert_frame("items", frame, TextItem.KEY, TextItem.MERGE)
    assert sorted(_stored_weights(config.store.path).values(), key=str) == sorted(EXPECTED.values(), key=str)


def _items(config) -> list[TextItem]:
    stamp = dt.datetime(2024, 7, 2, 15, tzinfo=dt.UTC)
    raw = [
        TextItem("reddit", f"t3_{k}", "post", stamp, text, "", None, PROV, score=1)
        for k, text in TEXTS.items()
    ]
    return annotate_items(raw, config)


def test_rescore_fills_missing_weights_without_touching_themes(config) -> None:
    with Store(config.store.path) as store:
        store.write(_items(config))
        store.con.execute("UPDATE items SET theme_weights = NULL WHERE item_id IN ('t3_a1', 't3_a2')")
        store.con.execute("UPDATE items SET theme_weights = [] WHERE item_id = 't3_a3'")  # an old import
        hint = stale_hint(store, "finance-3")
        assert hint is not None and "3 stored items have themes but no theme weights" in hint
        result = rescore(store, config)
        assert stale_hint(store, "finance-3") is None
        assert store.unweighted_theme_items() == 0
    assert result.weights_filled == 3 and result.rescored == 0 and result.themes_changed == 0
    assert {k.removeprefix("t3_"): v for k, v in _stored_weights(config.store.path).items()} == {
        **EXPECTED,
        "a5": {},
    }


def test_rescore_cli_says_how_many_items_got_weights(config, tmp_path: Path) -> None:
    with Store(config.store.path) as store:
        store.write(_items(config))
        store.con.execute("UPDATE items SET theme_weights = NULL")
    result = runner.invoke(
        app, ["rescore", "--config", str(REPO / "config.yaml"), "--store", config.store.path]
    )
    assert result.exit_code == 0, result.output
    assert "4 given theme weights" in result.output


def test_theme_daily_counts_weighted_mentions() -> None:
    frame = pd.DataFrame(
        {
            "source": "reddit",
            "themes": [
                ["ai_stocks", "magnificent_seven"],
                ["ai_stocks", "magnificent_seven"],
                ["small_caps"],
            ],
            "theme_weights": [[0.5, 0.5], None, [1.0]],  # the second was stored before weights
            "compound": [0.1, 0.2, 0.3],
            "created_utc": pd.Timestamp("2024-07-02 15:00", tz="UTC"),
        }
    )
    daily = theme_daily(frame, utc_day).set_index("theme")
    assert daily["mentions"].to_dict() == {"ai_stocks": 2, "magnificent_seven": 2, "small_caps": 1}
    assert daily["weighted_mentions"].to_dict() == {
        "ai_stocks": 1.5,
        "magnificent_seven": 1.5,
        "small_caps": 1.0,
    }


SESSIONS = pd.bdate_range("2024-06-24", "2024-07-19").drop(pd.Timestamp("2024-07-04"))


def _inputs(mentions: pd.DataFrame, watched: tuple[str, str]) -> PanelInputs:
    prices = pd.DataFrame(
        [
            {"ticker": t, "date": d.date(), "close": 100.0, "adj_close": 100.0, "volume": 1.0}
            for t in ("IWM", "SPY", "QQQ")
            for d in SESSIONS
        ]
    )
    coverage = pd.DataFrame(
        {
            "source": ["reddit"],
            "unit_kind": ["file"],
            "unit": ["wsb.csv"],
            "span_start": [pd.Timestamp(watched[0], tz="UTC")],
            "span_end": [pd.Timestamp(watched[1], tz="UTC")],
        }
    )
    e = PanelInputs.empty()
    return PanelInputs(prices, e.flows, mentions, e.search, coverage)


def test_weighted_shares_sum_to_one_where_watched_and_are_missing_elsewhere(config) -> None:
    rng = np.random.default_rng(7)
    rows = []
    for n in range(300):  # items over the first two weeks only, which alone were watched
        when = pd.Timestamp("2024-06-24 13:00", tz="UTC") + pd.Timedelta(hours=int(rng.integers(0, 24 * 11)))
        for theme, weight in EXPECTED[rng.choice(list(EXPECTED))].items():
            rows.append(
                {
                    "source": "reddit",
                    "item_id": f"t3_{n}",
                    "created_utc": when,
                    "theme": theme,
                    "weight": weight if n % 10 else None,
                    "compound": 0.1,
                    "scoreable": True,
                }
            )
    inputs = _inputs(pd.DataFrame(rows), ("2024-06-20", "2024-07-06"))
    panels = {k: build_theme_panel(inputs, config, k) for k in config.themes}
    for freq in ("daily", "weekly"):
        shares = pd.DataFrame({k: getattr(p, freq)["reddit_weighted_share"] for k, p in panels.items()})
        counts = pd.DataFrame({k: getattr(p, freq)["reddit_weighted_mentions"] for k, p in panels.items()})
        watched = panels["ai_stocks"].daily["reddit_coverage"] if freq == "daily" else None
        observed = shares.notna().any(axis=1)
        assert observed.sum() >= 2
        np.testing.assert_allclose(shares[observed].sum(axis=1), 1.0)
        # weighted counts over themes: one per item (no item is counted twice) except that an
        # item with own evidence for one theme adds half for the other ("AI stocks ..., NVDA up")
        assert (counts[observed].sum(axis=1) >= 1).all()
        if watched is not None:
            unwatched = watched == 0
            assert unwatched.any()
            assert shares[unwatched.to_numpy()].isna().all().all()  # missing, never 0
            assert counts[unwatched.to_numpy()].isna().all().all()


def test_shares_use_the_weights_split_in_half() -> None:
    config = load_config(REPO / "config.yaml")
    when = pd.Timestamp("2024-06-25 15:00", tz="UTC")
    mentions = pd.DataFrame(
        [
            ("reddit", "t3_1", when, "ai_stocks", 0.5),
            ("reddit", "t3_1", when, "magnificent_seven", 0.5),
            ("reddit", "t3_2", when, "small_caps", 1.0),
        ],
        columns=["source", "item_id", "created_utc", "theme", "weight"],
    ).assign(compound=0.0, scoreable=True)
    inputs = _inputs(mentions, ("2024-06-20", "2024-07-06"))
    day = pd.Timestamp("2024-06-25")
    got = {k: build_theme_panel(inputs, config, k).daily.loc[day] for k in config.themes}
    assert {k: r["reddit_weighted_share"] for k, r in got.items()} == {
        "small_caps": 0.5,
        "ai_stocks": 0.25,
        "magnificent_seven": 0.25,
    }
    assert got["ai_stocks"]["reddit_mentions"] == 1 and got["ai_stocks"]["reddit_weighted_mentions"] == 0.5


def test_caption_wording() -> None:
    assert share_caption({"items": 251, "split_2": 33}) == (
        "33 of 251 mentions named only a stock in two themes and count half for each, "
        "so no mention is counted twice in the mentions' shares."
    )
    assert share_caption({"items": 40, "split_2": 3, "split_3": 1, "unweighted": 2}) == (
        "3 of 40 mentions named only a stock in two themes and count half for each; "
        "1 named only a stock in three themes and count a third for each, so no mention is counted "
        "twice in the mentions' shares. 2 mention(s) stored before theme weights existed count whole "
        "in each theme; `attention rescore` splits them."
    )
    assert share_caption({"items": 5}).startswith("None of the 5 mentions named only a stock")
    assert (
        sentiment_caption({"finance-3": 120}, "finance-3")
        == "Stored scores made by scorer finance-3 (120 mentions)."
    )
    mixed = sentiment_caption({"finance-3": 120, "vader-3.3.2": 4}, "finance-3")
    assert "finance-3 (120), vader-3.3.2 (4)" in mixed and "attention rescore" in mixed


def test_store_counts_split_mentions_and_score_versions(config) -> None:
    with Store(config.store.path) as store:
        store.write(_items(config))
        assert store.theme_weight_counts(FAR) == {"items": 4, "split_2": 1}
        assert store.score_versions(FAR) == {"finance-3": 4}
        store.con.execute("UPDATE items SET theme_weights = NULL WHERE item_id = 't3_a2'")
        assert store.theme_weight_counts(FAR) == {"items": 4, "split_2": 1, "unweighted": 1}


def test_share_week_splits_a_shared_mention_and_sums_to_one() -> None:
    end = dt.datetime(2024, 7, 3, tzinfo=dt.UTC)
    base = {
        "source": "reddit",
        "kind": "post",
        "body": "",
        "url": None,
        "author": "a",
        "container": "wsb",
        "outlet": None,
        "score": 0,
        "num_comments": 0,
        "compound": 0.0,
    }
    items = pd.DataFrame(
        [
            base
            | {
                "item_id": "1",
                "title": "NVDA",
                "themes": ["ai_stocks", "magnificent_seven"],
                "theme_weights": [0.5, 0.5],
                "created_utc": end - dt.timedelta(hours=3),
            },
            base
            | {
                "item_id": "2",
                "title": "IWM",
                "themes": ["small_caps"],
                "theme_weights": [1.0],
                "created_utc": end - dt.timedelta(days=2),
            },
            base
            | {
                "item_id": "3",
                "title": "IWM",
                "themes": ["small_caps"],
                "theme_weights": None,
                "created_utc": end - dt.timedelta(days=3),
            },
            base
            | {
                "item_id": "4",
                "title": "old",
                "themes": ["ai_stocks"],
                "theme_weights": [1.0],
                "created_utc": end - dt.timedelta(days=9),
            },  # the week before: not in the share
        ]
    )
    frame = rank_mentions(items, end, lambda text: set(text.split()) & {"NVDA", "IWM"})
    themes = frame[frame["kind"] == "theme"].set_index("name")["share_week"].to_dict()
    assert themes == {"small_caps": 0.6667, "ai_stocks": 0.1667, "magnificent_seven": 0.1667}
    tickers = frame[frame["kind"] == "ticker"].set_index("name")["share_week"].to_dict()
    assert tickers == {"IWM": 0.6667, "NVDA": 0.3333}


def test_real_wsb_csvs_split_and_shares_sum_to_one(shared_data: Path, tmp_path: Path) -> None:
    """The recorded r/wallstreetbets CSVs through `attention import reddit-csv`: the mentions that
    name only NVDA (or another stock in both AI stocks and the Magnificent Seven) are split, and
    every watched period's weighted shares sum to 1."""
    folder = shared_data / "reddit_wsb_posts"
    store = tmp_path / "wsb.duckdb"
    files = sorted(str(p) for p in folder.glob("wsb_*.csv"))
    result = runner.invoke(
        app, ["import", "reddit-csv", *files, "--subreddit", "wallstreetbets", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    config = load_config(REPO / "config.yaml", overrides={"store.path": str(store)})
    with Store(store, read_only=True) as opened:
        counts = opened.theme_weight_counts(FAR)
        panels = build_panels(opened, config)
    assert counts == {"items": 251, "split_2": 33}  # measured: 113 + 138 items, 1 + 32 split
    for freq in ("daily", "weekly"):
        shares = pd.DataFrame({k: getattr(p, freq)["reddit_weighted_share"] for k, p in panels.items()})
        observed = shares.notna().any(axis=1)
        assert observed.sum() >= 3
        np.testing.assert_allclose(shares[observed].sum(axis=1), 1.0)
