"""Build hook: compile the sentiment rule modules with mypyc when building a wheel.

``pip install .`` (a wheel) compiles VADER's rules and finance-3's rule pass
(``COMPILED_MODULES``) to C extensions: the same code, the same outputs
(tests/replay/test_compiled_rules.py compares every real text), about 1.2x faster for
``vader``, ``finance`` and ``finance-3`` (benchmarks/RESULTS.md). The pure-Python modules stay
the source and the fallback:

* an editable install (``pip install -e .``) is never compiled, so an edit to those files takes
  effect at once (a stale compiled module would shadow it);
* ``ATTENTION_PURE_PYTHON=1`` skips compiling;
* a machine without a C compiler or Python headers gets the pure-Python modules (the
  extensions are optional: the build says it skipped them, shown by ``pip install -v``).

Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

COMPILED_MODULES = [
    "attention/sentiment/vader_rules.py",
    "attention/sentiment/vader_engine.py",
    "attention/sentiment/trader_rules.py",
    "attention/sentiment/finance3.py",
]


# Only these commands build extensions: an editable install ("editable_wheel") and the metadata
# steps ("egg_info", "dist_info") must not pay for mypyc's type analysis.
BUILD_COMMANDS = ("bdist_wheel", "build_ext", "build")


def compiled_extensions() -> list[Extension]:
    if os.environ.get("ATTENTION_PURE_PYTHON") == "1" or not any(c in sys.argv for c in BUILD_COMMANDS):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # built without the build requirements (e.g. setup.py run by hand)
        return []
    # The project's mypy settings load a pydantic plugin that the build environment lacks; the
    # two modules need none of it (they import only the standard library and vaderSentiment).
    options = ["--config-file", os.devnull, "--ignore-missing-imports"]
    extensions = mypycify([*options, *COMPILED_MODULES], opt_level="3", group_name="attention_compiled")
    for extension in extensions:
        extension.optional = True  # no compiler: the pure-Python modules, not a failed install
    return extensions


setup(ext_modules=compiled_extensions())
