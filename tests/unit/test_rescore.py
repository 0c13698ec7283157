"""Re-scoring stored items after the lexicon or the themes change (`attention rescore`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.config import load_config
from attention.derive import rescore as rescore_module
from attention.derive.rescore import rescore, stale_hint, stale_versions
from attention.derive.theme_daily import refresh_theme_daily
from attention.scoring import annotate_items
from attention.sentiment.scorer import get_scorer
from attention.store import Store
from collectors.core.records import Provenance, TextItem

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
TEXTS = [
    "Small caps rally as IWM hits a record high",
    "Russell 2000 plunges, bagholders weep",
    "Magnificent Seven earnings: shares slump",
    "Nothing to see here",
    "IWM calls printing, small caps to the moon",
]


@pytest.fixture()
def config(tmp_path: Path):
    return load_config(REPO / "config.yaml", overrides={"store.path": str(tmp_path / "s.duckdb")})


def _items(config, n: int = 50) -> list[TextItem]:
    """Items on consecutive days, ten a day, so each batch of ten touches its own days."""
    stamp = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC)
    raw = [
        TextItem(
            "reddit",
            f"t3_{k:04d}",
            "post",
            stamp + dt.timedelta(days=k // 10),
            TEXTS[k % len(TEXTS)],
            "",
            None,
            Provenance("test://", "1", stamp),
            score=k,
            scoreable=k % 10 != 7,
        )
        for k in range(n)
    ]
    return annotate_items(raw, config)


def _store_with_old_scores(config, n: int = 50) -> Store:
    """Items as the pipeline stored them, then made to look scored by an older lexicon."""
    store = Store(config.store.path)
    store.write(_items(config, n))
    store.con.execute(
        "UPDATE items SET lexicon_version = 'finance-1', compound = 0.5, "
        "themes = ['small_caps'] WHERE scoreable AND item_id < 't3_0030'"
    )
    return store


def _scores(store: Store):
    return store.query(
        "SELECT item_id, themes, neg, neu, pos, compound, lexicon_version, "
        "scoreable FROM items ORDER BY item_id"
    )


def test_stale_items_get_exactly_what_fresh_scoring_gives(config) -> None:
    fresh = {i.item_id: i for i in _items(config)}
    with _store_with_old_scores(config) as store:
        assert stale_versions(store, "finance-3") == {"finance-1": 27}
        result = rescore(store, config, batch_size=7)
        assert stale_versions(store, "finance-3") == {}
        rows = _scores(store)
    assert result.rescored == 27 and result.stale_before == {"finance-1": 27}
    assert result.batches == 4  # 27 stale items in batches of 7; the current ones are skipped
    for row in rows.itertuples():
        item = fresh[row.item_id]
        if item.scoreable:
            assert (row.compound, row.lexicon_version) == (item.compound, "finance-3")
        else:  # removed bodies stay unscored
            assert pd.isna(row.lexicon_version) and pd.isna(row.compound)
    assert "27 items re-scored" in result.summary()


def test_themes_are_rematched_only_when_asked(config) -> None:
    with _store_with_old_scores(config) as store:
        rescore(store, config)
        polluted = _scores(store)
        assert (polluted["themes"].map(list) == [["small_caps"]] * len(polluted)).sum() > 10
        result = rescore(store, config, themes=True, batch_size=16)
        rows = _scores(store)
    fresh = {i.item_id: list(i.themes) for i in _items(config)}
    assert {r.item_id: list(r.themes) for r in rows.itertuples()} == fresh
    assert result.rescored == 0 and result.themes_changed > 0 and result.examined == 50


def test_everything_rescores_current_items_too(config) -> None:
    with _store_with_old_scores(config) as store:
        rescore(store, config)
        again = rescore(store, config)
        forced = rescore(store, config, everything=True)
    assert again.rescored == 0 and again.batches == 0
    assert forced.rescored == 45  # every scoreable item


def test_an_interrupted_rescore_loses_nothing_and_resumes(config, monkeypatch) -> None:
    real_commit, calls = rescore_module._commit, []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_commit(*args, **kwargs)

    def theme_daily(store: Store) -> pd.DataFrame:
        return store.query("SELECT * EXCLUDE (computed_at) FROM theme_daily ORDER BY ALL")

    with _store_with_old_scores(config) as store:
        refresh_theme_daily(store, dt.date(2026, 1, 1), dt.date(2026, 1, 31))  # a backfill's
        before = theme_daily(store)
        monkeypatch.setattr(rescore_module, "_commit", crash_on_second)
        with pytest.raises(KeyboardInterrupt):
            rescore(store, config, batch_size=10)
        # The first batch (days 1-2) is committed with its pending days; nothing else changed.
        assert stale_versions(store, "finance-3") == {"finance-1": 17}
        assert store.integrity_problems() == []
        assert "interrupted rescore" not in (stale_hint(store, "finance-3") or "")
        monkeypatch.setattr(rescore_module, "_commit", real_commit)
        result = rescore(store, config, batch_size=10)  # batches on days 2-3 only
        after = theme_daily(store)
        refresh_theme_daily(store, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        recomputed = theme_daily(store)
        pending = store.cursors("rescore")
    assert result.rescored == 17 and result.aggregate_rows > 0
    assert not after.equals(before)
    # Day 1 was re-scored by the interrupted run: the pending cursor got it refreshed too.
    pd.testing.assert_frame_equal(after, recomputed)
    assert json.loads(pending["theme_daily_pending"]) == {}


def test_an_interrupted_aggregate_refresh_is_reported(config, monkeypatch) -> None:
    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    with _store_with_old_scores(config) as store:
        refresh_theme_daily(store, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        monkeypatch.setattr(rescore_module, "refresh_theme_daily", crash)
        with pytest.raises(KeyboardInterrupt):
            rescore(store, config)
        assert stale_versions(store, "finance-3") == {}  # every score is current...
        assert "interrupted rescore" in stale_hint(store, "finance-3")  # ...the days are not
        monkeypatch.setattr(rescore_module, "refresh_theme_daily", refresh_theme_daily)
        assert rescore(store, config).aggregate_rows > 0
        assert stale_hint(store, "finance-3") is None


def test_null_text_columns_and_themes_are_handled(config) -> None:
    with _store_with_old_scores(config) as store:
        store.con.execute(
            "UPDATE items SET title = NULL, body = 'Small caps rally, IWM soars' WHERE item_id = 't3_0001'"
        )
        store.con.execute(
            "UPDATE items SET body = NULL, themes = NULL WHERE item_id IN ('t3_0002', 't3_0040')"
        )
        rescore(store, config)
        assert stale_versions(store, "finance-3") == {}
        rows = _scores(store).set_index("item_id")
        assert pd.isna(rows.loc["t3_0040", "themes"])  # not re-matched without --themes
        rescore(store, config, themes=True)
        rows = _scores(store).set_index("item_id")
    scorer = get_scorer("finance-3")
    assert (
        rows.loc["t3_0001", "compound"] == scorer.polarity_scores("Small caps rally, IWM soars")["compound"]
    )
    assert rows.loc["t3_0002", "compound"] == scorer.polarity_scores(TEXTS[2])["compound"]
    assert list(rows.loc["t3_0040", "themes"]) == ["small_caps"]


def test_cli_status_warns_and_rescore_fixes(config, tmp_path: Path) -> None:
    with _store_with_old_scores(config) as store:  # plus a run-log row with NULL cells
        store.start_run("r1", "news", dt.date(2026, 1, 9))
        store.finish_run("r1", "news", "ok")
    args = ["--config", str(REPO / "config.yaml"), "--store", config.store.path]
    status = runner.invoke(app, ["status", *args, "--json"])
    assert status.exit_code == 0
    assert json.loads(status.output)["stale_scores"] == {"finance-1": 27}
    table = runner.invoke(app, ["status", *args], terminal_width=200)
    assert table.exit_code == 0, table.output
    assert "27 with finance-1; in use: finance-3" in table.output
    assert "run `attention rescore`" in table.output
    assert "2026-01-09" in table.output  # a run date, and its NULL cells left blank
    done = runner.invoke(app, ["rescore", *args])
    assert done.exit_code == 0
    assert "27 items re-scored" in done.output
    assert json.loads(runner.invoke(app, ["status", *args, "--json"]).output)["stale_scores"] == {}


def test_the_report_flags_mixed_lexicon_versions(config, tmp_path: Path) -> None:
    from attention.daily.outputs import write_report

    _store_with_old_scores(config).close()
    result = write_report(
        config, as_of=dt.date(2026, 1, 12), out_dir=tmp_path / "report", store_path=Path(config.store.path)
    )
    page = result.path.read_text(encoding="utf-8")
    assert "27 with finance-1; in use: finance-3" in page
    with Store(config.store.path) as store:
        rescore(store, config)
    page = write_report(
        config, as_of=dt.date(2026, 1, 12), out_dir=tmp_path / "report", store_path=Path(config.store.path)
    ).path.read_text(encoding="utf-8")
    assert "another lexicon" not in page


def test_finance_2_scores_move_to_finance_3(config) -> None:
    """An upgrade from the finance-2 default: every finance-2 score is re-scored by finance-3."""
    fresh = {i.item_id: i for i in _items(config)}
    with Store(config.store.path) as store:
        store.write(_items(config))
        store.con.execute("UPDATE items SET lexicon_version = 'finance-2', compound = 0.9 WHERE scoreable")
        stale = stale_versions(store, "finance-3")
        assert set(stale) == {"finance-2"} and stale["finance-2"] > 0
        result = rescore(store, config)
        assert stale_versions(store, "finance-3") == {}
        rows = _scores(store)
    assert result.rescored == stale["finance-2"]
    for row in rows.itertuples():
        if fresh[row.item_id].scoreable:
            assert (row.compound, row.lexicon_version) == (fresh[row.item_id].compound, "finance-3")


def test_rematching_themes_fills_theme_weights(config) -> None:
    """Items stored before theme weights existed (NULL) get them from `rescore --themes`."""
    with Store(config.store.path) as store:
        store.write(_items(config))
        store.con.execute("UPDATE items SET theme_weights = NULL")
        rescore(store, config, themes=True)
        rows = store.query("SELECT themes, theme_weights FROM items ORDER BY item_id")
    assert rows["theme_weights"].notna().all() and any(len(list(w)) for w in rows["theme_weights"])
    for themes, weights in zip(rows["themes"], rows["theme_weights"], strict=True):
        assert len(list(themes)) == len(list(weights))
        assert all(w in (0.5, 1.0) for w in weights)
