"""Frozen feeds in every path that uses prices (issue 15, item 3): a close repeated unchanged on
``max(stale_after_days, 5)`` bars is dropped as missing (panel, other index, Preis backtest,
derived flows, price imports); a frozen shares feed gives missing flows, not 0; and a check as
of a past date uses only the data up to that date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.analysis.preis import preis_backtest
from attention.calendar import sessions_and_closes
from attention.checks.feeds import drop_frozen_prices, frozen_runs, known_frozen, repeat_mask
from attention.config import load_config
from attention.derive.flows import flows_from_shares
from attention.panel.build import PanelInputs, build_theme_panel
from attention.panel.snapshot import cut_inputs

FROZEN_FROM, FROZEN_TO = "2024-03-04", "2024-03-12"  # 7 sessions with one IWM close


@pytest.fixture
def config(default_config_path: Path):
    return load_config(default_config_path)


def _sessions(first: str = "2024-01-02", last: str = "2024-04-30") -> pd.DatetimeIndex:
    sessions, _ = sessions_and_closes(pd.Timestamp(first), pd.Timestamp(last))
    return sessions[(sessions >= first) & (sessions <= last)]


def _bars(ticker: str, closes: pd.Series) -> list[dict]:
    return [
        {"ticker": ticker, "date": d.date(), "close": c, "adj_close": c, "volume": 1000.0}
        for d, c in closes.items()
    ]


def _frozen_inputs(flows: pd.DataFrame | None = None) -> tuple[PanelInputs, pd.Series]:
    sessions = _sessions()
    rng = np.random.default_rng(3)
    iwm = pd.Series(200 * np.cumprod(1 + rng.normal(0, 0.01, len(sessions))), index=sessions)
    iwm[FROZEN_FROM:FROZEN_TO] = iwm[FROZEN_FROM]  # the feed stopped: one close, 7 sessions
    spy = pd.Series(400 * np.cumprod(1 + rng.normal(0, 0.01, len(sessions))), index=sessions)
    e = PanelInputs.empty()
    prices = pd.DataFrame(_bars("IWM", iwm) + _bars("SPY", spy))
    return PanelInputs(prices, e.flows if flows is None else flows, e.mentions, e.search), iwm


def test_a_frozen_close_run_is_dropped_as_missing(config) -> None:
    inputs, iwm = _frozen_inputs()
    panel = build_theme_panel(inputs, config, "small_caps")
    daily, weekly = panel.daily, panel.weekly
    repeats = daily.loc["2024-03-05":FROZEN_TO, "theme_return"]
    assert len(repeats) == 6 and repeats.isna().all()  # not six 0% days
    assert daily.loc[FROZEN_FROM, "theme_return"] == pytest.approx(iwm[FROZEN_FROM] / iwm["2024-03-01"] - 1)
    assert daily.loc["2024-03-05":FROZEN_TO, "dollar_volume"].isna().all()
    # the week ending Fri 03-08 has no last-session return: its weekly return is missing
    assert np.isnan(weekly.loc["2024-03-08", "theme_return"])
    assert np.isnan(weekly.loc["2024-03-08", "excess_return"])
    assert weekly.loc["2024-03-01", "theme_return"] == pytest.approx(
        iwm["2024-03-01"] / iwm["2024-02-23"] - 1
    )
    [flag] = panel.frozen
    assert (flag.check, flag.subject) == ("frozen_feed", "IWM")
    assert (flag.first, flag.last) == (dt.date(2024, 3, 4), dt.date(2024, 3, 12))
    assert "the 6 repeated closes after 2024-03-04 up to 2024-03-12 are dropped as missing" in flag.detail
    assert any(n.startswith("frozen feed: IWM: close unchanged at") for n in panel.notes)
    # SPY (the benchmark) moved every day: nothing of it is dropped
    assert daily.loc["2024-03-05":FROZEN_TO, "benchmark_return"].notna().all()


def test_a_run_shorter_than_the_threshold_is_kept() -> None:
    days = pd.bdate_range("2024-01-01", periods=12)
    closes = pd.Series([1, 2, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5], index=days, dtype=float)
    mask = repeat_mask(closes, 5)
    assert not mask.iloc[:7].any()  # four equal closes: a quiet market, not a frozen feed
    assert mask.iloc[7:].tolist() == [False, True, True, True, True]  # the first bar was observed
    frame = pd.DataFrame({"ticker": "X", "date": days, "close": closes})
    kept, [flag] = drop_frozen_prices(frame, 5)
    assert len(kept) == 8 and flag.subject == "X" and flag.first == days[7].date()


def test_no_look_ahead_the_check_as_of_a_date_uses_only_data_up_to_it(config) -> None:
    inputs, iwm = _frozen_inputs()
    # on 03-07 the close had repeated on 4 bars: not yet a frozen feed, the closes are used
    early = build_theme_panel(inputs, config, "small_caps", end=dt.date(2024, 3, 7))
    assert early.frozen == ()
    assert early.daily.loc["2024-03-05":"2024-03-07", "theme_return"].tolist() == [0.0, 0.0, 0.0]
    # the same from data cut at that date: a later bar never changes an earlier panel
    cut = build_theme_panel(cut_inputs(inputs, dt.date(2024, 3, 7)), config, "small_caps")
    pd.testing.assert_frame_equal(early.daily, cut.daily)
    # on 03-08 the fifth equal close makes it frozen, from its second bar on
    later = build_theme_panel(inputs, config, "small_caps", end=dt.date(2024, 3, 8))
    assert later.daily.loc["2024-03-05":"2024-03-08", "theme_return"].isna().all()
    assert [f.last for f in later.frozen] == [dt.date(2024, 3, 8)]  # the span known then
    # the stored-derivation form flags a day only from what was known that day
    flags = known_frozen(iwm, 5)
    assert flags[flags].index[0] == pd.Timestamp("2024-03-08")
    assert flags.iloc[: iwm.index.get_loc(pd.Timestamp("2024-03-08"))].sum() == 0


def test_frozen_shares_give_missing_flows_not_zero(config) -> None:
    sessions = _sessions()
    shares = pd.Series(1e6 + np.arange(len(sessions)) * 1000.0, index=sessions)
    shares["2024-02-01":"2024-02-12"] = shares["2024-02-01"]  # 8 sessions at one value
    derived = flows_from_shares(shares, pd.Series(100.0, index=sessions), stale_after=5)
    # the derivation (stored, day by day) flags only from the 5th unchanged session on
    assert (derived.loc["2024-02-02":"2024-02-06", "flow_usd"] == 0).all()
    flows = derived.reset_index(names="date").assign(ticker="IWM", method="shares_outstanding")
    flows["date"] = flows["date"].dt.date
    inputs, _ = _frozen_inputs(flows)
    panel = build_theme_panel(inputs, config, "small_caps")
    flow = panel.daily["flow_usd"]
    assert flow["2024-02-02":"2024-02-12"].isna().all()  # the whole frozen run: missing, not 0
    assert flow["2024-02-01"] == pytest.approx(1000 * 100.0)  # the change that set the value
    assert flow["2024-02-13"] == pytest.approx((shares["2024-02-13"] - shares["2024-02-12"]) * 100)
    assert np.isnan(panel.weekly.loc["2024-02-09", "flow_usd"])
    assert any("IWM's shares outstanding stopped changing" in n for n in panel.notes)
    # as of 02-06 the run had lasted 4 sessions: its zeros were zeros then
    early = build_theme_panel(inputs, config, "small_caps", end=dt.date(2024, 2, 6))
    assert (early.daily.loc["2024-02-02":"2024-02-06", "flow_usd"] == 0).all()


def test_derived_flows_are_not_priced_at_a_frozen_close(tmp_path: Path, config) -> None:
    from attention.derive.flows import derive_flows
    from attention.store import Store
    from collectors.core.records import PriceBar, Provenance, SharesOutstanding

    prov = Provenance("test", "t", dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    days = list(_sessions("2024-01-02", "2024-01-12"))  # 9 sessions
    closes = [10.0, 11, 12, 12, 12, 12, 12, 13, 14]  # 12 on 5 bars from 01-04: frozen on 01-10
    with Store(tmp_path / "s.duckdb") as store:
        store.write(
            [
                PriceBar("IWM", d.date(), c, c, c, c, c, 1.0, "test", prov)
                for d, c in zip(days, closes, strict=True)
            ]
        )
        store.write(
            [SharesOutstanding("IWM", d.date(), 100.0 + 10 * i, "test", prov) for i, d in enumerate(days)]
        )
        derive_flows(store, config)
        flows = store.query("SELECT date, flow_usd FROM flows WHERE ticker = 'IWM' ORDER BY date")
    by_day = dict(zip(pd.to_datetime(flows["date"]), flows["flow_usd"], strict=True))
    assert by_day[pd.Timestamp("2024-01-09")] == pytest.approx(10 * 12.0)  # 4 equal closes: used
    assert np.isnan(by_day[pd.Timestamp("2024-01-10")])  # the 5th: a frozen close, no price
    assert by_day[pd.Timestamp("2024-01-11")] == pytest.approx(10 * 13.0)


def test_the_preis_rule_never_trades_at_a_frozen_close() -> None:
    weeks = pd.to_datetime(["2024-01-06", "2024-01-13", "2024-01-20", "2024-01-27", "2024-02-03"])
    search = pd.Series([10, 20, 30, 50, 10], index=weeks, dtype=float)
    days = pd.bdate_range("2024-01-22", "2024-02-16")
    prices = pd.Series([95.0 + 0.25 * (i % 3) for i in range(len(days))], index=days)
    prices["2024-01-29"], prices["2024-02-05"], prices["2024-02-12"] = 100.0, 90.0, 99.0
    assert len(preis_backtest(search, prices, n_random=0).trades) == 2
    prices["2024-02-05":"2024-02-12"] = 90.0  # frozen from the second trade's entry on
    result = preis_backtest(search, prices, n_random=0)
    # the first trade exits at 02-05, the bar that set the value: still a real close; the
    # second would exit at 02-12, a repeat of a frozen feed: not traded
    assert [t.exit_date for t in result.trades] == [pd.Timestamp("2024-02-05")]
    assert any(n.startswith("frozen prices: close unchanged at 90 for 6") for n in result.notes)


@pytest.mark.shared
def test_real_index_closes_have_no_frozen_run_and_an_injected_one_is_found(shared_data: Path) -> None:
    folder = shared_data / "prices_indices_yf_2000-2022"
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, parse_dates=["Date"])
        assert frozen_runs(frame.set_index("Date")["Close"], 5) == [], path.name
    frame = pd.read_csv(folder / "IWM.csv", parse_dates=["Date"])
    recent = frame[frame["Date"] >= "2022-01-01"].rename(columns={"Date": "date", "Close": "close"})
    recent = recent.assign(ticker="IWM").reset_index(drop=True)
    stuck = recent["date"].between("2022-06-13", "2022-06-24")  # 9 sessions (06-20 a holiday)
    recent.loc[stuck, "close"] = recent.loc[stuck, "close"].iloc[0]
    kept, [flag] = drop_frozen_prices(recent, 5)
    assert len(recent) - len(kept) == int(stuck.sum()) - 1
    assert (flag.first, flag.last) == (dt.date(2022, 6, 13), dt.date(2022, 6, 24))


def test_the_demo_worlds_prices_never_look_frozen(config) -> None:
    from attention.sandbox.world import World

    world = World(config, dt.date(2023, 1, 2), dt.date(2024, 6, 28))
    for ticker in config.all_tickers():
        closes = world.prices(ticker)["close"]
        assert frozen_runs(closes, 5) == [], ticker


def test_import_prices_says_so_and_stores_the_flag(tmp_path: Path, default_config_path: Path) -> None:
    from typer.testing import CliRunner

    from attention.cli import app
    from attention.store import Store

    days = _sessions("2024-01-02", "2024-02-29")
    closes = [100.0 + i for i in range(len(days))]
    closes[10:17] = [closes[10]] * 7  # one close on 7 sessions
    text = "Date,Close,Volume\n" + "".join(
        f"{d.date()},{c},1000\n" for d, c in zip(days, closes, strict=True)
    )
    (tmp_path / "IWM.csv").write_text(text)
    store = tmp_path / "s.duckdb"
    out = CliRunner().invoke(
        app,
        [
            "import",
            "prices",
            str(tmp_path / "IWM.csv"),
            "-c",
            str(default_config_path),
            "--store",
            str(store),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "frozen feed: IWM: close unchanged at 110 for 7 consecutive dates" in out.output
    with Store(store, read_only=True) as opened:
        flags = opened.data_flags()
    [row] = flags[flags["check_name"] == "frozen_feed"].to_dict("records")
    assert row["subject"] == "IWM" and str(row["first_date"])[:10] == str(days[10].date())
    assert str(row["last_date"])[:10] == str(days[16].date())
    assert "the 6 repeated closes after" in row["detail"] and "dropped as missing" in row["detail"]


def test_a_frozen_shares_run_is_unknown_across_gaps_and_short_zero_runs_stay_zero() -> None:
    from attention.checks.feeds import frozen_flows_missing

    days = pd.bdate_range("2024-01-01", periods=11).date
    flow = [5.0, 0.0, 0.0, np.nan, 0.0, np.nan, 3.0, 0.0, 0.0, 0.0, 2.0]
    stale = [False] * 5 + [True] + [False] * 5  # the derivation flagged the run on its 5th day
    flows = pd.DataFrame(
        {"ticker": "IWM", "date": days, "method": "shares_outstanding", "flow_usd": flow, "stale": stale}
    )
    out = frozen_flows_missing(flows, 5)
    assert out["stale"].tolist() == [False] + [True] * 5 + [False] * 5
    # three zeros and no stale day: a quiet ETF, its zeros are real
    assert out.loc[7:9, "flow_usd"].tolist() == [0.0, 0.0, 0.0] and not out.loc[7:9, "stale"].any()
    imported = flows.assign(method="import", stale=False, flow_usd=[1.0] + [0.0] * 6 + [4.0] * 4)
    assert frozen_flows_missing(imported, 5)["stale"].tolist() == [False] + [True] * 6 + [False] * 4
