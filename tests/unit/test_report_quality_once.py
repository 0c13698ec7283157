"""The report's data-quality section says a note shared by several themes once (issue 15: the
benchmark's stale note was repeated once per theme), naming the themes it concerns."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.report.html_quality import flag_lines as _flag_lines
from attention.report.html_quality import said_once as _once
from tests.real_prices import real_price_config


def test_a_shared_note_is_said_once_after_its_themes() -> None:
    notes = [
        ("Small caps", "prices of SPY end 2022-11-18"),
        ("Small caps", "no flows"),
        ("AI stocks", "prices of SPY end 2022-11-18"),
        ("AI stocks", "prices of SPY end 2022-11-18"),  # panel and analysis both say it
        ("AI stocks", "no search interest"),
    ]
    assert _once(notes) == [
        "Small caps, AI stocks: prices of SPY end 2022-11-18",
        "Small caps: no flows",
        "AI stocks: no search interest",
    ]
    assert _once([]) == []


def test_flags_from_after_the_report_date_are_left_out_or_marked() -> None:
    flags = pd.DataFrame(
        {
            "check_name": ["missing_sessions", "frozen_feed", "partial_bar"],
            "subject": ["IWM", "QQQ", "SPY"],
            "detail": ["1 session missing", "shares unchanged", "intraday last bar"],
            "first_date": [dt.date(2024, 3, 1), dt.date(2024, 5, 1), None],
            "last_date": [dt.date(2024, 4, 30), dt.date(2024, 6, 1), None],
            "severity": ["warning"] * 3,
        }
    )
    assert _flag_lines(flags, dt.date(2024, 4, 1)) == [
        "IWM: 1 session missing (2024-03-01 to 2024-04-30; found on data after 2024-04-01)",
        "SPY: intraday last bar",
    ]
    assert _flag_lines(flags)[:2] == [
        "IWM: 1 session missing (2024-03-01 to 2024-04-30)",
        "QQQ: shares unchanged (2024-05-01 to 2024-06-01)",
    ]


@pytest.mark.shared
def test_real_stale_benchmark_is_named_once_in_the_report(shared_data: Path, tmp_path: Path) -> None:
    config = real_price_config(shared_data, tmp_path)
    runner = CliRunner()
    out = tmp_path / "report"
    # SPY (and IWM) end 2022-11-18; TSLA goes on: the benchmark is stale for both themes
    done = runner.invoke(app, ["report", "-c", str(config), "--date", "2023-01-31", "--out", str(out)])
    assert done.exit_code == 0, done.output
    page = (out / "attention-report-2023-01-31.html").read_text()
    section = re.search(r'id="quality".*?</section>', page, re.S)
    assert section is not None
    items = [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", section.group(0))]
    spy = [i for i in items if "prices of SPY end 2022-11-18" in i]
    assert spy == [
        "Small caps, Magnificent Seven: prices of SPY end 2022-11-18, 48 sessions before 2023-01-31: "
        "stale, no return after"
    ]
    assert (
        "Small caps: prices of the proxy (IWM) end 2022-11-18, 48 sessions before 2023-01-31: "
        in "\n".join(items)
    )
    print("\n".join(items))
