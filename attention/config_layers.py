"""The layers of a configuration and where each value came from.

``attention.config`` stacks, lowest first: the packaged defaults, the user's file (merged over
them), the ``ATTENTION__A__B`` environment variables, then command-line flags. Every value set
by a layer is labelled with that layer ("config.yaml", "environment variable ATTENTION__X",
"flag --store"), so a validation problem names where the bad value came from.

Pure dict work, no validation: :mod:`attention.config` validates the merged result.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

# Top-level keys whose value a user file replaces whole instead of merging: a file that lists
# its themes means those themes, not those plus the packaged examples.
REPLACED_WHOLE = ("themes",)
Path_ = tuple[str, ...]


class Layers:
    """The merged raw config and the origin of every value in it."""

    def __init__(self, defaults: dict[str, Any], label: str) -> None:
        self.raw: dict[str, Any] = copy.deepcopy(defaults)
        self.origins: dict[Path_, str] = {(): label}

    def merge_file(self, update: Mapping[str, Any], label: str) -> None:
        """The user's file over what is there: mappings merge key by key, anything else (and the
        keys in REPLACED_WHOLE) replaces."""
        self._merge(self.raw, update, (), label)

    def set(self, parts: Sequence[str], value: Any, label: str) -> None:
        """One value at a dotted path (an environment variable or a flag)."""
        node = self.raw
        for depth, part in enumerate(parts[:-1]):
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
                self.origins[tuple(parts[: depth + 1])] = label
            node = child
        node[parts[-1]] = value
        self._relabel(tuple(parts), label)

    def origin(self, loc: Sequence[Any]) -> str:
        """The label of the layer that set ``loc`` (or the nearest enclosing value)."""
        path = tuple(str(part) for part in loc)
        while path not in self.origins:
            path = path[:-1]
        return self.origins[path]

    def _merge(self, base: dict[str, Any], update: Mapping[str, Any], path: Path_, label: str) -> None:
        for key, value in update.items():
            here = (*path, str(key))
            whole = path == () and key in REPLACED_WHOLE
            if isinstance(value, dict) and isinstance(base.get(key), dict) and not whole:
                self._merge(base[key], value, here, label)
            else:
                base[key] = copy.deepcopy(value)
                self._relabel(here, label)

    def _relabel(self, path: Path_, label: str) -> None:
        """``path`` and everything under it now come from ``label``."""
        for known in [p for p in self.origins if p[: len(path)] == path]:
            del self.origins[known]
        self.origins[path] = label


def env_value(text: str) -> Any:
    """An environment value as YAML (numbers, booleans, lists); text YAML cannot parse stays
    text, and validation then says what the field expects."""
    if not text:
        return text
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text
