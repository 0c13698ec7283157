"""Build hook: compile the VADER rule modules with mypyc when building a wheel.

``pip install .`` (a wheel) compiles ``attention/sentiment/vader_rules.py`` and
``vader_engine.py`` to C extensions: the same code, the same outputs (checked on every text of
benchmarks/sentiment_speed.py and benchmarks/finance_overlay_eval.py), about 1.2x faster for
``finance-3`` and ``vader``. The pure-Python modules stay the source and the fallback:

* an editable install (``pip install -e .``) is never compiled, so an edit to those files takes
  effect at once (a stale compiled module would shadow it);
* ``ATTENTION_PURE_PYTHON=1`` skips compiling;
* a machine without a C compiler or Python headers gets a warning and the pure-Python modules
  (the extensions are optional).

Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

COMPILED_MODULES = ["attention/sentiment/vader_rules.py", "attention/sentiment/vader_engine.py"]


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
