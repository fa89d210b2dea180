"""Benchmark: single runs of load + validate of a large org, from scratch and from the cache.

Run from the repository root, on an org ``bench/bench_load.py --out DIR`` generated::

    uv run python bench/bench_load_runs.py DIR [--processes N]

``bench_load.py`` keeps the best of N runs; this shows the spread instead. It starts N
fresh processes one after the other; each loads and validates the org (``load_spec``
and every rule) twice with the spec cache off (every file read), once with an empty
cache (read, then written) and twice with that cache warm (no file changed), and prints
each run's seconds. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = {
    "scratch": "every file read, cache off",
    "empty": "cache empty: read, then written",
    "warm": "cache warm, no file changed",
}


def _one_process(spec: Path) -> dict[str, list[float]]:
    from orgplane.rules import default_registry
    from orgplane.spec import load_spec

    registry = default_registry()

    def once() -> float:
        start = time.perf_counter()
        org = load_spec(spec)
        registry.check(org)
        seconds = time.perf_counter() - start
        del org
        gc.collect()
        return seconds

    runs: dict[str, list[float]] = {}
    os.environ["ORGPLANE_NO_CACHE"] = "1"
    runs["scratch"] = [once(), once()]
    del os.environ["ORGPLANE_NO_CACHE"]
    with tempfile.TemporaryDirectory(prefix="orgplane-bench-cache-") as folder:
        os.environ["ORGPLANE_CACHE_DIR"] = folder
        runs["empty"] = [once()]
        runs["warm"] = [once(), once()]
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="folder of a generated org")
    parser.add_argument("--processes", type=int, default=8, help="fresh processes, in turn")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_one_process(args.spec)))
        return 0
    collected: dict[str, list[float]] = {kind: [] for kind in KINDS}
    best_scratch: list[float] = []
    for number in range(1, max(1, args.processes) + 1):
        out = subprocess.run(
            [sys.executable, __file__, str(args.spec), "--child"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs: dict[str, list[float]] = json.loads(out)
        shown = " | ".join(f"{k} " + " ".join(f"{s:.2f}" for s in runs[k]) for k in KINDS)
        print(f"process {number}: {shown}", file=sys.stderr)
        for kind in KINDS:
            collected[kind] += runs[kind]
        best_scratch.append(min(runs["scratch"]))
    print("| | Single runs (s) |\n|---|---|")
    for kind, label in KINDS.items():
        extra = ""
        if kind == "scratch":
            extra = f" (best per process {min(best_scratch):.2f}–{max(best_scratch):.2f})"
        print(f"| {label} | {min(collected[kind]):.2f}–{max(collected[kind]):.2f}{extra} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
