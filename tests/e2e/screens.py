"""Look at a report the way a browser lays it out: headless Chromium at a given width.

The report forbids scripts (its CSP), so a wrapper page of ours loads it in an iframe of the
width under test and measures from outside: the page's scroll width against its viewport, and
the boxes of chosen cells. ``--dump-dom`` prints the wrapper once its script has written the
measurements into it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--allow-file-access-from-files",
    "--hide-scrollbars",
]

MEASURE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
f.onload = () => {{
  const d = f.contentDocument, root = d.documentElement, view = root.clientWidth;
  const cells = [...d.querySelectorAll('{cells}')].map(td => {{
    const r = td.getBoundingClientRect();
    const box = td.closest('.scroll');
    const clip = box ? box.getBoundingClientRect() : {{left: 0, right: view}};
    return {{label: td.dataset.label || td.textContent.trim(), left: r.left, right: r.right,
             width: r.width, visible: r.width > 0 && r.left >= Math.max(0, clip.left) - 1
             && r.right <= Math.min(view, clip.right) + 1}};
  }});
  const scrollers = [...d.querySelectorAll('.scroll')].filter(s => s.scrollWidth > s.clientWidth + 1)
    .map(s => s.closest('section') ? s.closest('section').id : '?');
  const out = {{view, scrollWidth: root.scrollWidth, cells, scrollers}};
  const pre = document.createElement('pre'); pre.id = 'result'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}};
</script></body></html>
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def measure(browser: str, report: Path, width: int, cells: str, work: Path) -> dict[str, Any]:
    """Layout facts of ``report`` in a viewport ``width`` CSS px wide (see MEASURE)."""
    wrapper = work / f"measure-{width}.html"
    wrapper.write_text(MEASURE.format(src=report.resolve().as_uri(), width=width, cells=cells))
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, "--virtual-time-budget=15000", "--dump-dom", wrapper.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, flags=re.S)
    assert found, f"chromium measured nothing (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def screenshot(browser: str, report: Path, width: int, out: Path, height: int = 2400) -> Path:
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            report.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return out
