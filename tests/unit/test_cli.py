from __future__ import annotations

import re
from pathlib import Path

import click
import typer.main
from typer.testing import CliRunner

from attention import __version__
from attention.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _command_paths() -> list[str]:
    """Every leaf command as it is typed, e.g. 'run', 'import trends-csv'."""
    root = typer.main.get_command(app)
    paths: list[str] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ")
            else:
                paths.append(f"{prefix}{name}")

    walk(root, "")
    return paths


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"attention {__version__}"


def test_every_command_is_in_the_readme_with_an_example() -> None:
    readme = (REPO / "README.md").read_text()
    examples = "\n".join(re.findall(r"```bash\n(.*?)```", readme, flags=re.S))
    missing = [p for p in _command_paths() if f"attention {p}" not in examples]
    assert _command_paths(), "no commands found"
    assert missing == [], f"commands without a README example: {missing}"


def test_bad_config_is_one_line_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    config = (REPO / "config.yaml").read_text().replace("      etf: IWM", "      tickr: IWM")
    path = tmp_path / "config.yaml"
    path.write_text(config)
    store = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["run", "--config", str(path), "--store", str(store)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"attention: {path}: themes.small_caps.proxy: unknown key 'tickr' (did you mean 'tickers'?)"
    ]
    assert not store.exists()


def test_status_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["status", "--config", str(REPO / "config.yaml"), "--store", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 1
    assert "no store here yet; run `attention run` first" in result.output


def test_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "--config",
            str(REPO / "config.yaml"),
            "--store",
            str(tmp_path / "s.duckdb"),
            "--source",
            "twitter",
        ],
    )
    assert result.exit_code == 2
    assert "'twitter': choose from flows, google_trends, news, prices, reddit" in " ".join(
        result.output.replace("│", " ").split()
    )
    assert not (tmp_path / "s.duckdb").exists()


def test_a_bad_date_option_is_a_usage_error_naming_the_option(tmp_path: Path) -> None:
    for args, why in (
        (["run", "--date", "2026-13-01"], "there is no month 13"),
        (["context", "--asof", "yesterday"], "use YYYY-MM-DD"),
        (["report", "--date", "2026-02-30"], "February 2026 has 28 days"),
    ):
        result = runner.invoke(app, [*args, "--config", str(REPO / "config.yaml")])
        assert result.exit_code == 2, args
        assert f"{args[1]} '{args[2]}': {why}" in result.output
