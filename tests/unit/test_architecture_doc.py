"""docs/architecture.md matches the tree: every package and module is described in its tree
section, every file path it names exists, and every dotted name it cites can be imported."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
ROOTS = ("attention", "collectors")


def _tree_block() -> list[str]:
    section = DOC.split("## The tree", 1)[1]
    return section.split("```", 2)[1].splitlines()


def _described_modules() -> dict[str, set[str]]:
    """Folder (relative to the repo) -> the module file names its tree entry mentions."""
    described: dict[str, set[str]] = {}
    root = folder = ""
    for line in _tree_block():
        top = re.match(r"^(\w+)/", line)
        if top:
            root = folder = top.group(1)
            described.setdefault(folder, set())
        sub = re.match(r"^  (\w+)/\s", line)
        if sub and root in ROOTS:
            folder = f"{root}/{sub.group(1)}"
            described.setdefault(folder, set())
        elif re.match(r"^  \S", line) and root in ROOTS:
            folder = root  # a line about top-level modules of the package
        described.setdefault(folder, set()).update(re.findall(r"\b(\w+\.py)\b", line))
    return described


def _packages() -> list[Path]:
    return sorted(p.parent for root in ROOTS for p in (REPO / root).rglob("__init__.py"))


def test_every_package_and_module_is_described() -> None:
    described = _described_modules()
    missing = []
    for package in _packages():
        rel = package.relative_to(REPO).as_posix()
        if rel not in described:
            missing.append(f"{rel}/ (package)")
            continue
        for module in sorted(package.glob("*.py")):
            if module.name != "__init__.py" and module.name not in described[rel]:
                missing.append(f"{rel}/{module.name}")
    assert missing == [], f"docs/architecture.md does not describe: {missing}"


def test_every_module_it_describes_exists() -> None:
    ghosts = [
        f"{folder}/{name}"
        for folder, names in _described_modules().items()
        for name in names
        if folder.split("/")[0] in ROOTS and not (REPO / folder / name).exists()
    ]
    assert ghosts == []


def test_every_path_it_names_exists() -> None:
    paths = set(re.findall(r"`((?:attention|collectors|docs|tests|benchmarks)/[\w/.]*\w)", DOC))
    paths |= {p.split(":")[0] for p in re.findall(r"`((?:attention|collectors)/[\w/.]+:\w+)`", DOC)}
    assert paths, "the page names no paths: the pattern is wrong"
    assert sorted(p for p in paths if not (REPO / p).exists()) == []


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            if not hasattr(target, attr):
                return False
            target = getattr(target, attr)
        return True
    return False


def test_every_dotted_name_it_cites_resolves() -> None:
    names = set(re.findall(r"`((?:attention|collectors)(?:\.\w+)+)`", DOC))
    assert len(names) > 10
    assert sorted(n for n in names if not _resolves(n)) == []


def test_the_layers_it_shows_are_the_contract() -> None:
    import tomllib

    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers" and "attention.cli" in c["layers"])
    drawn = [
        line.split("  ")[0].strip() for line in DOC.split("## The layers", 1)[1].split("```")[1].splitlines()
    ]
    assert [d for d in drawn if d] == layers
