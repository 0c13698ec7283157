"""Load and validate ``config.yaml`` into typed objects.

Precedence (highest first): CLI flags > environment variables (``ATTENTION__A__B=value``) >
the YAML file, merged over the packaged defaults (:mod:`attention.config_layers`). Secrets come
from the environment only (see :class:`Secrets`); a secret-looking key in the file is an error,
so it never reaches the store.

Every validation problem becomes one line that names where the value came from (the file, an
environment variable or a flag), the field path and the fix; all problems are listed::

    config.yaml: themes.small_caps.proxy: unknown key 'tickr' (did you mean 'tickers'?)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import secrets as secrets_module
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from attention.config_layers import Layers
from attention.config_safety import env_setting, read_config_file
from attention.errors import ConfigError
from attention.files import create_text_once, write_text_atomically
from attention.source_settings import Sources

ENV_PREFIX = "ATTENTION__"
DEFAULTS = "<packaged defaults>"
SECRET_WORDS = ("secret", "password", "token", "api_key", "apikey", "client_id")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatchRules(_Strict):
    phrases: list[str] = []
    case_sensitive_phrases: list[str] = []
    tickers: list[str] = []
    # Tickers that are also ordinary words (beyond attention.themes' built-in list, which has
    # ARM, META, ON, ALL, ...): bare, they count only in market context; cashtags always count.
    ambiguous_tickers: list[str] = []
    # Phrases (from either list above) that count only in a text with market context, e.g. the
    # bare term "AI", which is mostly not about AI stocks in a sentence without market words.
    needs_context: list[str] = []
    exclude: list[str] = []

    @field_validator("tickers", "ambiguous_tickers")
    @classmethod
    def _upper_tickers(cls, value: list[str]) -> list[str]:
        return [t.strip().lstrip("$").upper() for t in value]


class Proxy(_Strict):
    etf: str | None = None
    tickers: list[str] = []
    weights: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Proxy:
        if bool(self.etf) == bool(self.tickers):
            raise ValueError("give either 'etf: TICKER' or 'tickers: [...]', not both or neither")
        if self.weights is not None:
            unknown = set(self.weights) - set(self.tickers)
            if unknown:
                raise ValueError(f"weights name tickers not in the basket: {sorted(unknown)}")
            if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
                raise ValueError("weights must be non-negative and sum to more than 0")
        return self

    @property
    def members(self) -> list[str]:
        return [self.etf] if self.etf else list(self.tickers)

    def weight_map(self) -> dict[str, float]:
        """Normalised weights (equal weights for a basket without explicit ones)."""
        if self.etf:
            return {self.etf: 1.0}
        raw = self.weights or {t: 1.0 for t in self.tickers}
        total = sum(raw.get(t, 0.0) for t in self.tickers)
        return {t: raw.get(t, 0.0) / total for t in self.tickers}


class Theme(_Strict):
    label: str
    search_terms: list[str] = Field(min_length=1)
    match: MatchRules = MatchRules()
    subreddits: list[str] = []
    news_queries: list[str] = []
    wikipedia_articles: list[str] = []
    proxy: Proxy
    benchmark: str | None = None  # default: the top-level benchmark
    context_indices: list[str] = []
    external_series: list[str] = []  # imported series (`import series --name`) -> column ext_NAME


class StoreSettings(_Strict):
    path: Path = Path("data/attention.duckdb")


class OutputSettings(_Strict):
    export_dir: Path = Path("exports")
    report_dir: Path = Path("reports")
    export_format: Literal["csv", "parquet"] = "csv"


class AnalysisSettings(_Strict):
    sentiment_lexicon: Literal["vader", "finance", "finance-3"] = "finance-3"
    history_start: dt.date = dt.date(2021, 1, 1)
    max_lag_weeks: int = Field(4, ge=1, le=26)
    fdr_alpha: float = Field(0.05, gt=0, lt=1)
    split_dates: list[dt.date] = []  # subperiods for the stability check; empty: halves


class AlertSettings(_Strict):
    k: float = Field(3.0, gt=0)  # standard deviations a move must reach
    window: int = Field(60, ge=5)  # trailing days a move is compared with
    webhook_url: str | None = None  # JSON POST of the alerts; with a token in it, set it in the env
    webhook_timeout: float = Field(10.0, gt=0)
    webhook_retries: int = Field(2, ge=0, le=10)


class Config(_Strict):
    version: Literal[1] = 1
    store: StoreSettings = StoreSettings()
    outputs: OutputSettings = OutputSettings()
    benchmark: str = "SPY"
    analysis: AnalysisSettings = AnalysisSettings()
    alerts: AlertSettings = AlertSettings()
    themes: dict[str, Theme] = Field(min_length=1)
    sources: Sources = Sources()
    # Where the config came from, for messages; not part of the YAML.
    source_path: str = Field("<defaults>", exclude=True)

    @field_validator("themes")
    @classmethod
    def _theme_keys(cls, value: dict[str, Theme]) -> dict[str, Theme]:
        for key in value:
            if not key.replace("_", "").isalnum() or not key[0].isalpha():
                raise ValueError(f"theme key {key!r} must be letters, digits and '_' (e.g. small_caps)")
        return value

    def benchmark_for(self, theme: str) -> str:
        """The theme's own benchmark, else the top-level one."""
        return self.themes[theme].benchmark or self.benchmark

    def all_tickers(self) -> list[str]:
        """Every ticker prices are needed for: proxies, basket members, benchmarks, extras."""
        seen: dict[str, None] = {self.benchmark: None}
        for theme in self.themes.values():
            seen.update(dict.fromkeys(theme.proxy.members))
            seen.update(dict.fromkeys([theme.benchmark or self.benchmark, *theme.context_indices]))
        seen.update(dict.fromkeys(self.sources.prices.extra_tickers))
        return list(seen)


@dataclass(frozen=True)
class Secrets:
    """Credentials, read from the environment only. ``repr`` never shows values."""

    reddit_client_id: str | None = None
    reddit_client_secret: str | None = None
    reddit_user_agent: str | None = None
    author_salt: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ
        return cls(
            reddit_client_id=env.get("REDDIT_CLIENT_ID") or None,
            reddit_client_secret=env.get("REDDIT_CLIENT_SECRET") or None,
            reddit_user_agent=env.get("REDDIT_USER_AGENT") or None,
            author_salt=env.get("ATTENTION_AUTHOR_SALT") or None,
        )

    def for_store(self, store_path: str | Path) -> Secrets:
        """These secrets with an author salt: ATTENTION_AUTHOR_SALT, else a random salt kept in
        a private file beside the store (``<store>.author-salt``), made on first use. A salt in
        the code would be public, and hashes of known user names could then be recomputed."""
        if self.author_salt:
            return self
        return dataclasses.replace(self, author_salt=store_salt(store_path))

    @property
    def has_reddit_credentials(self) -> bool:
        return bool(self.reddit_client_id and self.reddit_client_secret)

    def values(self) -> list[str]:
        """The secret strings themselves, for redaction."""
        return [v for v in (self.reddit_client_id, self.reddit_client_secret, self.author_salt) if v]

    def __repr__(self) -> str:
        present = [name for name, v in vars(self).items() if v]
        return f"Secrets(present={present})"


def store_salt(store_path: str | Path) -> str:
    """The private salt beside the store's real file (a symlinked store path is the same
    store), made whole or not at all. An empty salt file (left by a full disk before salts were
    written atomically) never hashed anything, since an empty salt is refused: it is replaced."""
    salt_file = Path(f"{os.path.realpath(store_path)}.author-salt")
    salt_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        if not salt_file.exists():
            create_text_once(salt_file, secrets_module.token_hex(32))
        salt = salt_file.read_text(encoding="ascii").strip()
        if not salt:
            write_text_atomically(salt_file, secrets_module.token_hex(32))
            salt = salt_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a salt file"
        raise ConfigError(
            f"{salt_file}: cannot read or create the store's author salt ({reason}); free space or fix "
            "the folder's permissions, or set ATTENTION_AUTHOR_SALT"
        ) from None
    return salt


def packaged_default_path() -> Path:
    return Path(str(resources.files("attention") / "data" / "default_config.yaml"))


def load_config(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> Config:
    """The packaged defaults, the file merged over them, environment variables, then CLI flags
    (``overrides``: dotted paths; ``flag_names``: the flag of each, for messages)."""
    file_path = Path(path) if path is not None else None
    if file_path is None and Path("config.yaml").exists():
        file_path = Path("config.yaml")
    layers = Layers(_read_yaml(packaged_default_path(), DEFAULTS), DEFAULTS)
    shown = DEFAULTS
    if file_path is not None:
        shown = str(file_path)
        user = _read_yaml(file_path, shown)
        if not isinstance(user, dict):
            raise ConfigError(
                f"{shown}: the file must be a YAML mapping (key: value), got {type(user).__name__}"
            )
        layers.merge_file(user, shown)
    env = os.environ if environ is None else environ
    for key, value in sorted(env.items()):
        if key.startswith(ENV_PREFIX):
            parts, parsed = env_setting(key, value, ENV_PREFIX)
            layers.set(parts, parsed, f"environment variable {key}")
    for dotted, value in (overrides or {}).items():
        flag = (flag_names or {}).get(dotted, dotted)
        layers.set(dotted.split("."), value, f"flag {flag}")
    return validate_config(layers.raw, shown, layers)


def validate_config(raw: Any, shown: str = "config.yaml", layers: Layers | None = None) -> Config:
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: the file must be a YAML mapping (key: value), got {type(raw).__name__}")
    _reject_secrets(raw, shown, [])
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        origin = layers.origin if layers else (lambda loc: shown)
        raise ConfigError(
            "\n".join(_describe(error, origin(error["loc"])) for error in exc.errors())
        ) from None
    return config.model_copy(update={"source_path": shown})


def _read_yaml(path: Path, shown: str) -> Any:
    """The file's YAML within size/alias/node budgets (:mod:`attention.config_safety`)."""
    return read_config_file(path, shown)


def _reject_secrets(node: Any, shown: str, path: list[str]) -> None:
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        lowered = str(key).lower()
        if any(word in lowered for word in SECRET_WORDS):
            where = one_line(".".join([*path, str(key)]))
            raise ConfigError(
                f"{shown}: {where}: secrets are not read from the config file; remove it and set "
                "the environment variable instead (REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, ...)"
            )
        _reject_secrets(value, shown, [*path, str(key)])


def _describe(error: Any, shown: str) -> str:
    """One validation problem as one line: where the value came from, the field, the fix."""
    loc = [str(p) for p in error["loc"]]
    kind = error["type"]
    if kind == "extra_forbidden":
        where, key = ".".join(loc[:-1]) or "(top level)", loc[-1]
        allowed = _allowed_keys(loc[:-1])
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys: {', '.join(allowed)}"
        line = f"{shown}: {where}: unknown key '{key}' ({hint})"
    elif kind == "missing":
        line = f"{shown}: {'.'.join(loc)}: required field is missing; add it"
    else:
        message = error["msg"].removeprefix("Value error, ")
        got = error.get("input")
        got_text = f" (got {got!r})" if not isinstance(got, (dict, list)) else ""
        line = f"{shown}: {'.'.join(loc) or '(top level)'}: {message}{got_text}"
    return one_line(line)


def one_line(text: str) -> str:
    """Control characters from the file (e.g. a key with a newline) shown escaped, so an error
    stays one line on stderr."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _allowed_keys(loc: list[str]) -> list[str]:
    """Field names of the model found by walking ``loc`` from :class:`Config`."""
    model: Any = Config
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return []
        if part in fields:
            model = _model_of(fields[part].annotation)
        else:  # a dict key (e.g. a theme name): step into the dict's value model
            continue
    fields = getattr(model, "model_fields", {})
    return [name for name, f in fields.items() if not f.exclude]


def _model_of(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args:
        found = _model_of(arg)
        if found is not None:
            return found
    return None
