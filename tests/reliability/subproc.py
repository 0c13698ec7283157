"""Run the real ``attention`` CLI in a separate process against replicas served by the test
process, so it can be killed (SIGKILL) or raced against a second run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from attention.sandbox.services import Sandbox, apply_overrides
from tests.reliability.conftest import AUTHOR_SALT

REPO = Path(__file__).resolve().parents[2]

# The child is the real CLI; only the HTTP layer's pacing sleeps are capped (Reddit's public
# feeds are paced 6 s apart), which changes when requests go out, not what is written.
_CHILD = """
import sys, time
import collectors.core.http as http
_real_sleep = time.sleep
http.sleep = lambda seconds: _real_sleep(min(seconds, 0.02))
from attention.cli import app
app(args=sys.argv[1:], prog_name="attention")
"""


def write_config(raw: dict[str, Any], sandbox: Sandbox, store_path: Path, target: Path, **extra: Any) -> Path:
    """A config file pointing at the replicas, with Reddit in feeds mode (no credentials)."""
    overrides = {
        **sandbox.config_overrides(),
        "store.path": str(store_path),
        "sources.reddit.mode": "feeds",
        "outputs.export_dir": str(store_path.parent / "exports"),
        "outputs.report_dir": str(store_path.parent / "reports"),
        **extra,
    }
    target.write_text(yaml.safe_dump(apply_overrides(raw, overrides), sort_keys=False))
    return target


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTENTION_", "REDDIT_", "praw_"))}
    env["ATTENTION_AUTHOR_SALT"] = AUTHOR_SALT  # the same hashed authors as in-process runs
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def start_run(
    config_path: Path, run_date: str, *args: str, env: dict[str, str] | None = None, command: str = "run"
) -> subprocess.Popen[str]:
    argv = [sys.executable, "-c", _CHILD, command, "--config", str(config_path)]
    if command == "run":
        argv += ["--date", run_date]
    return subprocess.Popen(
        [*argv, *args],
        cwd=config_path.parent,
        env=env or child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
