"""`attention status` names the proxy members that have no price at all, and says so plainly
when no member of a theme's basket has any (issue 15: the AI-stocks basket with no prices),
as the report's data-quality section and the verdicts do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import packaged_default_path
from attention.store import Store

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    raw = yaml.safe_load(packaged_default_path().read_text())
    raw["store"]["path"] = str(tmp_path / "store.duckdb")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    return config


@pytest.mark.shared
def test_status_names_baskets_without_prices_on_real_prices(shared_data: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    prices = shared_data / "prices_indices_yf_2000-2022"
    tsla = shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA.csv"
    for args in ([str(prices / "IWM.csv"), str(prices / "SPY.csv")], [str(tsla), "--ticker", "TSLA"]):
        done = runner.invoke(app, ["import", "prices", *args, "-c", str(config)])
        assert done.exit_code == 0, done.output
    facts = json.loads(runner.invoke(app, ["status", "-c", str(config), "--json"]).output)
    by_theme = {row["theme"]: row for row in facts["unpriced"]}
    assert "small_caps" not in by_theme  # IWM is priced
    assert by_theme["ai_stocks"]["none_priced"] is True
    assert by_theme["ai_stocks"]["unpriced"] == ["NVDA", "AVGO", "AMD", "PLTR", "TSM", "ARM"]
    mag = by_theme["magnificent_seven"]
    assert mag["none_priced"] is False and "TSLA" not in mag["unpriced"] and len(mag["unpriced"]) == 6
    shown = runner.invoke(app, ["status", "-c", str(config)], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "prices: 2 theme(s) with proxy members never priced" in text
    assert (
        "AI stocks: no member of the proxy (NVDA, AVGO, AMD, PLTR, TSM, ARM) has any price: no theme return"
        in text
    )
    assert "Magnificent Seven: no price at all for AAPL, MSFT, GOOGL, AMZN, NVDA, META (of " in text
    print(shown.output)


def test_status_of_a_store_without_prices_says_it_once(tmp_path: Path) -> None:
    config = _config(tmp_path)
    Store(tmp_path / "store.duckdb").close()  # an empty store, migrated
    shown = runner.invoke(app, ["status", "-c", str(config)], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "prices: none stored yet, so no theme has a return" in shown.output
    assert "no member of the proxy" not in shown.output
