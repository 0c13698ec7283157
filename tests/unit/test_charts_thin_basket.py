"""A thin basket is marked on the performance chart itself (its panel title) and in the
chart's caption (issue 15: a basket priced for under 80% of its weight is the priced members'
return, not the basket's)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.report import charts
from attention.report.captions import thin_basket_note
from tests.real_prices import real_price_config

DAYS = pd.bdate_range("2024-01-02", periods=5)


def test_the_note_follows_the_last_priced_session() -> None:
    members = ["AAA", "BBB", "CCC"]
    thin = pd.Series([1.0, 1.0, 0.5, 0.0, float("nan")], index=DAYS)  # last priced: 50%
    assert thin_basket_note(thin, members) == "thin basket: 50% of its weight priced"
    recovered = pd.Series([0.5, 0.5, 0.8, 0.0, 0.0], index=DAYS)  # 80% is not under the threshold
    assert thin_basket_note(recovered, members) is None
    assert thin_basket_note(thin, ["IWM"]) is None  # a single-ticker proxy is not a basket
    assert thin_basket_note(None, members) is None
    assert thin_basket_note(pd.Series(0.0, index=DAYS), members) is None  # never priced: no line drawn


@pytest.mark.shared
def test_real_tsla_alone_marks_the_seven_stock_basket_on_the_chart(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = real_price_config(shared_data, tmp_path)
    runner = CliRunner()
    titles: list[list[str]] = []
    real_lay_out = charts.lay_out

    def recording(fig: Any, title: str, *args: Any, **kwargs: Any) -> None:
        if title.startswith("Themes vs"):
            titles.append([ax.get_title(loc="left") for ax in fig.axes])
        real_lay_out(fig, title, *args, **kwargs)

    monkeypatch.setattr(charts, "lay_out", recording)
    out = tmp_path / "report"
    done = runner.invoke(app, ["report", "-c", str(config), "--date", "2022-11-18", "--out", str(out)])
    assert done.exit_code == 0, done.output
    # TSLA is one of seven equal weights: 1/7 = 14% of the basket priced
    assert titles and all(
        t[:2] == ["Small caps", "Magnificent Seven (thin basket: 14% of its weight priced)"] for t in titles
    )
    page = (out / "attention-report-2022-11-18.html").read_text()
    caption = re.search(r'<figure id="chart-performance">.*?<figcaption>(.*?)</figcaption>', page, re.S)
    assert caption is not None
    text = html.unescape(caption.group(1))
    assert "Magnificent Seven: only 14% of the basket's weight priced on its last priced session" in text
    assert "so its line is the return of the members priced" in text and "Small caps:" not in text
    print(text)
