"""Benchmark: import a large generated Markdown org document (hundreds of departments).

Run from the repository root:

    uv run python bench/bench_import.py [--departments 400] [--repeat 3] [--breakdown]

The document is GENERATED (made-up names, the seeds' family of styles: a top tree, per
department a breakdown table with <br> cells and a box-drawing tree). It reports the
document's size, the time to parse the Markdown, and the time of the whole import
(parse, build, assemble, account for every line), best of N runs. ``--breakdown`` adds
where the import's time goes, stage by stage (best of N, the GC paused as in the import).
"""

from __future__ import annotations

import argparse
import random
import time

from orgplane.gcpause import paused_gc
from orgplane.importers.markdown.assemble import to_org
from orgplane.importers.markdown.builder import build
from orgplane.importers.markdown.document import parse_markdown
from orgplane.importers.markdown.parser import markdown_parser
from orgplane.importers.report import ImportReport
from orgplane.importers.service import import_documents

WORDS = [
    "Compute",
    "Storage",
    "Network",
    "Edge",
    "Data",
    "Platform",
    "Identity",
    "Release",
    "Cost",
    "Chaos",
    "Fleet",
    "Ledger",
    "Payments",
    "Search",
]


def _code(i: int) -> str:
    return f"{i // 26 + 1}{chr(65 + i % 26)}"


def generate(departments: int, seed: int = 0) -> str:
    """A deterministic Markdown org document in the seeds' style."""
    rng = random.Random(seed)
    lines = ["# **Generated Infrastructure Org**", "", "```", "Chief Generated Officer  (GEN)", "│"]
    codes = [_code(i) for i in range(departments)]
    for i, code in enumerate(codes):
        lines.append(
            f"{'└─' if i == departments - 1 else '├─'} {code}  {' '.join(rng.sample(WORDS, 2))}"
        )
    lines += ["```", ""]
    for index, code in enumerate(codes):
        name = " ".join(rng.sample(WORDS, 3))
        lines += [f"## **{code} – {name}**", "", f"Generated department {code}: made-up data.", ""]
        lines += ["## 📌 Organizational Breakdown", ""]
        lines += [
            "| Squad | Sub-Units | Responsibilities | Key Stack & Tools | KPI / SLO | Critical Dependencies |"
        ]
        lines += ["|---|---|---|---|---|---|"]
        squads = []
        for s in range(1, 7):
            squad = f"{chr(65 + index % 26)}{index // 26}-{s}"
            units = [f"U-{chr(65 + index % 26)}{index // 26}{s}{u}" for u in range(1, 4)]
            other = codes[rng.randrange(departments)]
            squads.append((squad, units))
            lines.append(
                f"| **{squad} {' '.join(rng.sample(WORDS, 2))}** | "
                + " <br> ".join(f"{u} {rng.choice(WORDS)} Ops" for u in units)
                + f" | {rng.choice(WORDS)} upgrades, {rng.choice(WORDS)} capacity, on-call"
                + f" | Kubernetes 1.{rng.randrange(25, 31)}, Kafka 3.{rng.randrange(4, 8)}, Terraform"
                + f" | API Uptime ≥ 99.9{rng.randrange(10)}% <br> P95 latency < {rng.randrange(2, 90)}ms"
                + f" | {rng.choice(WORDS)} from {other} <br> Policy with {codes[rng.randrange(departments)]} |"
            )
        lines += ["", f"## **{code} – {name} Tree**", "", "```", f"{code} {name}", "│"]
        for s, (squad, units) in enumerate(squads):
            last = s == len(squads) - 1
            lead, pad = ("└─", "    ") if last else ("├─", "│   ")
            lines.append(f"{lead} {squad} Squad {s}")
            for unit in units:
                lines.append(f"{pad}├─ {unit} Unit")
            lines += [
                f"{pad}├─ Responsibilities:",
                f"{pad}│   ├─ Upgrades",
                f"{pad}│   └─ Capacity",
            ]
            lines += [f"{pad}└─ KPIs:", f"{pad}    └─ API Uptime ≥ 99.9%"]
            if not last:
                lines.append("│")
        lines += ["```", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--departments", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="time each stage too")
    args = parser.parse_args()
    text = generate(args.departments)
    parse_times, import_times = [], []
    groups = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        doc = parse_markdown(text, "generated.md")
        parsed = time.perf_counter()
        result = import_documents([doc])
        done = time.perf_counter()
        parse_times.append(parsed - start)
        import_times.append(done - start)
        groups = len(result.org.walk())
        assert result.report.uncovered() == {}
    print(
        f"| document | {len(text.encode()) / 1e6:.1f} MB, {text.count(chr(10)):,} lines, {args.departments} departments, {groups:,} groups |"
    )
    print(
        f"| Markdown parse (markdown-it-py, inline text, document model) | {min(parse_times):.2f} s |"
    )
    print(
        f"| whole import (parse + build + assemble + line accounting) | {min(import_times):.2f} s |"
    )
    if args.breakdown:
        _breakdown(text, args.repeat)


def _breakdown(text: str, repeat: int) -> None:
    """Each stage of the import timed on its own (the import's line accounting is
    ``uncovered``, which the import's report runs when it is shown)."""
    times: dict[str, list[float]] = {}

    def timed(stage: str, start: float) -> float:
        now = time.perf_counter()
        times.setdefault(stage, []).append(now - start)
        return now

    md = markdown_parser()
    for _ in range(repeat):
        with paused_gc():
            start = time.perf_counter()
            md.parse(text, {})
            start = timed("markdown-it block parse (tables as one token, no inline)", start)
            doc = parse_markdown(text, "generated.md")
            start = timed("Markdown parse incl. inline text and document model", start)
            report = ImportReport()
            draft = build([doc], report)
            start = timed("build (tables, trees, prose, claims)", start)
            to_org(draft)
            start = timed("assemble + validate the org (pydantic)", start)
            report.uncovered()
            timed("line accounting (report.uncovered)", start)
    for stage, seconds in times.items():
        print(f"| {stage} | {min(seconds):.2f} s |")


if __name__ == "__main__":
    main()
