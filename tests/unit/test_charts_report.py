"""The HTML report page (escaping, self-containment, banner) and the loop verdicts."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from attention.analysis.feedback import FeedbackResult
from attention.analysis.granger import GrangerResult, Transform
from attention.config import Config, load_config
from attention.report.charts import ChartResult
from attention.report.data import ReportData
from attention.report.html import export_links, render_html
from attention.report.verdicts import loop_status

REPO = Path(__file__).resolve().parents[2]
XSS = "<script>alert(1)</script>"


def granger(causing: str, caused: str, q: float, effect: float = 0.3) -> GrangerResult:
    level = Transform(causing, False, 0, 0.01)
    return GrangerResult(
        causing,
        caused,
        5.0,
        q,
        1,
        100,
        (1, 97),
        0.05,
        effect,
        (1,),
        "aic",
        (level, level),
        qvalue=q,
        theme="t",
        unit="weeks",
    )


def feedback(*tests: GrangerResult) -> FeedbackResult:
    return FeedbackResult("t", "W", tests, alpha=0.05)


BACK = granger("excess_return", "attention_index", 0.001)


@pytest.mark.parametrize(
    ("tests", "status"),
    [
        ((granger("attention_index", "excess_return", 0.04), BACK), "loop"),
        (
            (
                granger("attention_index", "excess_return", 0.5),
                BACK,
                granger("attention_index", "flow_usd", 0.01),
                granger("flow_usd", "excess_return", 0.02),
            ),
            "loop",
        ),
        (
            (
                granger("attention_index", "excess_return", 0.5),
                BACK,
                granger("attention_index", "flow_usd", 0.2),
                granger("flow_usd", "excess_return", 0.02),
            ),
            "partial",
        ),
        ((granger("attention_index", "excess_return", 0.01, effect=-0.3), BACK), "partial"),
        (
            (
                granger("attention_index", "excess_return", 0.3),
                granger("excess_return", "attention_index", 0.3),
            ),
            "none",
        ),
        ((), "untested"),
    ],
)
def test_loop_status_follows_the_analysis(tests: tuple[GrangerResult, ...], status: str) -> None:
    result = loop_status(feedback(*tests), "Small caps")
    assert result.status == status
    assert result.headline.startswith("Small caps:")
    significant = [t for t in tests if t.qvalue < 0.05]
    assert len(result.links) == len(significant)
    if status in ("loop", "partial"):
        assert "excess returns → attention (+0.30 sd; strong evidence)" in result.headline


@pytest.fixture
def config() -> Config:
    return load_config(REPO / "config.yaml")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _data(config: Config, simulated: bool) -> ReportData:
    items = pd.DataFrame(
        [
            {
                "source": "reddit",
                "kind": "post",
                "created_utc": pd.Timestamp("2025-01-02", tz="UTC"),
                "title": XSS,
                "url": "javascript:alert(2)",
                "container": "<b>stocks</b>",
                "outlet": None,
                "themes": ["small_caps"],
                "compound": 0.5,
                "score": 10,
                "num_comments": 2,
            },
            {
                "source": "news",
                "kind": "headline",
                "created_utc": pd.Timestamp("2025-01-02", tz="UTC"),
                "title": 'Fed & "rates" <img src=x onerror=alert(3)>',
                "url": 'https://news.test/a?b=1&c="2"',
                "container": None,
                "outlet": "Wire",
                "themes": ["ai_stocks"],
                "compound": -0.1,
                "score": None,
                "num_comments": None,
            },
        ]
    )
    runs = pd.DataFrame(
        [
            {
                "source": "reddit",
                "run_date": dt.date(2025, 1, 2),
                "status": "failed",
                "records": 0,
                "requests": 3,
                "mode": "feeds",
                "error": "HTTP 403 <html>blocked</html>",
                "started_at": None,
            },
            {
                "source": "news",
                "run_date": dt.date(2025, 1, 2),
                "status": "interrupted",
                "records": 0,
                "requests": 1,
                "mode": None,
                "error": "the run stopped (killed?)",
                "started_at": None,
            },
            {
                "source": "prices",
                "run_date": dt.date(2025, 1, 2),
                "status": "ok",
                "records": 9,
                "requests": 1,
                "mode": None,
                "error": None,
                "started_at": None,
            },
        ]
    )
    stale = pd.DataFrame([{"ticker": "IWM", "days": 6, "last_date": dt.date(2025, 1, 2)}])
    partial = pd.DataFrame(
        [{"term": "IWM", "granularity": "week", "date": dt.date(2025, 1, 4), "periods": 1}]
    )
    return ReportData(
        config,
        dt.date(2025, 1, 3),
        {},
        None,
        items,
        runs,
        stale,
        partial,
        Path("x.duckdb"),
        simulated=simulated,
        notes=["analysis <failed>"],
    )


def test_user_text_is_escaped_and_nothing_is_loaded(config: Config) -> None:
    charts = [
        ChartResult("share", "Share <of> attention", png=_png()),
        ChartResult("lead_lag", "Lead-lag", skipped="no <data>"),
    ]
    page = render_html(_data(config, True), charts, {}, [("items.csv", "../exports/items.csv", 3)])
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    assert 'href="javascript' not in page  # only http(s) links are made clickable
    assert 'href="https://news.test/a?b=1&amp;c=&quot;2&quot;"' in page
    assert "HTTP 403 &lt;html&gt;blocked&lt;/html&gt;" in page
    assert "news interrupted on 2025-01-02: the run stopped (killed?)" in page
    assert "prices ok" not in page
    assert "stale on 6 session(s)" in page and "IWM" in page and "partial" in page
    assert "analysis &lt;failed&gt;" in page
    assert 'name="viewport"' in page and "Content-Security-Policy" in page
    sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    assert base64.b64decode(sources[0].split(",", 1)[1]) == _png()
    assert re.findall(r'\ssrc="(?!data:)', page) == []  # nothing is fetched on load
    assert re.findall(r"<link\b(?![^>]*href=\"data:)", page) == []
    assert "@import" not in page and "url(" not in page
    assert "Lead-lag: skipped — no &lt;data&gt;" in page
    assert 'href="../exports/items.csv"' in page
    assert "SIMULATED DATA" in page


def test_real_data_has_no_banner(config: Config) -> None:
    page = render_html(_data(config, False), [], {}, [])
    assert "SIMULATED DATA" not in page and "attention export" in page


def test_export_links_are_relative_to_the_report(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "items.csv").write_text("a\r\n1\r\n2\r\n")
    (tmp_path / "exports" / ".items.csv.tmp").write_text("partial")
    links = export_links(tmp_path / "exports", tmp_path / "report")
    assert links == [("items.csv", "../exports/items.csv", 2)]


def test_a_report_from_an_empty_store_explains_what_is_missing(config: Config, tmp_path: Path) -> None:
    from attention.daily.outputs import write_report
    from attention.store import Store

    Store(tmp_path / "s.duckdb").close()
    result = write_report(
        config, as_of=dt.date(2025, 1, 3), out_dir=tmp_path / "report", store_path=tmp_path / "s.duckdb"
    )
    assert result.path == tmp_path / "report" / "attention-report-2025-01-03.html"
    page = result.path.read_text(encoding="utf-8")
    assert not any(chart.drawn for chart in result.charts)
    assert page.count("skipped — ") == len(result.charts)
    assert "no data in the store yet" in page and "SIMULATED DATA" not in page
