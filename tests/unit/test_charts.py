"""Charts: every chart is drawn from a full set of data, each is a readable PNG, and a chart
whose data is missing is skipped with a reason instead of failing the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from attention.analysis.run import analyze
from attention.config import Config, load_config
from attention.panel.build import PanelInputs, build_theme_panel
from attention.report.charts_analysis import CHARTS, render_charts
from attention.report.data import ReportData
from attention.sandbox.world import World
from attention.sandbox.world_text import posts_for_day

REPO = Path(__file__).resolve().parents[2]
END = dt.date(2025, 6, 30)


def world_inputs(config: Config, days: int = 500, text_days: int = 60) -> PanelInputs:
    """Panel inputs straight from a simulated world (no HTTP, no store)."""
    world = World(config, END - dt.timedelta(days=days - 1), END, seed=5)
    prices = pd.concat(
        [world.prices(t).reset_index(names="date").assign(ticker=t) for t in config.all_tickers()]
    )
    shares, close = world.shares_outstanding("IWM"), world.prices("IWM")["close"]
    flows = pd.DataFrame(
        {
            "ticker": "IWM",
            "date": shares.index[1:],
            "method": "so",
            "flow_usd": (shares.diff() * close).iloc[1:].to_numpy(),
            "stale": False,
        }
    )
    search = pd.concat(
        [
            pd.DataFrame(
                {
                    "term": term,
                    "date": world.calendar_days,
                    "granularity": "day",
                    "value": world.search_truth(term).to_numpy(),
                    "is_partial": False,
                }
            )
            for theme in config.themes.values()
            for term in theme.search_terms
        ]
    )
    rows = []
    for i in range(text_days):
        for text in posts_for_day(world, END - dt.timedelta(days=i)):
            if text.theme:
                rows.append(
                    {
                        "source": "reddit",
                        "item_id": text.item_id,
                        "created_utc": text.created_utc,
                        "theme": text.theme,
                        "compound": float(np.tanh(text.score / 50 - 1)),
                        "scoreable": True,
                    }
                )
    # the simulated Reddit was watched, every configured subreddit, over the days it wrote
    first = dt.datetime.combine(END - dt.timedelta(days=text_days - 1), dt.time(), tzinfo=dt.UTC)
    last = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    coverage = pd.DataFrame(
        {
            "source": "reddit",
            "unit_kind": "file",  # read whole, like a dump file
            "unit": "the simulated world's posts",
            "span_start": [pd.Timestamp(first)],
            "span_end": [pd.Timestamp(last)],
        }
    )
    return PanelInputs(prices, flows, pd.DataFrame(rows), search, coverage)


def report_data(config: Config, inputs: PanelInputs, analysis: object = None) -> ReportData:
    panels = {k: build_theme_panel(inputs, config, k, end=END) for k in config.themes}
    empty = pd.DataFrame()
    return ReportData(
        config, END, panels, analysis, empty, empty, empty, empty, Path("test.duckdb"), simulated=True
    )


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml")


@pytest.fixture(scope="module")
def full(config: Config) -> ReportData:
    inputs = world_inputs(config)
    return report_data(config, inputs, analyze(inputs, config, END))


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_every_chart_is_drawn_as_a_readable_png(full: ReportData, tmp_path: Path) -> None:
    results = render_charts(full, tmp_path)
    assert [r.name for r in results] == [name for name, _, _ in CHARTS]
    for result in results:
        assert result.drawn, f"{result.name} skipped: {result.skipped}"
        assert result.path is not None and result.path.read_bytes() == result.png
        image = _image(result.png).convert("RGB")
        assert image.width >= 800 and image.height >= 400
        small = image.resize((200, 200))
        # Pillow 13 renamed getdata (deprecated, removed in 14); older Pillow has only getdata.
        pixels = getattr(small, "get_flattened_data", small.getdata)()
        colours = len(set(pixels))
        assert colours > 40, f"{result.name} looks blank ({colours} colours)"


def test_charts_without_data_are_skipped_with_a_reason(config: Config) -> None:
    empty = report_data(config, PanelInputs.empty())
    results = render_charts(empty)
    assert all(not r.drawn for r in results)
    reasons = {r.name: r.skipped for r in results}
    assert reasons["search_interest"] == "no Google search interest in the store"
    assert reasons["lead_lag"] == "the analysis did not run"
    assert all(reasons.values())


def test_prices_alone_give_the_performance_chart_only(config: Config) -> None:
    inputs = world_inputs(config, days=200, text_days=0)
    prices_only = dataclasses.replace(
        inputs, search=PanelInputs.empty().search, flows=PanelInputs.empty().flows
    )
    results = {r.name: r for r in render_charts(report_data(config, prices_only))}
    assert results["performance"].drawn
    assert not results["search_interest"].drawn and not results["sentiment"].drawn
    assert not results["attention_share"].drawn


def test_one_broken_chart_does_not_stop_the_others(full: ReportData, monkeypatch: pytest.MonkeyPatch) -> None:
    from attention.report import charts_analysis

    def broken(data: ReportData) -> bytes:
        raise ValueError("boom")

    patched = tuple((n, t, broken if n == "sentiment" else f) for n, t, f in CHARTS)
    monkeypatch.setattr(charts_analysis, "CHARTS", patched)
    results = {r.name: r for r in render_charts(full)}
    assert results["sentiment"].skipped == "could not be drawn: boom"
    assert sum(r.drawn for r in results.values()) == len(CHARTS) - 1
