"""Benchmark: "who owns X" on a large org, the query alone (the org loaded and indexed).

Run from the repository root, on an org ``bench/bench_load.py --out DIR`` generated::

    uv run python bench/bench_owners.py DIR [--repeat N] [QUERY ...]

Loads the org once, then times ``find_owners`` (what ``orgplane owners`` and the API's
owner search run) for each query, best of N (``time.perf_counter``). Every catalog
entry's name, and every group's name, responsibilities and stack, is matched against
the query. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from orgplane.model import OrgIndex
from orgplane.queries.owners import find_owners
from orgplane.spec import load_spec

#: An exact catalog word, two-word and three-word names, and a typo (fuzzy matches).
QUERIES = ["kafka", "prometheus api", "ceph bucket 12", "kafak"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="folder of a generated org")
    parser.add_argument("queries", nargs="*", default=QUERIES, help="what to ask")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the best counts")
    args = parser.parse_args(argv)
    index = OrgIndex(load_spec(args.spec))
    texts = len(index.org.catalog) + sum(
        1 + len(group.responsibilities) + len(group.stack) for group in index.groups.values()
    )
    print(f"{texts:,} texts matched per query; best of {max(1, args.repeat)} runs.\n")
    print("| Query | Best answer | Milliseconds |\n|---|---|---:|")
    for query in args.queries:
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            found = find_owners(index, query)
            best = min(best, time.perf_counter() - start)
        top = found[0].path if found else "nothing"
        print(f"| {query} | {top} | {best * 1000:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
