"""The demo report in headless Chromium at a phone's width (390 px) and a laptop's (1280 px):
no sideways scrolling, every market-context and this-week cell on screen, charts drawn for the
phone. Screenshots of both widths are left in the test's folder for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import run_demo
from tests.e2e.screens import chromium, measure, screenshot

END = "2026-06-30"
CELLS = "#context td, #moves td, #rank td"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screens") / "demo"
    done = run_demo(out, 150, END)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "report" / f"attention-report-{END}.html"


@pytest.fixture(scope="module")
def browser() -> str:
    found = chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_no_sideways_scroll_and_every_context_cell_on_screen(report: Path, browser: str, width: int) -> None:
    facts = measure(browser, report, width, CELLS, report.parent)
    assert facts["view"] == width
    assert facts["scrollWidth"] <= width, f"the page scrolls sideways at {width} px"
    assert facts["scrollers"] == [], f"tables that hide columns behind a scrollbar: {facts['scrollers']}"
    labels = {cell["label"] for cell in facts["cells"]}
    assert {"YTD", "RSI(14)", "Reddit sentiment", "news sentiment", "weighted"} <= labels
    hidden = [cell["label"] for cell in facts["cells"] if not cell["visible"]]
    assert hidden == [], f"cells off screen at {width} px: {hidden}"
    shot = screenshot(browser, report, width, report.parent / f"report-{width}.png")
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_charts_come_in_a_phone_drawing_too(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count('<source media="(max-width: 600px)"') == page.count("<picture>") > 0
    charts = report.parent / "charts"
    desktop = [png for png in charts.glob("*.png") if not png.name.endswith(".phone.png")]
    assert desktop
    for png in desktop:
        assert png.with_name(png.stem + ".phone.png").exists(), png.name
