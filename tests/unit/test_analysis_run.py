"""run_all end to end on a simulated world written to a real store, persistence and the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.analysis.simulate import LoopParams, simulate_loop
from attention.cli import app
from attention.config import load_config
from attention.daily.outputs import analyze_store as run_all
from attention.daily.outputs import persist_results
from attention.store import Store

runner = CliRunner()


def _write_world(path: Path, params: LoopParams, seed: int = 1, n: int = 1300) -> pd.DataFrame:
    """A daily simulated world as the collectors would store it: IWM/SPY prices, IWM flows and
    daily search interest for one small-caps term."""
    world = simulate_loop(n, params, seed=seed, freq="D", start="2019-01-02")
    with Store(path) as store:
        frames = []
        for ticker, rets in (("IWM", world["theme_return"]), ("SPY", world["benchmark_return"])):
            close = 100 * (1 + rets).cumprod()
            frames.append(
                pd.DataFrame(
                    {
                        "ticker": ticker,
                        "date": world.index.date,
                        "close": close.to_numpy(),
                        "adj_close": close.to_numpy(),
                        "volume": 1e6,
                    }
                )
            )
        frames.append(
            pd.DataFrame(
                {
                    "ticker": "QQQ",
                    "date": world.index.date,
                    # it moves: a close repeated on 5 bars is a frozen feed, dropped as missing
                    "close": 50.0 + np.arange(len(world)) % 2,
                    "adj_close": 50.0 + np.arange(len(world)) % 2,
                    "volume": 1e6,
                }
            )
        )
        store.upsert_frame("prices", pd.concat(frames), ["ticker", "date"])
        store.upsert_frame(
            "flows",
            pd.DataFrame(
                {
                    "ticker": "IWM",
                    "date": world.index.date,
                    "method": "import",
                    "flow_usd": world["flow"].to_numpy(),
                    "stale": False,
                }
            ),
            ["ticker", "date", "method"],
        )
        store.upsert_frame(
            "search_series",
            pd.DataFrame(
                {
                    "term": "IWM",
                    "date": world.index.date,
                    "granularity": "day",
                    "value": world["attention"].to_numpy(),
                    "is_partial": False,
                }
            ),
            ["term", "date", "granularity"],
        )
    return world


def test_planted_loop_is_found_through_store_panel_and_analysis(config_path: Path) -> None:
    config = load_config(config_path)
    _write_world(config.store.path, LoopParams.planted())
    with Store(config.store.path) as store:
        results = run_all(store, config)
        small = results.themes["small_caps"]
        found = {(t.causing, t.caused) for t in small.feedback.tests if t.significant()}
        assert ("attention_index", "flow_usd") in found
        assert ("excess_return", "attention_index") in found
        assert small.verdict.startswith("Small caps: ") and "attention led flows by" in small.verdict
        assert small.context is not None and small.context.return_vs_other_3m is not None
        # BH ran across all themes: the ai/mag7 themes have no data and add no tests
        assert results.themes["ai_stocks"].feedback.tests == ()
        rows = store.query("SELECT * FROM feedback_tests")
        assert len(rows) == len(small.feedback.tests)
        assert set(store.query("SELECT theme FROM feedback_verdicts")["theme"]) == {
            "small_caps",
            "ai_stocks",
            "magnificent_seven",
        }
        assert store.count("event_studies") > 0 and store.count("context") == 1
        irfs = store.query("SELECT * FROM impulse_responses WHERE theme = 'small_caps'")
        assert len(irfs) == sum(len(r.irf) for r in small.feedback.impulse_responses) > 0
        first = small.feedback.impulse_responses[0]
        stored = irfs[(irfs.impulse == first.impulse) & (irfs.response == first.response)]
        assert list(stored.sort_values("horizon")["irf"]) == list(first.irf)
        per_theme = "SELECT theme, count(*) AS n FROM impulse_responses GROUP BY 1 ORDER BY 1"
        before = store.query(per_theme)
        run_all(store, config)  # a rerun replaces, never duplicates
        assert len(store.query("SELECT * FROM feedback_tests")) == len(rows)
        pd.testing.assert_frame_equal(store.query(per_theme), before)
        # A rerun in which the VAR has too little data leaves no stale responses behind.
        no_var = dataclasses.replace(
            small, feedback=dataclasses.replace(small.feedback, impulse_responses=())
        )
        persist_results(store, dataclasses.replace(results, themes={"small_caps": no_var}))
        assert store.count("impulse_responses") == 0
        assert len(store.query("SELECT * FROM feedback_tests")) == len(rows)
        assert store.integrity_problems() == []


def test_cli_analyze_and_context(config_path: Path) -> None:
    config = load_config(config_path)
    _write_world(config.store.path, LoopParams.null(), n=400)
    out = runner.invoke(app, ["analyze", "--config", str(config_path)])
    assert out.exit_code == 0, out.output
    assert out.stdout.count("\n") == 3 and "Small caps:" in out.stdout  # notes go to stderr
    as_json = runner.invoke(app, ["analyze", "--config", str(config_path), "--json"])
    data = json.loads(as_json.stdout)
    assert data["themes"]["small_caps"]["feedback"]["tests"][0]["pvalue"] is not None
    ctx = runner.invoke(app, ["context", "--config", str(config_path), "--asof", "2019-12-31", "--json"])
    assert ctx.exit_code == 0, ctx.output
    assert json.loads(ctx.stdout)["small_caps"]["context"]["asof"] == "2019-12-31"
    bad = runner.invoke(app, ["context", "--config", str(config_path), "--asof", "31/12/2019"])
    assert bad.exit_code == 2 and "--asof '31/12/2019': use YYYY-MM-DD" in bad.output
    window = ["context", "--config", str(config_path), "--window", "12-16:01-15"]
    seasonal = runner.invoke(app, [*window, "--json"])
    assert seasonal.exit_code == 0, seasonal.output
    found = json.loads(seasonal.stdout)["small_caps"]["context"]["seasonal"]
    assert found["start"] == [12, 16] and found["end"] == [1, 15]
    assert found["n_years"] == len(found["years"]) == len(found["per_year"]) > 0
    assert {"mean", "median", "std", "share_positive", "t_stat"} <= set(found)
    assert "seasonal window 12-16..01-15" in runner.invoke(app, window).output
    wrong = runner.invoke(app, ["context", "--config", str(config_path), "--window", "12-16"])
    assert wrong.exit_code == 2 and "--window '12-16'" in wrong.output


def test_cli_backtest_preis(tmp_path: Path) -> None:
    (tmp_path / "search.csv").write_text(
        "Week,stock market crash\n2024-01-06,10\n2024-01-13,20\n2024-01-20,30\n2024-01-27,50\n2024-02-03,10\n"
    )
    days = pd.bdate_range("2024-01-22", "2024-02-16")
    closes = {pd.Timestamp("2024-01-29"): 100, pd.Timestamp("2024-02-05"): 90, pd.Timestamp("2024-02-12"): 99}
    lines = ["Date,Close,Volume", ",^GSPC,^GSPC"]  # yfinance's second header row
    # between the three trade closes the close moves (5 equal closes would be a frozen feed)
    lines += [f"{d.date()},{closes.get(d, 95 + 0.25 * (i % 3))},1" for i, d in enumerate(days)]
    (tmp_path / "prices.csv").write_text("\n".join(lines) + "\n")
    out = runner.invoke(
        app,
        [
            "backtest",
            "preis",
            "--search",
            str(tmp_path / "search.csv"),
            "--prices",
            str(tmp_path / "prices.csv"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["n_trades"] == 2
    assert data["cumulative_return"] == pytest.approx((100 / 90) * (99 / 90) - 1)
    assert data["notes"] == []
    costs = {row["bp_per_side"]: row["cumulative_return"] for row in data["costs"]}
    assert costs[10] == pytest.approx((100 / 90) * (99 / 90) * 0.999**4 - 1)
    assert data["net_return"] == pytest.approx(costs[10]) and len(data["delta_t_table"]) == 6
    # the same weeks labelled by their Sunday, as Google Trends' export does
    (tmp_path / "sundays.csv").write_text(
        "Week,stock market crash\n2023-12-31,10\n2024-01-07,20\n2024-01-14,30\n2024-01-21,50\n2024-01-28,10\n"
    )
    moved = runner.invoke(
        app,
        [
            "backtest",
            "preis",
            "--search",
            str(tmp_path / "sundays.csv"),
            "--prices",
            str(tmp_path / "prices.csv"),
        ],
    )
    assert moved.exit_code == 0, moved.output
    assert "2 trades 2024-01-29..2024-02-12" in moved.output
    assert "note: search weeks were taken as labelled by their first day" in moved.output
    kept = runner.invoke(
        app,
        [
            "backtest",
            "preis",
            "--search",
            str(tmp_path / "sundays.csv"),
            "--prices",
            str(tmp_path / "prices.csv"),
            "--weeks",
            "end",
            "--json",
        ],
    )
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout)["notes"] == []  # stated as week ends: taken as given
    wrong = runner.invoke(
        app,
        [
            "backtest",
            "preis",
            "--search",
            str(tmp_path / "sundays.csv"),
            "--prices",
            str(tmp_path / "prices.csv"),
            "--weeks",
            "mid",
        ],
    )
    assert wrong.exit_code == 2 and "'mid': choose from auto, end, start" in wrong.output  # usage error
    (tmp_path / "broken.csv").write_text("Date,Close\n2024-01-02,1\nnot-a-date,2\n")
    bad = runner.invoke(
        app,
        [
            "backtest",
            "preis",
            "--search",
            str(tmp_path / "search.csv"),
            "--prices",
            str(tmp_path / "broken.csv"),
        ],
    )
    assert bad.exit_code == 1 and "line 3" in bad.output


def test_cli_import_flows_csv(tmp_path: Path, config_path: Path) -> None:
    good = tmp_path / "flows.csv"
    good.write_text('Date,Ticker,Flow_USD\n2024-07-01,iwm,-1500000\n2024-07-02,IWM,"2,000"\n')
    # "2,000" alone could be 2000 or 2.0: the user says which (issue 21: never read it silently)
    ambiguous = runner.invoke(app, ["import", "flows-csv", str(good), "--config", str(config_path)])
    assert ambiguous.exit_code == 1 and "line 3: '2,000' can be read" in ambiguous.output
    point = ["--decimal", "point"]
    out = runner.invoke(app, ["import", "flows-csv", str(good), "--config", str(config_path), *point])
    assert out.exit_code == 0, out.output
    assert "imported 2 flow rows for IWM (2 new" in out.output
    again = runner.invoke(app, ["import", "flows-csv", str(good), "--config", str(config_path), *point])
    assert "(0 new, 0 updated, 2 unchanged)" in again.output  # the same file again changes nothing
    good.write_text('Date,Ticker,Flow_USD\n2024-07-01,iwm,-1500000\n2024-07-02,IWM,"2,500"\n')
    edited = runner.invoke(app, ["import", "flows-csv", str(good), "--config", str(config_path), *point])
    assert "(0 new, 1 updated, 1 unchanged)" in edited.output, edited.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,ticker,flow_usd\n2024-07-03,IWM,12\n2024-13-01,IWM,5\n2024-07-05,IWM,lots\n2024-07-03,IWM,7\n"
    )
    out = runner.invoke(app, ["import", "flows-csv", str(bad), "--config", str(config_path)])
    assert out.exit_code == 1
    assert "line 3, column 'date'" in out.output and "line 4, column 'flow_usd'" in out.output
    assert "line 5: IWM 2024-07-03 already given on line 2" in out.output
    with Store(load_config(config_path).store.path, read_only=True) as store:
        assert store.count("flows") == 2  # the bad file wrote nothing
        assert set(store.query("SELECT method FROM flows")["method"]) == {"import"}
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("day,ticker,flow\n2024-07-01,IWM,1\n")
    out = runner.invoke(app, ["import", "flows-csv", str(nohead), "--config", str(config_path)])
    assert out.exit_code == 1 and "no 'date' column" in out.output


def test_cli_import_flows_csv_marks_a_frozen_feed_stale(tmp_path: Path, config_path: Path) -> None:
    """62 zero flows in a row came from a frozen shares feed: stale (unknown), flagged, not zero."""
    days = pd.bdate_range("2024-01-02", periods=70)
    values = [1.0e6] * 4 + [0.0] * 62 + [-2.0e6] * 4
    frozen = tmp_path / "frozen.csv"
    rows = [f"{d.date()},IWM,{v}" for d, v in zip(days, values, strict=True)]
    frozen.write_text("date,ticker,flow_usd\n" + "\n".join(rows) + "\n")
    out = runner.invoke(app, ["import", "flows-csv", str(frozen), "--config", str(config_path)])
    assert out.exit_code == 0, out.output
    assert "imported flows exactly 0 for 62 consecutive dates" in out.output
    assert "62 row(s) stored as stale" in out.output
    with Store(load_config(config_path).store.path, read_only=True) as store:
        stale = store.query("SELECT count(*) AS n FROM flows WHERE stale")["n"].iloc[0]
        flags = store.data_flags()
    assert stale == 62
    assert list(flags.loc[flags["check_name"] == "frozen_feed", "subject"]) == ["IWM"]
    with Store(load_config(config_path).store.path, read_only=True) as store:
        spans = store.coverage_spans(["flows"])
    assert list(spans["unit"]) == ["IWM"] and spans["items"].iloc[0] == 70
    assert spans["span_start"].iloc[0] == pd.Timestamp(days[0], tz="UTC")


def test_analysis_step_summarises(config_path: Path) -> None:
    from attention.daily.outputs import analysis_summary

    config = load_config(config_path)
    _write_world(config.store.path, LoopParams.null(), n=400)
    with Store(config.store.path) as store:
        line = analysis_summary(run_all(store, config))
    assert line.startswith("analysed 3 theme(s): 6 feedback test(s)")


def test_event_studies_are_kept_by_their_own_frame() -> None:
    from attention.analysis.run import _events
    from attention.panel.build import DAILY_COLUMNS, WEEKLY_COLUMNS, ThemePanel

    days = pd.bdate_range("2023-01-02", periods=300)
    weeks = pd.date_range("2023-01-06", periods=60, freq="W-FRI")
    flat_d = pd.DataFrame(0.0, index=days, columns=DAILY_COLUMNS)
    flat_w = pd.DataFrame(0.0, index=weeks, columns=WEEKLY_COLUMNS)
    # a signal without spikes: the study is kept and says "no spikes"
    both = _events(ThemePanel("t", flat_d, flat_w))
    assert [s.freq for s in both] == ["W", "D"] and not any(s.n_events for s in both)
    # daily attention known, weekly unknown: the daily study stays, the weekly one goes
    no_weekly = flat_w.assign(attention_index=float("nan"), asvi=float("nan"))
    assert [s.freq for s in _events(ThemePanel("t", flat_d, no_weekly))] == ["D"]
    # and the other way round
    no_daily = flat_d.assign(attention_index=float("nan"))
    assert [s.freq for s in _events(ThemePanel("t", no_daily, flat_w))] == ["W"]
