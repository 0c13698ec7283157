"""The shape the architecture asks for: small modules, a short top level of attention/."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 12


def test_no_module_is_over_400_lines() -> None:
    long = {
        p.relative_to(REPO).as_posix(): n
        for root in ("attention", "collectors")
        for p in (REPO / root).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split by concept (docs/architecture.md): {long}"


def test_the_top_level_of_attention_is_short() -> None:
    modules = sorted(p.name for p in (REPO / "attention").glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
