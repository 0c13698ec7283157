"""Resource budgets for config and files (issue 21): alias bombs, recursive aliases, tags,
encodings, impossible dates, surrogates and bad environment values in the config; fields over
the csv limit, non-UTF-8 bytes, thousands of columns and closes near zero in the files users
bring. Each is one line naming the file (or variable), in bounded time and memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attention.cli import app
from attention.config import load_config
from attention.errors import ConfigError
from tests.reliability.conftest import Recorder

REPO = Path(__file__).resolve().parents[2]
CATEGORY = "resource budgets for config and files"
runner = CliRunner()
BASE = (REPO / "config.yaml").read_text(encoding="utf-8")


def _alias_bomb() -> str:
    """The classic "billion laughs": 2 KB of YAML, 10^9 strings once the aliases are expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


CONFIG_FILES = {
    "alias bomb": (_alias_bomb().encode(), "aliases are expanded"),
    "recursive alias": (b"themes: &t\n  x: *t\n", "recursive alias"),
    "python object tag": (b"themes: !!python/object/apply:os.system [echo hi]\n", "is not allowed"),
    "binary tag": (b"themes: !!binary aGVsbG8=\n", "is not allowed"),
    "impossible date": (
        BASE.replace("history_start: 2021-01-01", "history_start: 2021-02-30").encode(),
        "real date",
    ),
    "lone surrogate in a label": (b'themes:\n  x:\n    label: "AI \\ud800"\n', "lone surrogate"),
    "latin-1 bytes": (BASE.encode() + "# café\n".encode("latin-1"), "not UTF-8"),
    "over the size limit": (b"# " + b"x" * (2 << 20) + b"\n", "limit"),
}


@pytest.mark.parametrize("case", list(CONFIG_FILES))
def test_a_config_beyond_the_budgets_is_one_line(case: str, tmp_path: Path, recorder: Recorder) -> None:
    """The 2 KB alias bomb hung the CLI; the others ended in tracebacks or reached the store."""
    data, expected = CONFIG_FILES[case]
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message and message.isprintable()
    result = runner.invoke(app, ["status", "--config", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and result.stderr.startswith(f"attention: {path}")
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "s.duckdb").exists()
    recorder.record(CATEGORY, f"config file: {case}", detail="one line naming the file")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_config_with_a_byte_order_mark_is_read(encoding: str, tmp_path: Path) -> None:
    """A UTF-16 file (Windows editors) ended in a UnicodeDecodeError traceback."""
    path = tmp_path / "config.yaml"
    path.write_text(BASE, encoding=encoding)
    assert load_config(path, environ={}) == load_config(REPO / "config.yaml", environ={}).model_copy(
        update={"source_path": str(path)}
    )


ENVIRONMENTS = {
    "ATTENTION__ with no setting": ({"ATTENTION__": "x"}, "ATTENTION__: names no setting"),
    "a value that is not YAML": ({"ATTENTION__STORE__PATH": "[unclosed"}, "ATTENTION__STORE__PATH"),
    "a tag in a value": ({"ATTENTION__THEMES": "!!python/name:os.system"}, "is not allowed"),
    "an alias bomb in a value": ({"ATTENTION__THEMES": _alias_bomb()}, "aliases are expanded"),
}


@pytest.mark.parametrize("case", list(ENVIRONMENTS))
def test_a_bad_environment_value_is_one_line(case: str, recorder: Recorder) -> None:
    environ, expected = ENVIRONMENTS[case]
    with pytest.raises(ConfigError, match=expected) as caught:
        load_config(REPO / "config.yaml", environ=environ)
    assert "\n" not in str(caught.value)
    recorder.record(CATEGORY, f"environment: {case}", detail="one line naming the variable")


# -- files users bring ------------------------------------------------------------------------------
HUGE = "x" * 200_000
BAD_FILES = {
    "flows-csv, a field over the csv limit": (
        ["import", "flows-csv"],
        f'date,ticker,flow_usd\n2024-01-02,IWM,"{HUGE}"\n'.encode(),
        "line 2: field larger than field limit",
    ),
    "flows-csv, latin-1 bytes": (
        ["import", "flows-csv"],
        "date,ticker,flow_usd\n2024-01-02,IWM,1\n# café\n".encode("latin-1"),
        "line 3, column 6: byte 0xe9 is not UTF-8",
    ),
    "trends-csv, a field over the csv limit": (
        ["import", "trends-csv"],
        f'Week,a: (United States)\n2024-01-07,"{HUGE}"\n'.encode(),
        "field larger than field limit",
    ),
    "trends-csv, UTF-16 without BOM": (
        ["import", "trends-csv"],
        "Week,a: (United States)\n2024-01-07,5\n".encode("utf-16-le"),
        "not UTF-8 text (UTF-16?)",
    ),
    "trends-csv, 400 columns": (
        ["import", "trends-csv"],
        (
            "Week,"
            + ",".join(f"t{i}: (United States)" for i in range(400))
            + "\n"
            + "\n".join(f"2024-01-{d:02d}," + ",".join(["1"] * 400) for d in range(1, 29))
            + "\n"
        ).encode(),
        "401 columns, more than the",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_file_beyond_the_limits_is_one_line(case: str, tmp_path: Path, recorder: Recorder) -> None:
    """These ended in _csv.Error or UnicodeDecodeError tracebacks; 400 Trends columns took 10 s
    and 1.3 GB."""
    command, data, expected = BAD_FILES[case]
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, [*command, str(path), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("attention: ") and path.name in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    recorder.record(CATEGORY, f"`attention {' '.join(command)}`: {case.split(', ')[1]}", detail="one line")


def test_a_backtest_on_closes_near_zero_is_one_line(tmp_path: Path, recorder: Recorder) -> None:
    """Closes of 1e-300 gave "+inf% +/- nan%" and RuntimeWarnings instead of an error."""
    start = dt.date(2020, 1, 5)
    search, prices = tmp_path / "search.csv", tmp_path / "prices.csv"
    weeks = [f"{start + dt.timedelta(weeks=n)},{(n * 7) % 13}" for n in range(60)]
    search.write_text("date,value\n" + "\n".join(weeks) + "\n")
    days = [f"{start + dt.timedelta(days=n)},{1e-300 if n % 2 else 5e-324}" for n in range(420)]
    prices.write_text("date,Close\n" + "\n".join(days) + "\n")
    result = runner.invoke(app, ["backtest", "preis", "--search", str(search), "--prices", str(prices)])
    assert result.exit_code == 1 and "not a price series" in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    recorder.record(CATEGORY, "`attention backtest preis` with closes near zero", detail="one line")


def test_news_archive_rows_beyond_the_limits(tmp_path: Path, recorder: Recorder) -> None:
    """Found by the generated inputs: a published time of 1e30 raised OverflowError (not one bad
    row) and a Latin-1 byte in a CSV archive a UnicodeDecodeError, each failing a whole backfill."""
    from attention.errors import InputFileError, ItemError
    from attention.imports.news_archive import news_csv_rows, parse_time

    for value in ("1e30", 1e30, "-1e30", float("nan")):
        with pytest.raises(ItemError, match="is not a date"):
            parse_time(value)
    archive = tmp_path / "news.csv"
    archive.write_bytes("title,published\nok,2024-01-02\ncaf\u00e9,2024-01-03\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="line 3: bytes that are not UTF-8"):
        list(news_csv_rows(archive))
    recorder.record(CATEGORY, "news archive: epoch 1e30 and Latin-1 bytes", detail="a bad row; one line")
