"""A store of real prices imported through the CLI, shared by the tests that read market context,
charts and the report on them: IWM, SPY (and QQQ) from the index CSVs (all end 2022-11-18) and
TSLA (2022-06..2024-06) as the only priced member of the seven-stock basket."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import packaged_default_path


def real_price_config(
    shared_data: Path, tmp_path: Path, *, removed_iwm_bar: str | None = None, qqq: bool = False
) -> Path:
    """Write a config with the small-caps and seven-stock themes whose store holds the real
    prices, optionally without IWM's bar of ``removed_iwm_bar`` (YYYY-MM-DD); return its path."""
    raw = yaml.safe_load(packaged_default_path().read_text())
    raw["store"]["path"] = str(tmp_path / "store.duckdb")
    raw["themes"] = {k: raw["themes"][k] for k in ("small_caps", "magnificent_seven")}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    prices = shared_data / "prices_indices_yf_2000-2022"
    iwm = prices / "IWM.csv"
    if removed_iwm_bar is not None:
        lines = iwm.read_text().splitlines()
        iwm = tmp_path / "IWM.csv"
        iwm.write_text("\n".join(x for x in lines if not x.startswith(removed_iwm_bar)) + "\n")
    indices = [str(iwm), str(prices / "SPY.csv")] + ([str(prices / "QQQ.csv")] if qqq else [])
    tsla = shared_data / "tsla_gdelt_news_prices_2022-2024" / "TSLA.csv"
    runner = CliRunner()
    for args in (indices, [str(tsla), "--ticker", "TSLA"]):
        result = runner.invoke(app, ["import", "prices", *args, "-c", str(config)])
        assert result.exit_code == 0, result.output
    return config
