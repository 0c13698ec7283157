from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from attention.config import Secrets, load_config, packaged_default_path, validate_config
from attention.errors import ConfigError


def _raw(default_config_path: Path) -> dict:
    return yaml.safe_load(default_config_path.read_text())


def test_default_config_has_the_three_themes(default_config_path: Path) -> None:
    config = load_config(default_config_path, environ={})
    assert set(config.themes) == {"small_caps", "ai_stocks", "magnificent_seven"}
    assert config.themes["small_caps"].proxy.etf == "IWM"
    mag7 = config.themes["magnificent_seven"].proxy
    assert mag7.tickers == ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA"]
    assert mag7.weight_map() == pytest.approx(dict.fromkeys(mag7.tickers, 1 / 7))
    assert config.benchmark == "SPY"
    assert "SPY" in config.all_tickers() and "IWM" in config.all_tickers()


def test_packaged_default_is_the_documented_config(default_config_path: Path) -> None:
    assert packaged_default_path().read_text() == default_config_path.read_text()


def test_unknown_key_names_file_field_and_suggestion(default_config_path: Path) -> None:
    raw = _raw(default_config_path)
    raw["themes"]["small_caps"]["proxy"] = {"tickr": ["IWM"]}
    with pytest.raises(ConfigError) as err:
        validate_config(raw, "config.yaml")
    assert str(err.value) == (
        "config.yaml: themes.small_caps.proxy: unknown key 'tickr' (did you mean 'tickers'?)"
    )


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("analysis", "fdr_alpha"), 3, "config.yaml: analysis.fdr_alpha: Input should be less than 1"),
        (("sources", "prices", "budgte"), 5, "sources.prices: unknown key 'budgte' (did you mean 'budget'?)"),
        (("benchmark",), None, "config.yaml: benchmark: Input should be a valid string"),
    ],
)
def test_invalid_values_are_one_clear_line(default_config_path: Path, path, value, expected) -> None:
    raw = _raw(default_config_path)
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as err:
        validate_config(raw, "config.yaml")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_proxy_needs_exactly_one_kind(default_config_path: Path) -> None:
    raw = _raw(default_config_path)
    raw["themes"]["ai_stocks"]["proxy"] = {"etf": "BOTZ", "tickers": ["NVDA"]}
    with pytest.raises(ConfigError, match="themes.ai_stocks.proxy: give either"):
        validate_config(raw, "config.yaml")


def test_secrets_in_the_file_are_refused(default_config_path: Path) -> None:
    raw = _raw(default_config_path)
    raw["sources"]["reddit"]["client_secret"] = "hunter2"
    with pytest.raises(ConfigError) as err:
        validate_config(raw, "config.yaml")
    assert "sources.reddit.client_secret" in str(err.value)
    assert "hunter2" not in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  small_caps: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: line \d+, column \d+"):
        load_config(bad, environ={})


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found; pass --config"):
        load_config(tmp_path / "nope.yaml", environ={})


def test_precedence_flags_over_env_over_file(tmp_path: Path, default_config_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(default_config_path, path)
    flags = {"store.path": "flag.duckdb", "sources.reddit.budget": 7}
    env = {"ATTENTION__STORE__PATH": "env.duckdb", "ATTENTION__SOURCES__NEWS__BUDGET": "9"}
    config = load_config(path, overrides=flags, environ=env)
    assert str(config.store.path) == "flag.duckdb"  # an explicit flag beats the environment
    assert config.sources.reddit.budget == 7
    assert config.sources.news.budget == 9  # the environment beats the file
    assert load_config(path, environ={}).sources.reddit.budget == 300


def test_secrets_come_from_env_and_never_print() -> None:
    secrets = Secrets.from_env({"REDDIT_CLIENT_ID": "id-123", "REDDIT_CLIENT_SECRET": "s3cr3t"})
    assert secrets.has_reddit_credentials
    assert "s3cr3t" not in repr(secrets) and "id-123" not in repr(secrets)
    assert not Secrets.from_env({}).has_reddit_credentials


def test_author_salt_is_private_and_stable_per_store(tmp_path: Path) -> None:
    store = tmp_path / "data" / "attention.duckdb"
    first = Secrets.from_env({}).for_store(store)
    again = Secrets.from_env({}).for_store(store)
    other = Secrets.from_env({}).for_store(tmp_path / "other.duckdb")
    assert first.author_salt and first.author_salt == again.author_salt != other.author_salt
    salt_file = Path(f"{store}.author-salt")
    assert salt_file.stat().st_mode & 0o777 == 0o600
    from_env = Secrets.from_env({"ATTENTION_AUTHOR_SALT": "mine"}).for_store(store)
    assert from_env.author_salt == "mine"


def test_a_partial_file_is_merged_over_the_packaged_defaults(
    tmp_path: Path, default_config_path: Path
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("store:\n  path: mine.duckdb\nsources:\n  news:\n    budget: 5\n")
    config = load_config(path, environ={})
    defaults = load_config(default_config_path, environ={})
    assert str(config.store.path) == "mine.duckdb" and config.sources.news.budget == 5
    assert config.themes == defaults.themes  # not given: the packaged themes
    assert config.sources.reddit == defaults.sources.reddit


def test_a_file_that_lists_themes_means_only_those(tmp_path: Path, default_config_path: Path) -> None:
    small_caps = yaml.safe_load(default_config_path.read_text())["themes"]["small_caps"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"themes": {"small_caps": small_caps}}))
    assert list(load_config(path, environ={}).themes) == ["small_caps"]


def test_every_problem_is_listed_with_where_it_came_from(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources:\n  news:\n    budgt: 5\n  reddit:\n    budget: lots\n")
    env = {"ATTENTION__SOURCES__PRICES__BUDGET": "many"}
    with pytest.raises(ConfigError) as caught:
        load_config(path, overrides={"store.path": ["a"]}, environ=env, flag_names={"store.path": "--store"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 4, lines
    assert f"{path}: sources.news: unknown key 'budgt' (did you mean 'budget'?)" in lines
    assert any(line.startswith(f"{path}: sources.reddit.budget: ") for line in lines)
    assert any(
        line.startswith("environment variable ATTENTION__SOURCES__PRICES__BUDGET: sources.prices.budget: ")
        for line in lines
    )
    assert any(line.startswith("flag --store: store.path: ") for line in lines)
    assert not any("<packaged defaults>" in line for line in lines)


def test_an_environment_value_yaml_cannot_parse_is_named_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="^environment variable ATTENTION__SOURCES__NEWS__BUDGET: "):
        load_config(None, environ={"ATTENTION__SOURCES__NEWS__BUDGET": "[unclosed"})
