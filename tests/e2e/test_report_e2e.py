"""The HTML report opened in headless Chromium (Debian's `chromium`), served from a loopback
HTTP server: every chart renders, user text stays text, nothing else is fetched, the console
stays silent. Skips when `chromium` is not installed."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import http.server
import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from PIL import Image

from attention.config import Config, validate_config
from attention.daily.collect import annotate
from attention.daily.outputs import write_report
from attention.report.charts_analysis import CHARTS
from attention.report.export import export_all
from attention.report.html import ReportResult
from attention.sandbox.world import World
from attention.sandbox.world_text import posts_for_day
from attention.store import Store
from collectors.core.records import CoverageSpan, FlowRecord, PriceBar, Provenance, TextItem, day_span

REPO = Path(__file__).resolve().parents[2]
END = dt.date(2025, 6, 27)
XSS = "<script>alert(1)</script> small caps"
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's `chromium` is not installed (apt-get install -y chromium); CI's .ci/run installs it",
)


def _records(world: World, config: Config) -> list:
    prov = Provenance("http://127.0.0.1:9/sandbox", "test", dt.datetime(2025, 6, 28, tzinfo=dt.UTC))
    out: list = []
    for ticker in config.all_tickers():
        for day, row in world.prices(ticker).iterrows():
            out.append(
                PriceBar(
                    ticker,
                    day.date(),
                    row.open,
                    row.high,
                    row.low,
                    row.close,
                    row.adj_close,
                    row.volume,
                    "yahoo",
                    prov,
                )
            )
    shares, close = world.shares_outstanding("IWM"), world.prices("IWM")["close"]
    for day, flow in (shares.diff() * close).iloc[1:].items():
        out.append(FlowRecord("IWM", day.date(), float(flow), "shares_outstanding", False, prov))
    texts = [t for i in range(35) for t in posts_for_day(world, END - dt.timedelta(days=i))]
    items = [
        TextItem(
            "reddit",
            t.item_id,
            t.kind,
            t.created_utc,
            t.title,
            t.body,
            None,
            prov,
            container=t.container,
            score=t.score,
            num_comments=t.num_comments,
        )
        for t in texts
    ]
    items.append(
        TextItem(
            "reddit",
            "t3_xss",
            "post",
            dt.datetime(2025, 6, 26, 15, tzinfo=dt.UTC),
            XSS,
            "",
            "javascript:alert(2)",
            prov,
            container="stocks",
            score=10**6,
        )
    )
    # what was watched: the 35 days of posts, so their counts are real (DESIGN.md 4.14)
    start, end = day_span(END - dt.timedelta(days=35), END)
    watched = CoverageSpan("reddit", "file", "fixture.ndjson", start, end, "import", prov, len(items))
    return [*out, *annotate(items, config), watched]


def _search(world: World, config: Config) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "term": term,
                    "date": world.calendar_days.date,
                    "granularity": "day",
                    "value": world.search_truth(term).to_numpy(),
                    "is_partial": False,
                    "method": "truth",
                }
            )
            for theme in config.themes.values()
            for term in theme.search_terms
        ]
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    root = tmp_path_factory.mktemp("report")
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    raw.update(
        store={"path": str(root / "s.duckdb")},
        outputs={"export_dir": str(root / "exports"), "report_dir": str(root / "report")},
    )
    config = validate_config(raw)
    world = World(config, END - dt.timedelta(days=699), END, seed=11)
    with Store(config.store.path) as store:
        store.write(_records(world, config))
        store.upsert_frame("search_series", _search(world, config), ["term", "date", "granularity"])
        store.start_run("r1", "google_trends", END)
        store.finish_run("r1", "google_trends", "failed", error="HTTP 429 <b>slow down</b>")
    export_all(config)
    return write_report(config, as_of=END)


@pytest.fixture(scope="module")
def served(report: ReportResult) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            seen.append(self.requestline)

    handler = functools.partial(Handler, directory=str(report.path.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{report.path.name}", seen
    server.shutdown()
    server.server_close()


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=180, check=False)


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Refused" in line]


def test_every_chart_renders_and_user_text_stays_text(report: ReportResult, served, tmp_path):
    url, seen = served
    seen.clear()
    done = chromium(tmp_path, "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert seen == [f"GET /{report.path.name} HTTP/1.1"]  # one request: nothing else fetched
    assert _console(done.stderr) == []
    assert [c.name for c in report.charts if not c.drawn] == []
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', dom)
    assert len(sources) == len(CHARTS)
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        image.load()
        assert image.width >= 800
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; small caps" in dom
    assert "javascript:" not in dom
    assert "HTTP 429 &lt;b&gt;slow down&lt;/b&gt;" in dom
    assert 'href="../exports/items.csv"' in dom
    assert "SIMULATED DATA" in dom  # stored from a loopback replica: flagged as simulated
    # verdicts in plain words; test names and numbers in the details rows and card tooltips
    assert "<summary>The numbers</summary>" in dom and "Granger F test q = " in dom
    plain = " ".join(re.findall(r"<p>([^<]*)</p>", dom))
    assert "evidence" in plain
    for jargon in ("circular-shift", "Clark-West", "MSE", "partial R", "q = "):
        assert jargon not in plain, jargon


@pytest.mark.parametrize("width", [412, 1280])
def test_screenshot_is_not_blank(report: ReportResult, served, tmp_path: Path, width: int) -> None:
    url, seen = served
    seen.clear()
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path, f"--window-size={width},2400", f"--screenshot={shot}", url)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    assert len(seen) == 1 and _console(done.stderr) == []
    image = Image.open(shot).convert("RGB")
    assert image.width == width
    small = image.resize((width // 4, 600))
    pixels = list(getattr(small, "get_flattened_data", small.getdata)())  # Pillow 13 name
    ink = sum(1 for p in pixels if sum(p) < 600) / len(pixels)
    assert ink > 0.03 and len(set(pixels)) > 50, f"blank-looking page ({ink:.1%} ink)"
