"""Benchmark: import adversarial Markdown documents, one shape at two or three sizes.

Run from the repository root:

    uv run python bench/bench_import_adversarial.py [--scale 1.0] [--repeat 1]

Each document is GENERATED in a shape that once made an importer stage super-linear: a
deeply nested list, a box tree indented one space per level, one long code line of
dependency arrows, a file of arrow lines (one connected chart), a long table cell and
paragraph, deeply nested quotes. Each shape is imported at sizes doubling from the
first; the report gives the time of the whole import (best of N), and beside each size
the ratio of its bytes and of its time to the previous size's: near-linear means the
two ratios are about equal (a list twice as deep is four times the bytes, its indents
growing with depth).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from orgplane.importers.markdown.document import parse_markdown
from orgplane.importers.service import import_documents

_HEAD = "# Org\n\n## 1A Platform\n\n"


def nested_list(n: int) -> str:
    return _HEAD + "\n".join("  " * i + f"- item {i}" for i in range(n)) + "\n"


def box_tree(n: int) -> str:
    lines = ["```", "1A Platform", *(" " * i + f"├─ node {i}" for i in range(n)), "```"]
    return _HEAD + "\n".join(lines) + "\n"


def arrow_line(n: int) -> str:
    return _HEAD + "```\n" + "◄ 1B " * n + "\n```\n"


def arrows_file(n: int) -> str:
    return _HEAD + "```\n" + "1A → 1B → 1C ◄ 1D\n" * n + "```\n"


def long_text(n: int) -> str:
    return (
        _HEAD + f"| Name | Responsibilities |\n|---|---|\n| x | {'cell ' * n}|\n\n{'para ' * n}\n"
    )


def deep_quotes(n: int) -> str:
    return _HEAD + "\n".join(">" * (i + 1) + f" quote {i}" for i in range(n)) + "\n"


#: (shape, generator, the first size); each shape runs at the size, twice and four times it.
SHAPES: list[tuple[str, Callable[[int], str], int]] = [
    ("nested list (levels)", nested_list, 300),
    ("box tree, 1-space indent (levels)", box_tree, 500),
    ("code line of '◄ 1B ' (repeats)", arrow_line, 10_000),
    ("arrows file (lines)", arrows_file, 5_000),
    ("long cell + paragraph (words)", long_text, 10_000),
    ("nested quotes (levels)", deep_quotes, 500),
]


def _best(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        import_documents([parse_markdown(text, "bench.md")])
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--repeat", type=int, default=1, help="best of N imports per size")
    parser.add_argument("--steps", type=int, default=3, help="sizes per shape (doubling)")
    args = parser.parse_args()
    print(f"{'shape':36} {'size':>8} {'bytes':>10} {'seconds':>8} {'bytes×':>7} {'time×':>6}")
    for name, generate, first in SHAPES:
        previous: tuple[int, float] | None = None
        for step in range(args.steps):
            size = int(first * args.scale) * 2**step
            text = generate(size)
            seconds = _best(text, args.repeat)
            size_bytes = len(text.encode())
            ratios = (
                f"{size_bytes / previous[0]:7.2f} {seconds / previous[1]:6.2f}"
                if previous
                else f"{'-':>7} {'-':>6}"
            )
            print(f"{name:36} {size:>8} {size_bytes:>10} {seconds:>8.3f} {ratios}")
            previous = (size_bytes, seconds)


if __name__ == "__main__":
    main()
