"""Market context on real prices, as a user gets it through the CLI (issue 15, items 3 and 4):
real IWM closes with one bar removed, SPY and QQQ (all end 2022-11-18) and real TSLA closes
(2022-06..2024-06) as the only priced member of the seven-stock basket.

What must hold: the stored and exported context rows carry the date asked for, whether the
data is stale and by how many sessions, the sessions missing inside the streak and the share
of the basket priced; the context of the basket priced at 14% says its figures are TSLA's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.cli import app
from tests.real_prices import real_price_config

pytestmark = pytest.mark.shared
REMOVED = "2022-11-10"


def _setup(shared_data: Path, tmp_path: Path) -> Path:
    return real_price_config(shared_data, tmp_path, removed_iwm_bar=REMOVED, qqq=True)


def test_real_context_rows_carry_asof_staleness_and_basket_weight(shared_data: Path, tmp_path: Path) -> None:
    config = _setup(shared_data, tmp_path)
    runner = CliRunner()
    # without the 11-10 bar, IWM's move from 11-09 to 11-11 beat SPY's: a 1-session streak that
    # spans the missing bar, exported in the JSON
    out = runner.invoke(app, ["context", "-c", str(config), "--asof", "2022-11-11", "--json"])
    assert out.exit_code == 0, out.output
    small = json.loads(out.stdout)["small_caps"]["context"]
    assert (small["streak"], small["streak_gaps"]) == (1, [REMOVED])
    out = runner.invoke(app, ["context", "-c", str(config), "--asof", "2022-11-25", "--json"])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.stdout)
    mag = shown["magnificent_seven"]["context"]
    assert mag["basket_weight"] == pytest.approx(1 / 7)
    thin = [n for n in mag["notes"] if n.startswith("thin basket: ")]
    assert thin == [
        "thin basket: prices for 14% of the basket's weight on 2022-11-18 (TSLA priced; none for "
        "AAPL, MSFT, GOOGL, AMZN, NVDA, META): every figure here is that of the priced members, "
        "not of the whole basket"
    ]
    assert shown["small_caps"]["context"]["basket_weight"] is None  # one ETF: not a basket
    # analyze (no date given): judged against the run date, years after the files end
    analyzed = runner.invoke(app, ["analyze", "-c", str(config)])
    assert analyzed.exit_code == 0, analyzed.output
    folder = tmp_path / "exp"
    exported = runner.invoke(app, ["export", "-c", str(config), "--out", str(folder), "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    rows = pd.read_csv(folder / "context.csv").set_index("theme")
    today = dt.datetime.now(dt.UTC).date()
    for theme in ("small_caps", "magnificent_seven"):
        row = rows.loc[theme]
        assert row["as_of"] == "2022-11-18" and row["requested"] == today.isoformat()
        assert bool(row["stale"]) and row["stale_sessions"] > 1000
        assert "stale: the latest prices are from 2022-11-18" in row["notes"]
    assert rows.loc["magnificent_seven", "basket_weight"] == pytest.approx(1 / 7)
    assert rows.loc["magnificent_seven", "data_from"] == "2022-06-27"
    assert pd.isna(rows.loc["small_caps", "basket_weight"])
    assert json.loads(rows.loc["small_caps", "streak_gaps"]) == []
