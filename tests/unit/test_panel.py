"""The panel: lookahead-safe alignment, returns, flows, text and search columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.config import load_config
from attention.panel.build import PanelInputs, build_panels, build_theme_panel
from attention.panel.columns import asvi
from attention.store import Store

SESSIONS = pd.DatetimeIndex(
    [
        "2024-06-28",
        "2024-07-01",
        "2024-07-02",
        "2024-07-03",
        "2024-07-05",
        "2024-07-08",
        "2024-07-09",
        "2024-07-10",
        "2024-07-11",
        "2024-07-12",
    ]
)  # 07-04 is a holiday


@pytest.fixture
def config(default_config_path: Path):
    return load_config(default_config_path)


def _prices(
    tickers: dict[str, list[float]], sessions: pd.DatetimeIndex = SESSIONS, dollar_volume: float | None = None
) -> pd.DataFrame:
    """Bars of ``tickers``; volume 1,000, or ``dollar_volume / close`` when that is given."""
    rows = [
        {
            "ticker": t,
            "date": d.date(),
            "close": c,
            "adj_close": c,
            "volume": 1000.0 if dollar_volume is None else dollar_volume / c,
        }
        for t, closes in tickers.items()
        for d, c in zip(sessions, closes, strict=True)
    ]
    return pd.DataFrame(rows)


def _wiggle(n: int) -> list[float]:
    """Closes that move every session (a close repeated on 5 bars is a frozen feed, dropped)."""
    return [100.0 + 0.5 * (i % 2) for i in range(n)]


def _inputs(prices=None, flows=None, mentions=None, search=None, coverage=None) -> PanelInputs:
    e = PanelInputs.empty()
    return PanelInputs(
        e.prices if prices is None else prices,
        e.flows if flows is None else flows,
        e.mentions if mentions is None else mentions,
        e.search if search is None else search,
        e.coverage if coverage is None else coverage,
    )


def _coverage(*spans: tuple[str, str], source: str = "reddit") -> pd.DataFrame:
    """Coverage rows of one source, one unit, UTC spans given as strings."""
    return pd.DataFrame(
        {
            "source": source,
            "unit_kind": "subreddit",
            "unit": "wallstreetbets",
            "span_start": pd.to_datetime([a for a, _ in spans], utc=True),
            "span_end": pd.to_datetime([b for _, b in spans], utc=True),
        }
    )


def _flat_prices() -> pd.DataFrame:
    """Prices that move every session with a constant dollar volume of 100,000."""
    return _prices({"IWM": _wiggle(10), "SPY": _wiggle(10)}, dollar_volume=100_000.0)


def test_prices_only_returns_and_weekly_compounding(config) -> None:
    iwm = [100, 101, 102, 101, 103, 104, 104, 105, 106, 107]
    spy = [200, 200, 202, 202, 202, 204, 204, 204, 204, 206]
    panel = build_theme_panel(_inputs(_prices({"IWM": iwm, "SPY": spy})), config, "small_caps")
    daily, weekly = panel.daily, panel.weekly
    assert list(daily.index) == list(SESSIONS)
    assert daily.loc["2024-07-05", "theme_return"] == pytest.approx(103 / 101 - 1)
    assert daily.loc["2024-07-05", "excess_return"] == pytest.approx(103 / 101 - 1)
    # week ending Fri 07-05 (holiday Thursday): 100 -> 103 for IWM, 200 -> 202 for SPY
    assert weekly.loc["2024-07-05", "theme_return"] == pytest.approx(0.03)
    assert weekly.loc["2024-07-05", "excess_return"] == pytest.approx(0.03 - 0.01)
    assert weekly.loc["2024-07-05", "n_sessions"] == 4
    assert weekly.loc["2024-07-12", "theme_return"] == pytest.approx(107 / 103 - 1)
    assert daily.loc["2024-07-01", "dollar_volume"] == pytest.approx(101_000)
    for col in ("search", "reddit_mentions", "news_sentiment", "attention_index", "flow_usd"):
        assert daily[col].isna().all() and weekly[col].isna().all()
    assert "no search interest" in panel.notes


def test_basket_weights_renormalise_over_listed_members(config) -> None:
    # unchanged on 07-08 and 07-12, never on 5 bars in a row (that would be a frozen feed)
    still = [100.0, 100.0, 100.0, 101.0, 101.0, 101.0, 101.0, 100.0, 100.0, 100.0]
    members = {t: still for t in ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META"]}
    members["AAPL"] = [100.0, 100.0, 101.0, 101.0, 100.0, 110.0, 110.0, 110.0, 111.0, 111.0]  # +10% 07-08
    tsla = _prices({"TSLA": [50.0, 55.0]}, SESSIONS[-2:])  # lists on 07-11, +10% on 07-12
    prices = pd.concat([_prices(members | {"SPY": still}), tsla])
    daily = build_theme_panel(_inputs(prices), config, "magnificent_seven").daily
    assert daily.loc["2024-07-08", "theme_return"] == pytest.approx(0.10 / 6)
    assert daily.loc["2024-07-12", "theme_return"] == pytest.approx(0.10 / 7)


def test_flows_missing_and_stale_stay_nan_and_import_wins(config) -> None:
    flows = pd.DataFrame(
        [
            {
                "ticker": "IWM",
                "date": d.date(),
                "method": "shares_outstanding",
                "flow_usd": 5.0,
                "stale": False,
            }
            for d in SESSIONS
            if d != pd.Timestamp("2024-07-09")
        ]
    )
    flows.loc[flows["date"] == dt.date(2024, 7, 2), "stale"] = True
    imported = pd.DataFrame(
        [{"ticker": "IWM", "date": dt.date(2024, 7, 1), "method": "import", "flow_usd": -7.0, "stale": False}]
    )
    panel = build_theme_panel(_inputs(_flat_prices(), pd.concat([flows, imported])), config, "small_caps")
    daily, weekly = panel.daily["flow_usd"], panel.weekly["flow_usd"]
    assert daily["2024-07-01"] == -7.0  # the user's import wins
    assert np.isnan(daily["2024-07-02"])  # stale is unknown, not zero
    assert np.isnan(daily["2024-07-09"])  # missing is unknown, not zero
    assert daily["2024-07-03"] == 5.0
    assert np.isnan(weekly["2024-07-05"]) and np.isnan(weekly["2024-07-12"])
    assert weekly["2024-06-28"] == 5.0


def _item(
    ts: str,
    theme: str = "small_caps",
    item_id: str | None = None,
    source: str = "reddit",
    compound: float = 0.5,
) -> dict:
    return {
        "source": source,
        "item_id": item_id or ts + theme,
        "theme": theme,
        "created_utc": pd.Timestamp(ts, tz="UTC"),
        "compound": compound,
        "scoreable": True,
    }


def test_text_items_count_toward_the_first_close_after_them(config) -> None:
    mentions = pd.DataFrame(
        [
            _item("2024-07-03 16:59:59"),  # 12:59:59 New York on an early-close day -> 07-03
            _item("2024-07-03 17:00:00"),  # 13:00 New York: after the early close -> 07-05
            _item("2024-07-05 19:59:00", compound=-0.5),  # 15:59 New York -> Friday's close
            _item("2024-07-05 20:00:00"),  # 16:00 New York -> next session, Monday 07-08
            _item("2024-07-06 15:00:00"),  # Saturday -> Monday
            _item("2024-07-06 15:00:00", theme="ai_stocks", item_id="x"),
            _item("2024-07-06 15:00:01", theme="ai_stocks", item_id="y"),
            _item("2024-07-10 15:00:00", theme="ai_stocks", item_id="z"),
        ]
    )
    # watched from Friday 06-28's close (20:00 UTC) to Wednesday 07-10's close
    coverage = _coverage(("2024-06-28 20:00", "2024-07-10 20:00"))
    panel = build_theme_panel(
        _inputs(_flat_prices(), mentions=mentions, coverage=coverage), config, "small_caps"
    )
    counts = panel.daily["reddit_mentions"]
    assert counts["2024-07-03"] == 1 and counts["2024-07-05"] == 2 and counts["2024-07-08"] == 2
    assert counts["2024-07-09"] == 0 and counts["2024-07-01"] == 0  # watched, nothing: a real zero
    assert np.isnan(counts["2024-07-11"])  # after the coverage: unknown
    assert np.isnan(counts["2024-06-28"])  # before the coverage: unknown
    assert panel.daily.loc["2024-07-09", "reddit_coverage"] == 1.0
    assert panel.daily.loc["2024-07-11", "reddit_coverage"] == 0.0
    assert panel.daily.loc["2024-07-08", "reddit_share"] == pytest.approx(2 / 4)
    assert panel.daily.loc["2024-07-05", "reddit_sentiment"] == pytest.approx(0.0)
    assert panel.weekly.loc["2024-07-05", "reddit_mentions"] == 3
    assert panel.daily["news_mentions"].isna().all()
    assert panel.daily["attention_index"].notna().any()


def _search(rows: list[tuple[str, str, str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["term", "date", "granularity", "value", "is_partial"])


def test_daily_search_is_usable_the_session_after_its_day(config) -> None:
    search = _search(
        [
            ("IWM", "2024-07-03", "day", 10.0, False),
            ("Russell 2000", "2024-07-03", "day", 30.0, False),
            ("IWM", "2024-07-05", "day", 40.0, False),
            ("IWM", "2024-07-06", "day", 60.0, False),
            ("IWM", "2024-07-08", "day", 99.0, True),
        ]
    )  # partial: never used
    daily = build_theme_panel(_inputs(_flat_prices(), search=search), config, "small_caps").daily["search"]
    assert np.isnan(daily["2024-07-03"])
    assert daily["2024-07-05"] == pytest.approx(20.0)  # Wed 07-03, both terms, mean
    assert daily["2024-07-08"] == pytest.approx(50.0)  # Fri and Sat land on Monday
    assert np.isnan(daily["2024-07-09"])  # Monday's value was partial


def test_weekly_search_lands_in_the_trading_week_after_it_ends(config) -> None:
    search = _search(
        [
            ("IWM", "2024-06-29", "week", 10.0, False),  # Sun 06-23..Sat 06-29
            ("IWM", "2024-07-06", "week", 20.0, False),  # Sun 06-30..Sat 07-06
            ("IWM", "2024-07-13", "week", 30.0, True),
        ]
    )  # partial week
    panel = build_theme_panel(_inputs(_flat_prices(), search=search), config, "small_caps")
    weekly = panel.weekly["search"]
    assert np.isnan(weekly["2024-06-28"])
    assert weekly["2024-07-05"] == 10.0  # usable Monday 07-01: in the week ending 07-05
    assert weekly["2024-07-12"] == 20.0  # usable Monday 07-08
    daily = panel.daily["search"]
    assert np.isnan(daily["2024-06-28"]) and daily["2024-07-01"] == 10.0
    assert daily["2024-07-05"] == 10.0 and daily["2024-07-08"] == 20.0


def test_asvi_by_hand() -> None:
    values = pd.Series([10, 12, 8, 11, 9, 10, 13, 7, 20, 5], dtype=float)
    out = asvi(values)
    assert out.iloc[:8].isna().all()
    assert out.iloc[8] == pytest.approx(np.log(20) - np.log(10.0))  # median of the 8 before
    assert out.iloc[9] == pytest.approx(np.log(5) - np.log(10.5))


def test_build_panels_reads_a_store_read_only(tmp_path: Path, config) -> None:
    path = tmp_path / "a.duckdb"
    with Store(path) as store:
        store.upsert_frame("prices", _flat_prices(), ["ticker", "date"])
    panels = build_panels(path, config)
    assert set(panels) == set(config.themes)
    assert panels["small_caps"].daily["theme_return"].notna().sum() == 9
    assert panels["ai_stocks"].daily["theme_return"].isna().all()
    empty = build_panels(Store(tmp_path / "b.duckdb"), config)["small_caps"]
    assert empty.daily.empty and "no data" in empty.notes[0]


def test_start_drops_history_instead_of_piling_it_into_the_first_session(config) -> None:
    search = _search(
        [
            ("IWM", "2024-06-27", "day", 90.0, False),  # usable 06-28: before start
            ("IWM", "2024-06-28", "day", 10.0, False),  # Fri: usable Mon 07-01
            ("IWM", "2024-06-30", "day", 30.0, False),
        ]
    )  # Sun: usable Mon 07-01
    flows = pd.DataFrame(
        [
            {"ticker": "IWM", "date": d.date(), "method": "import", "flow_usd": 5.0, "stale": False}
            for d in SESSIONS
        ]
    )
    inputs = _inputs(_flat_prices(), flows, search=search)
    full = build_theme_panel(inputs, config, "small_caps")
    panel = build_theme_panel(inputs, config, "small_caps", start=dt.date(2024, 7, 1))
    daily = panel.daily
    assert daily.index[0] == pd.Timestamp("2024-07-01")
    assert daily.loc["2024-07-01", "dollar_volume"] == pytest.approx(100_000)  # not 2 days
    assert daily.loc["2024-07-01", "flow_usd"] == 5.0
    assert daily.loc["2024-07-01", "search"] == pytest.approx(20.0)  # 06-27 is not in it
    assert np.isnan(daily.loc["2024-07-01", "theme_return"])  # no close before the panel
    pd.testing.assert_frame_equal(
        panel.daily.loc["2024-07-02":, ["dollar_volume", "flow_usd"]],
        full.daily.loc["2024-07-02":, ["dollar_volume", "flow_usd"]],
    )
    assert panel.weekly.loc["2024-07-05", "dollar_volume"] == pytest.approx(4 * 100_000)
    # at the first session of a year the session before it is in the previous year
    new_year = pd.DatetimeIndex(["2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03"])
    prices = _prices({"IWM": [100.0] * 4, "SPY": [100.0] * 4}, new_year)
    early = build_theme_panel(_inputs(prices), config, "small_caps", start=dt.date(2024, 1, 2))
    assert early.daily["dollar_volume"].tolist() == pytest.approx([100_000, 100_000])
    after = build_theme_panel(inputs, config, "small_caps", start=dt.date(2024, 7, 13))
    assert after.daily.empty and "no trading session" in after.notes[0]


def test_weekly_abnormal_volume_is_per_session(config) -> None:
    from attention.calendar import sessions_and_closes

    sessions = sessions_and_closes(dt.date(2024, 1, 2), dt.date(2024, 7, 12))[0]
    sessions = sessions[(sessions >= "2024-01-02") & (sessions <= "2024-07-12")]
    moving = _wiggle(len(sessions))
    weekly = build_theme_panel(
        _inputs(_prices({"IWM": moving, "SPY": moving}, sessions, dollar_volume=100_000.0)),
        config,
        "small_caps",
    ).weekly
    # same volume every session: nothing is abnormal, holiday weeks included
    assert weekly.loc["2024-07-05", "n_sessions"] == 4  # Independence Day
    assert weekly.loc["2024-03-28", "n_sessions"] == 4  # Good Friday
    known = weekly["abnormal_volume"].dropna()
    assert len(known) >= 10 and {"2024-03-28", "2024-07-05"} <= {str(d.date()) for d in known.index}
    np.testing.assert_allclose(known.to_numpy(), 0.0, atol=1e-12)


def test_a_week_with_a_session_of_unknown_volume_has_no_weekly_dollar_volume(config) -> None:
    prices = _flat_prices()
    gap = prices["date"] == dt.date(2024, 7, 9)  # the proxy has no bar that Tuesday
    panel = build_theme_panel(_inputs(prices[~(gap & (prices["ticker"] == "IWM"))]), config, "small_caps")
    assert np.isnan(panel.daily.loc["2024-07-09", "dollar_volume"])
    assert np.isnan(panel.weekly.loc["2024-07-12", "dollar_volume"])  # not 4 sessions read as 5
    assert panel.weekly.loc["2024-07-05", "dollar_volume"] == pytest.approx(4 * 100_000)
