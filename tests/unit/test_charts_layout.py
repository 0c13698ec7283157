"""Every chart, at the desktop and at the phone width: the source note at its foot covers no
panel, tick label or axis label (on a phone a three-line note ran over the x-axis label), and
the panels start just under the legend (half an inch was left empty there)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from attention.analysis.run import analyze
from attention.config import Config
from attention.report import charts as base
from attention.report.charts_analysis import CHARTS
from attention.report.data import ReportData
from tests.unit.test_charts import END, REPO, report_data, world_inputs


@pytest.fixture(scope="module")
def full() -> ReportData:
    from attention.config import load_config

    config: Config = load_config(REPO / "config.yaml")
    inputs = world_inputs(config)
    return report_data(config, inputs, analyze(inputs, config, END))


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The figures the charts draw, kept open after they are saved."""
    figures: list[Figure] = []
    close = plt.close
    monkeypatch.setattr(base.plt, "close", figures.append)
    yield figures
    for fig in figures:
        close(fig)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_source_note_covers_no_panel_and_the_panels_start_under_the_legend(
    full: ReportData, kept: list[Figure], phone: bool
) -> None:
    with base.phone_sized() if phone else nullcontext():
        for _, _, draw in CHARTS:
            draw(full)
    assert len(kept) == len(CHARTS)
    for fig in kept:
        name = fig.get_suptitle()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        (note,) = [t for t in fig.texts if "Source:" in t.get_text()]
        foot = note.get_window_extent(renderer)
        assert foot.x1 <= fig.bbox.x1 + 1, f"{name!r}: the note runs off the side"
        # each panel with its ticks, labels and title
        bodies = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
        for body in bodies:
            assert body is not None
            assert foot.y1 <= body.y0 + 1, (
                f"{name!r}: the note (top {foot.y1:.0f} px) covers a panel or its labels "
                f"(bottom {body.y0:.0f} px)"
            )
        if fig.legends:
            under = fig.legends[0].get_window_extent(renderer).y0
            room = (under - max(b.y1 for b in bodies if b is not None)) / fig.dpi
            assert room >= -0.01, f"{name!r}: the legend covers a panel"
            assert room <= 0.25, f"{name!r}: {room:.2f} inch left empty under the legend"
