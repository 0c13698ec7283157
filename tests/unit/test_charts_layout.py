"""Every chart, at the desktop and at the phone width: the source note at its foot covers no
panel, tick label or axis label (on a phone a three-line note ran over the x-axis label)."""

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
def test_the_source_note_covers_no_panel_or_label(full: ReportData, kept: list[Figure], phone: bool) -> None:
    with base.phone_sized() if phone else nullcontext():
        for _, _, draw in CHARTS:
            draw(full)
    assert len(kept) == len(CHARTS)
    for fig in kept:
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        (note,) = [t for t in fig.texts if "Source:" in t.get_text()]
        foot = note.get_window_extent(renderer)
        assert foot.x1 <= fig.bbox.x1 + 1, f"{fig.texts[0].get_text()!r}: the note runs off the side"
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            body = ax.get_tightbbox(renderer)  # the panel with its ticks, labels and title
            assert body is not None
            assert foot.y1 <= body.y0 + 1, (
                f"{fig._suptitle.get_text() if fig._suptitle else ''!r}: the note (top {foot.y1:.0f} px) "
                f"covers a panel or its labels (bottom {body.y0:.0f} px)"
            )
