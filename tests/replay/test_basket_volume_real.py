"""Abnormal volume of a basket whose members' prices start at different dates, on real bars:
QQQ (from 2000) and TSLA (from 2022-06-27) as a two-member basket (issue 15: aggregates over
partly covered periods must not add what is there). Summing the members' dollar volume made
TSLA's first bar a jump in "volume" (+0.69 on 2022-06-27 where QQQ's own was -0.18; weekly
-0.39 to +0.44) that nobody traded; each member against its own trailing mean, averaged over
the members that have one, has none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from attention.config import Proxy, load_config
from attention.panel.build import PanelInputs, build_theme_panel

pytestmark = pytest.mark.shared


def _bars(path: Path, ticker: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    frame = frame.rename(columns={frame.columns[0]: "Date"})
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.to_datetime(frame["Date"]).dt.date,
            "close": frame["Close"].astype(float),
            "adj_close": frame["Close"].astype(float),
            "volume": frame["Volume"].astype(float),
        }
    )


def test_a_member_listing_later_is_not_abnormal_volume(shared_data: Path, default_config_path: Path) -> None:
    qqq = _bars(shared_data / "prices_indices_yf_2000-2022" / "QQQ.csv", "QQQ")
    spy = _bars(shared_data / "prices_indices_yf_2000-2022" / "SPY.csv", "SPY")
    tsla = _bars(shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA.csv", "TSLA")
    prices = pd.concat([qqq[qqq["date"] >= pd.Timestamp("2022-01-01").date()], spy, tsla])
    config = load_config(default_config_path)
    theme = config.themes["ai_stocks"].model_copy(update={"proxy": Proxy(tickers=["QQQ", "TSLA"])})
    config = config.model_copy(update={"themes": {"ai_stocks": theme}})
    e = PanelInputs.empty()
    panel = build_theme_panel(PanelInputs(prices, e.flows, e.mentions, e.search), config, "ai_stocks")
    daily = panel.daily.loc["2022-06-01":"2022-11-18"]
    # the dollar volume is the sum of the members priced, and says how much was priced
    listing = pd.Timestamp("2022-06-27")
    assert daily.loc[listing, "dollar_volume"] > 2 * daily.loc["2022-06-24", "dollar_volume"]
    assert daily.loc["2022-06-24", "basket_weight"] == 0.5
    # abnormal volume on TSLA's first bars is QQQ's own (TSLA has no trailing mean yet)
    qqq_dv = qqq.set_index(pd.to_datetime(qqq["date"]))
    qqq_dv = (qqq_dv["close"] * qqq_dv["volume"]).loc["2022-01-01":]
    qqq_abnormal = np.log(qqq_dv / qqq_dv.shift(1).rolling(20, min_periods=10).mean())
    assert daily.loc[listing, "abnormal_volume"] == pytest.approx(qqq_abnormal.loc[listing])
    assert daily.loc[listing, "abnormal_volume"] < 0  # a summed volume gave +0.69
    # weekly: no jump in the week TSLA starts either (a summed volume went -0.39 -> +0.44)
    weekly = panel.weekly["abnormal_volume"].loc["2022-06-24":"2022-07-08"]
    assert (weekly < 0).all() and weekly.diff().abs().max() < 0.2, weekly
