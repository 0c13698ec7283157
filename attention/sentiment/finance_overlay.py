"""The finance overlay lexicon: loading and validating ``attention/data/finance_lexicon.yaml``.

The file is ours (see its header for how entries were chosen and how it was measured). Words
are single lowercase tokens; phrases are two or more words. Every value is on VADER's scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from attention.errors import ConfigError

MAX_VALENCE = 4.0


@dataclass(frozen=True)
class FinanceLexicon:
    version: int
    words: dict[str, float]
    phrases: dict[tuple[str, ...], float]

    @property
    def tag(self) -> str:
        """What is stored with each score, e.g. ``finance-1``."""
        return f"finance-{self.version}"

    def entries(self) -> list[str]:
        return [*self.words, *(" ".join(p) for p in self.phrases)]


def default_lexicon_path() -> Path:
    return Path(str(resources.files("attention") / "data" / "finance_lexicon.yaml"))


def load_finance_lexicon(path: str | Path | None = None) -> FinanceLexicon:
    """Read and validate the overlay file; every problem names the file, the entry and the fix."""
    file_path = Path(path) if path is not None else default_lexicon_path()
    try:
        raw = yaml.load(file_path.read_text(encoding="utf-8"), _UniqueKeyLoader)  # noqa: S506
    except OSError as exc:
        raise ConfigError(
            f"{file_path}: finance lexicon cannot be read ({exc.strerror}); "
            "reinstall the package or pass an existing file"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file_path}: finance lexicon is not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), int):
        raise ConfigError(f"{file_path}: expected a mapping with an integer 'version', 'words' and 'phrases'")
    words = {w: _valence(file_path, w, v) for w, v in _mapping(file_path, raw, "words").items()}
    for word in words:
        if len(word.split()) != 1 or word != word.lower():
            raise ConfigError(
                f"{file_path}: words.{word!r}: a word entry must be one lowercase "
                "token; move multi-word entries to 'phrases'"
            )
    phrases: dict[tuple[str, ...], float] = {}
    for phrase, value in _mapping(file_path, raw, "phrases").items():
        parts = tuple(str(phrase).split())
        if len(parts) < 2 or str(phrase) != str(phrase).lower():
            raise ConfigError(
                f"{file_path}: phrases.{phrase!r}: a phrase must be two or more "
                "lowercase words; move single words to 'words'"
            )
        if parts in phrases:
            raise ConfigError(
                f"{file_path}: phrases.{phrase!r}: the same words as another "
                "phrase (spacing differs); keep one entry"
            )
        phrases[parts] = _valence(file_path, phrase, value)
    return FinanceLexicon(version=raw["version"], words=words, phrases=phrases)


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that refuses a repeated key: YAML keeps the last silently, so an entry written
    twice with different valences would lose one without a word."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{key!r} appears twice; keep one entry", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _mapping(path: Path, raw: dict, key: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a mapping of entry: valence")
    return {str(k): v for k, v in value.items()}


def _valence(path: Path, entry: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path}: {entry!r}: valence must be a number, got {value!r}")
    if not -MAX_VALENCE <= float(value) <= MAX_VALENCE:
        raise ConfigError(
            f"{path}: {entry!r}: valence {value} is outside VADER's scale [-{MAX_VALENCE:g}, {MAX_VALENCE:g}]"
        )
    return float(value)
