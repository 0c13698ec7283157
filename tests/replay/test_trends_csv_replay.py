"""Real weekly Google Trends values (ten AI tools, 2021-12..2025-06, two 5-keyword payloads on
different scales) written back as website exports and imported: the values round-trip, and the
two payloads, sharing no term, are kept apart instead of being silently put on one scale."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from attention.config import validate_config
from attention.imports.trends_csv import import_trends_csv
from attention.store import Store

FILE = "ai_tool_search_trends_2022-2025/gen_ai_trends.csv"


def write_export(path: Path, rows: list[dict[str, str]], terms: list[str]) -> None:
    """The website's format: a category preamble, a blank line, 'Week,term: (Worldwide)'."""
    with path.open("w", newline="") as handle:
        handle.write("Category: All categories\n\n")
        out = csv.writer(handle)
        out.writerow(["Week", *[f"{t}: (Worldwide)" for t in terms]])
        for row in rows:
            out.writerow([row["date"], *[row[t] for t in terms]])


@pytest.fixture
def groups(shared_data: Path) -> tuple[list[dict[str, str]], list[str], list[str]]:
    with (shared_data / FILE).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        terms = [c for c in reader.fieldnames if c != "date"]
    return rows, terms[:5], terms[5:]


def test_two_real_payloads_import_and_stay_on_separate_scales(
    groups, tmp_path: Path, default_config_path: Path
) -> None:
    rows, first, second = groups
    raw = yaml.safe_load(default_config_path.read_text())
    raw["store"] = {"path": str(tmp_path / "a.duckdb")}
    raw["sources"]["google_trends"]["geo"] = ""  # worldwide data
    config = validate_config(raw)
    a, b = tmp_path / "chat.csv", tmp_path / "image.csv"
    write_export(a, rows, first)
    write_export(b, rows, second)
    with Store(config.store.path) as store:
        one, _ = import_trends_csv(store, config, a)
        two, result = import_trends_csv(store, config, b)
        stored = store.query(
            "SELECT term, period_start, value FROM search_interest "
            "WHERE request_id = ? ORDER BY period_start",
            [one.request_id],
        )
        series = store.query(
            "SELECT term, method, avg(value) AS mean FROM search_series "
            "WHERE granularity = 'week' GROUP BY term, method"
        )
    assert one.granularity == two.granularity == "week" and one.geo == ""
    chatgpt = stored[stored["term"] == "ChatGPT"]["value"].tolist()
    assert chatgpt == [float(r["ChatGPT"]) for r in rows]  # raw values round-trip exactly
    # Each payload peaks at 100 on its own (ChatGPT in one, Sora in the other)...
    assert max(float(r["ChatGPT"]) for r in rows) == max(float(r["Sora"]) for r in rows) == 100
    # ...and with no shared term nothing ties them: both stay unanchored, each on its own scale.
    assert result.anchored == set() and len(result.scales) == 2
    assert set(series["method"]) == {"stitch-v1:unanchored"}
    assert set(series["term"]) == set(first) | set(second)
    means = series.set_index("term")["mean"]
    assert means["ChatGPT"] == pytest.approx(100.0) and means["Sora"] == pytest.approx(100.0)
