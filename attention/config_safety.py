"""Reading YAML for the config within budgets, so every bad file is one line, never a hang.

PyYAML's ``safe_load`` refuses Python objects but still: expands aliases by reference (a 2 KB
"billion laughs" file becomes a structure that anything walking it visits 10^9 times), builds
recursive structures from recursive aliases, raises ``ValueError`` (not a YAML error) for
impossible dates such as ``2021-02-30``, turns ``"\\ud800"`` into a lone surrogate that cannot
be written anywhere, and constructs tags like ``!!binary`` and ``!!set``. Here:

* a file over :data:`MAX_BYTES` or with more than :data:`MAX_ALIASES` aliases is refused before
  it is built, and the built document may hold at most :data:`MAX_NODES` values counted with
  aliases expanded; a recursive alias is refused;
* explicit tags are refused (a config never needs one);
* UTF-8 (with or without BOM) is read, UTF-16/32 with a BOM decoded, anything else refused;
* every problem names the file (or environment variable), the line when there is one, and the fix.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from attention.errors import ConfigError

MAX_BYTES = 1 << 20  # a config is a few KB; a megabyte is generous
MAX_ALIASES = 200
MAX_NODES = 200_000  # values in the document with every alias expanded
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _RefusedError(yaml.MarkedYAMLError):
    """Well-formed YAML this loader refuses; the problem text carries its own fix."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _BudgetLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and refuses explicit tags while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _RefusedError(
                    f"more than {MAX_ALIASES} aliases (*name); write the values out", event.start_mark
                )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _RefusedError(f"the tag {tag} is not allowed in a config; remove it", event.start_mark)
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _RefusedError(
                f"{node.value!r} is not a real date ({exc}); fix the date", node.start_mark
            ) from None


_BudgetLoader.add_constructor("tag:yaml.org,2002:timestamp", _BudgetLoader.construct_yaml_timestamp)


def decode_config(data: bytes, shown: str) -> str:
    """The file's text: UTF-8 (BOM optional), or UTF-16/32 when a BOM says so."""
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"{shown}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit for a config file"
        )
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ConfigError(
                    f"{shown}: not valid {codec} text ({exc.reason}); save it as UTF-8"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{shown}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None


def load_yaml_text(text: str, shown: str) -> Any:
    """YAML text -> Python values, within the budgets; ConfigError naming ``shown`` otherwise."""
    try:
        value = yaml.load(text, Loader=_BudgetLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        fix = "" if isinstance(exc, _RefusedError) else "; fix the YAML syntax"
        raise ConfigError(one_line(f"{shown}: {where}{problem}{fix}")) from None
    except RecursionError:
        raise ConfigError(f"{shown}: nested too deeply to read; flatten the YAML") from None
    check_values(value, shown)
    return value


def read_config_file(path: Path, shown: str) -> Any:
    """A config file's YAML (``{}`` when empty)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{shown}: file not found; pass --config PATH or create config.yaml") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot be read ({exc.strerror})") from None
    return load_yaml_text(decode_config(data, shown), shown) or {}


def env_setting(key: str, value: str, prefix: str) -> tuple[list[str], Any]:
    """An ``ATTENTION__A__B=value`` variable as (setting path, YAML value)."""
    parts = [p.lower() for p in key[len(prefix) :].split("__") if p]
    if not parts:
        raise ConfigError(f"{one_line(key)}: names no setting; use {prefix}SECTION__KEY=value")
    if not value:
        return parts, value
    if len(value) > MAX_BYTES:
        raise ConfigError(f"{one_line(key)}: the value is over the {MAX_BYTES:,}-byte limit")
    return parts, load_yaml_text(value, f"environment variable {one_line(key)}")


def check_values(value: Any, shown: str) -> None:
    """At most MAX_NODES values with aliases expanded, no recursion, no lone surrogates."""
    budget = [MAX_NODES]
    _walk(value, shown, [], set(), budget)


def _walk(value: Any, shown: str, path: list[str], open_ids: set[int], budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError(
            f"{shown}: more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?); "
            "write the values out"
        )
    if isinstance(value, str):
        _check_text(value, shown, path)
        return
    if not isinstance(value, (dict, list)):
        return
    if id(value) in open_ids:
        raise ConfigError(
            f"{shown}: {_where(path)}: a recursive alias (a value that contains itself); remove it"
        )
    open_ids.add(id(value))
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        if isinstance(key, str):
            _check_text(key, shown, path)
        _walk(child, shown, [*path, str(key)], open_ids, budget)
    open_ids.discard(id(value))


def _check_text(text: str, shown: str, path: list[str]) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ConfigError(
                f"{shown}: {_where(path)}: {text[:40]!r} holds a lone surrogate (not valid Unicode); "
                "fix the text"
            ) from None


def _where(path: list[str]) -> str:
    return one_line(".".join(path)) or "(top level)"


def one_line(text: str) -> str:
    """Control characters (and surrogates) shown escaped, so an error stays one printable line."""
    return "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else repr(c)[1:-1] for c in text)
