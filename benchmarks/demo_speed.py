"""Benchmark: `attention demo` with the loopback replicas' TCP_NODELAY off (the baseline) and on.

http.server sends a reply's headers and body in separate writes; with Nagle's algorithm on, the
body waits for the client's delayed ACK (about 40 ms on Linux), so every request to a replica
took ~40 ms. The replicas now set TCP_NODELAY. This runs the same demo (same world, same end
date) once per setting, in this process, and prints JSON: the seconds of each stage, a
micro-benchmark of sequential loopback requests, and the ratios baseline / new.

    python benchmarks/demo_speed.py [--days 900] [--end 2026-06-30] [--requests 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

import requests as requests_lib

from attention.demo import run_demo
from attention.sandbox.server import Replica, Response, SandboxServer


class _Ping(Replica):
    name = "ping"

    def __init__(self) -> None:
        super().__init__()
        self.route("GET", r"/ping", lambda request: Response.json({"ok": True}))


def request_seconds(nodelay: bool, requests: int) -> float:
    """Mean seconds per sequential request over one keep-alive connection."""
    SandboxServer.nodelay = nodelay
    with SandboxServer(_Ping()) as server, requests_lib.Session() as client:
        url = f"{server.url}/ping"
        client.get(url)
        began = time.perf_counter()
        for _ in range(requests):
            client.get(url).raise_for_status()
        return (time.perf_counter() - began) / requests


def demo_seconds(nodelay: bool, days: int, end: dt.date, out: Path) -> dict[str, float]:
    SandboxServer.nodelay = nodelay
    result = run_demo(out, days=days, end=end)
    return {name: round(value, 2) for name, value in result.seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=900)
    parser.add_argument("--end", default="2026-06-30")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    end = dt.date.fromisoformat(args.end)
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, nodelay in (("baseline_nagle", False), ("nodelay", True)):
            figures[label] = {
                "ms_per_request": round(1000 * request_seconds(nodelay, args.requests), 2),
                "demo_seconds": demo_seconds(nodelay, args.days, end, Path(tmp) / label),
            }
    SandboxServer.nodelay = True
    old, new = figures["baseline_nagle"], figures["nodelay"]
    ratios = {"request": round(old["ms_per_request"] / new["ms_per_request"], 1)}
    for stage in ("backfill", "history", "total"):
        if stage in old["demo_seconds"] and stage in new["demo_seconds"]:
            ratios[stage] = round(old["demo_seconds"][stage] / new["demo_seconds"][stage], 2)
    report = {
        "days": args.days,
        "end": args.end,
        "load_average": round(os.getloadavg()[0], 2),
        **figures,
        "speedup_baseline_over_nodelay": ratios,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
