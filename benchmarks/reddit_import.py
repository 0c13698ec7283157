"""Reddit dump import speed and memory; prints JSON.

Generates a synthetic Arctic Shift style dump (``.zst``) in a temporary directory, then measures,
in this process:

* ``decompress``: decompressing and splitting into lines only (the baseline);
* ``read_filter``: decompress + byte pre-filter on the subreddit + JSON parse of the candidates +
  the exact subreddit check (the target: >= 100,000 lines/s on one core);
* ``end_to_end``: ``import_dumps`` into a fresh store: all of the above plus theme matching,
  sentiment scoring and storing of the kept items; run in a child process so its peak RSS is
  the import's own.

    python benchmarks/reddit_import.py --lines 1000000 --wanted-share 0.2
    python benchmarks/reddit_import.py --lines 300000 --wanted-share 1.0   # a per-subreddit dump
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WSB = REPO.parent / "shared" / "data" / "reddit_wsb_posts" / "wsb_kaggle_fmt_2022-01-18_to_2022-01-21.csv"


def _config():
    import yaml

    from attention.config import validate_config

    return validate_config(yaml.safe_load((REPO / "config.yaml").read_text()))


def decompress_only(path: Path) -> dict:
    from attention.imports.dump_files import iter_dump_chunks

    start, cpu, lines = time.perf_counter(), time.process_time(), 0
    for chunk in iter_dump_chunks(path):
        lines += chunk.lines
    return _rates(lines, start, cpu)


def _rates(lines: int, start: float, cpu: float) -> dict:
    """Wall-clock and CPU-time rates: on a shared machine the CPU figure is the one-core rate."""
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "lines": lines,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "lines_per_s": round(lines / seconds),
        "lines_per_cpu_s": round(lines / max(cpu_seconds, 1e-9)),
    }


def read_filter(path: Path) -> dict:
    from attention.errors import ItemError
    from attention.imports.dump_files import SubredditFilter, iter_dump_chunks, parse_dump_line
    from attention.imports.reddit_dump import configured_subreddits

    filt = SubredditFilter(configured_subreddits(_config()))
    start, cpu, lines, kept = time.perf_counter(), time.process_time(), 0, 0
    for chunk in iter_dump_chunks(path):
        lines += chunk.lines
        for line in filt.candidate_lines(chunk.data):
            try:
                item = parse_dump_line(line)
            except ItemError:
                continue
            kept += item is not None and filt.keeps(item)
    return {**_rates(lines, start, cpu), "in_subreddits": kept}


def child_import(path: str, store_path: str) -> None:
    """Run in a child process: the end-to-end import; prints its figures and peak RSS."""
    from attention.imports.reddit_dump import import_dumps
    from attention.store import Store

    config = _config()
    with Store(store_path) as store:
        start, cpu = time.perf_counter(), time.process_time()
        result = import_dumps([path], config, store)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "lines": result.lines,
                "in_subreddits": result.in_subreddits,
                "kept": result.kept,
                "seconds": round(seconds, 3),
                "lines_per_s": round(result.lines / seconds),
                "cpu_seconds": round(cpu_seconds, 3),
                "lines_per_cpu_s": round(result.lines / cpu_seconds),
                "kept_items_per_s": round(result.kept / seconds),
                "kept_items_per_cpu_s": round(result.kept / cpu_seconds),
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


def end_to_end(path: Path, store_path: Path) -> dict:
    code = (
        f"import sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); "
        f"import reddit_import as b; b.child_import({str(path)!r}, {str(store_path)!r})"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument(
        "--wanted-share", type=float, default=0.2, help="share of lines in the configured subreddits"
    )
    parser.add_argument("--window-log", type=int, default=None, help="zstd window (e.g. 27)")
    args = parser.parse_args()

    from attention.sandbox.reddit_dumps import DumpSpec, load_texts, write_dump

    texts = load_texts(WSB) if WSB.exists() else []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "RC_bench.zst"
        start = time.perf_counter()
        stats = write_dump(
            path, DumpSpec(args.lines, wanted_share=args.wanted_share), texts, window_log=args.window_log
        )
        generated = time.perf_counter() - start
        base = decompress_only(path)
        filtered = read_filter(path)
        e2e = end_to_end(path, Path(tmp) / "bench.duckdb")
        print(
            json.dumps(
                {
                    "benchmark": "reddit_import",
                    "dump": {
                        "lines": stats.lines,
                        "uncompressed_mb": round(stats.bytes_uncompressed / 2**20, 1),
                        "compressed_mb": round(path.stat().st_size / 2**20, 1),
                        "wanted_share": args.wanted_share,
                        "real_texts": bool(texts),
                        "generate_seconds": round(generated, 1),
                    },
                    "decompress": base,
                    "read_filter": filtered,
                    "end_to_end": e2e,
                    "read_filter_vs_decompress": round(filtered["lines_per_s"] / base["lines_per_s"], 3),
                    "end_to_end_vs_read_filter": round(e2e["lines_per_s"] / filtered["lines_per_s"], 3),
                    "target_read_filter_lines_per_s": 100_000,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
