"""Benchmark: load and validate a large generated org, against a bare YAML parse of it.

Run from the repository root::

    uv run python bench/bench_load.py [--out DIR] [--repeat N]

Generates the org (``orgplane dev generate`` with the issue's sizes) into DIR, or into a
temporary folder, unless DIR already holds one; then measures, in this one process and
interleaved so that a noisy machine slows every step alike:

(a)  a bare ``yaml.load(f, Loader=yaml.CSafeLoader)`` of every file (the baseline);
(a') the same with the cyclic GC off, as ``load_spec`` runs (a fairer baseline);
(b)  ``load_spec``: read with positions, validate the models, merge;
(c)  ``load_spec`` and then every installed rule, ``default_registry().check(org)``;
     (b) and (c) also with parallel loading off (``spec/parallel.py``), for the ratio;
     (c) also with the spec cache on (``spec/cache.py``), empty and then warm; every
     other step runs with the cache off, reading every file;
(d)  ``deps --reverse`` on the most depended-on group: ``OrgIndex(org).impact(path,
     reverse=True)``, once including the index build and once on a built index.

Each time is the best of N runs (``time.perf_counter``). Peak memory is the process's
peak RSS (``ru_maxrss``), read right after the first load and validation, before any bare
parse; the worker that reads files in parallel has its own, reported beside it.
``--breakdown`` adds where the time of (c) goes, stage by stage. See docs/benchmarks.md for the budget and recorded results.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import yaml

from orgplane.model import Org, OrgIndex
from orgplane.rules import RuleRegistry, default_registry
from orgplane.spec import SpecDocument, find_spec_files, load_spec, merge_documents, parallel
from orgplane.spec.generator import generate_org
from orgplane.spec.packed import read_packed_file
from orgplane.spec.parallel import validate_packed
from orgplane.spec.reader import read_yaml_file

T = TypeVar("T")

#: The sizes the issue asks for (``orgplane dev generate`` defaults).
SIZES = {"departments": 20, "squads_per": 25, "units_per": 8, "people": 100_000, "catalog": 50_000}
BUDGET_SECONDS = 3.0
BUDGET_RSS_MIB = 1.5 * 1024
BUDGET_QUERY_SECONDS = 0.100
GOAL_RATIO = 2.0


def _peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@contextlib.contextmanager
def _cache(folder: Path | None) -> Iterator[None]:
    """The spec cache (``spec/cache.py``) in ``folder``; off for None."""
    saved = {name: os.environ.get(name) for name in ("ORGPLANE_NO_CACHE", "ORGPLANE_CACHE_DIR")}
    if folder is None:
        os.environ["ORGPLANE_NO_CACHE"] = "1"
    else:
        os.environ.pop("ORGPLANE_NO_CACHE", None)
        os.environ["ORGPLANE_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _serial_loading() -> Iterator[None]:
    """Parallel loading off: no spec is large enough for it."""
    threshold = parallel.PARALLEL_MIN_BYTES
    parallel.PARALLEL_MIN_BYTES = sys.maxsize
    try:
        yield
    finally:
        parallel.PARALLEL_MIN_BYTES = threshold


def _bare_parse(files: list[Path]) -> None:
    for file in files:
        with file.open("rb") as stream:
            yaml.load(stream, Loader=yaml.CSafeLoader)


def _bare_parse_without_gc(files: list[Path]) -> None:
    gc.disable()
    try:
        _bare_parse(files)
    finally:
        gc.enable()


def _timed(step: Callable[[], object]) -> tuple[float, object]:
    gc.collect()  # garbage of the previous step is not this step's cost
    return _clock(step)


def _clock(step: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def _one_round(
    out: Path,
    files: list[Path],
    registry: RuleRegistry,
    target: str,
    load_and_validate: Callable[[], Org],
) -> list[tuple[str, float]]:
    """One run of every step, as (step, seconds)."""
    times = [
        ("a", _timed(lambda: _bare_parse(files))[0]),
        ("a0", _timed(lambda: _bare_parse_without_gc(files))[0]),
        ("b", _timed(lambda: load_spec(out))[0]),
    ]
    with _serial_loading():
        times.append(("b1", _timed(lambda: load_spec(out))[0]))
        times.append(("c1", _timed(load_and_validate)[0]))
    seconds, org = _timed(load_and_validate)
    times.append(("c", seconds))
    assert isinstance(org, Org)
    times.append(("rules", _timed(lambda: registry.check(org))[0]))
    times.append(("d1", _timed(lambda: OrgIndex(org).impact(target, reverse=True))[0]))
    index = OrgIndex(org)
    index.impact(target, reverse=True)
    times.append(("d2", _timed(lambda: index.impact(target, reverse=True))[0]))
    with (
        tempfile.TemporaryDirectory(prefix="orgplane-bench-cache-") as folder,
        _cache(Path(folder)),
    ):
        times.append(("c_cold", _timed(load_and_validate)[0]))  # reads, writes the cache
        times.append(("c_warm", _timed(load_and_validate)[0]))  # no file changed
    return times


def _stages(files: list[Path], registry: RuleRegistry) -> list[tuple[str, float]]:
    def events() -> None:
        for file in files:
            parser = yaml.CSafeLoader(file.read_text(encoding="utf-8"))
            for _ in iter(parser.get_event, None):
                pass

    gc.disable()
    try:
        stages = [("events", _clock(events)[0])]
        seconds, raws = _clock(lambda: [read_yaml_file(file, str(file)) for file in files])
        stages.append(("read", seconds))
        seconds, documents = _clock(lambda: [SpecDocument.model_validate(raw) for raw in raws])
        stages.append(("validate", seconds))
        named = [(str(file), document) for file, document in zip(files, documents, strict=True)]
        seconds, org = _clock(lambda: merge_documents(named))
        stages.append(("merge", seconds))
        for done in (raws, documents, named):
            done.clear()  # free them before the packed stages
        stages.extend(_packed_stages(files))
    finally:
        gc.freeze()  # leave the GC as load_spec does (see spec/loader.py)
        gc.unfreeze()
        gc.enable()
    stages.append(("rules", _clock(lambda: registry.check(org))[0]))
    return stages


def _packed_stages(files: list[Path]) -> list[tuple[str, float]]:
    """The packed form's read and validation (what ``spec/parallel.py`` runs per file)."""
    seconds, packs = _clock(lambda: [read_packed_file(file, str(file)) for file in files])
    stages = [("packed", seconds)]
    seconds, _ = _clock(
        lambda: [
            validate_packed(pack, str(file))
            for pack, file in zip(packs, files, strict=True)
            if pack is not None
        ]
    )
    stages.append(("validate_packed", seconds))
    return stages


def _most_depended(index: OrgIndex) -> tuple[str, int]:
    incoming = Counter(edge.target for edge in index.edges)
    path, count = max(incoming.items(), key=lambda item: (item[1], item[0]))
    return path, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder of the generated org (reused if present)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--breakdown", action="store_true", help="also time each load stage")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    with tempfile.TemporaryDirectory(prefix="orgplane-bench-") as scratch:
        out: Path = args.out or Path(scratch) / "org"
        if (out / "org.yaml").is_file():
            print(f"reusing the org in {out}", file=sys.stderr)
        else:
            start = time.perf_counter()
            summary = generate_org(out, seed=args.seed, **SIZES)
            print(f"generated {summary} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        _run(out, repeat)
        if args.breakdown:
            _breakdown(out, repeat)
    return 0


def _run(out: Path, repeat: int) -> None:
    with _cache(None):  # every step but the two that say so reads the files
        _run_steps(out, repeat)


def _run_steps(out: Path, repeat: int) -> None:
    files = find_spec_files(out)
    size_mib = sum(file.stat().st_size for file in files) / 1024 / 1024
    registry = default_registry()
    findings: list[int] = []

    def load_and_validate() -> Org:
        org = load_spec(out)
        findings.append(len(default_registry().check(org)))
        return org

    # The first load and validation, before anything else big, gives the peak memory.
    org = load_and_validate()
    peak_after_load = _peak_rss_mib()
    peak_worker = _peak_rss_mib(resource.RUSAGE_CHILDREN)
    target, incoming = _most_depended(OrgIndex(org))
    rows = len(OrgIndex(org).impact(target, reverse=True))
    del org

    best: dict[str, float] = {}
    for _ in range(repeat):
        for step, seconds in _one_round(out, files, registry, target, load_and_validate):
            best[step] = min(seconds, best.get(step, float("inf")))
    peak = _peak_rss_mib()

    ratio = best["c"] / best["a"]
    ratio_no_gc = best["c"] / best["a0"]
    print(
        f"Org: {len(files)} files, {size_mib:.1f} MiB; most depended-on group {target} "
        f"({incoming} direct dependents, {rows} groups in `deps --reverse`); "
        f"{findings[0]} findings from {len(registry)} rules.\n"
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PyYAML {yaml.__version__} (libyaml {yaml.__with_libyaml__}), {platform.system()}.\n"
        f"Best of {repeat} runs.\n"
    )
    table = [
        ("(a) bare parse: `yaml.load(f, Loader=yaml.CSafeLoader)`", best["a"], 1.0),
        ("(a') bare parse, cyclic GC off", best["a0"], best["a0"] / best["a"]),
        ("(b) `load_spec`", best["b"], best["b"] / best["a"]),
        ("(b) `load_spec`, parallel loading off", best["b1"], best["b1"] / best["a"]),
        ("(c) `load_spec` + validate (all rules)", best["c"], ratio),
        ("(c) load + validate, parallel loading off", best["c1"], best["c1"] / best["a"]),
        ("    of which the rules: `registry.check(org)`", best["rules"], None),
        ("(c) load + validate, cache empty (reads, then writes it)", best["c_cold"], None),
        ("(c) load + validate, cache warm (no file changed)", best["c_warm"], None),
        ("(d) `deps --reverse`, first query incl. `OrgIndex` build", best["d1"], None),
        ("(d) `deps --reverse` on a built index", best["d2"], None),
    ]
    print("| Step | Seconds | × (a) |")
    print("|---|---:|---:|")
    for name, seconds, times in table:
        shown = f"{times:.2f}×" if times is not None else ""
        print(f"| {name.strip()} | {seconds:.3f} | {shown} |")
    print(
        f"\nLoad + validate ÷ bare parse: (c)/(a) = {ratio:.2f}× (goal ≤ {GOAL_RATIO:.0f}×); "
        f"(c)/(a') = {ratio_no_gc:.2f}×.\n"
        f"Parallel ÷ serial loading: (b) {best['b'] / best['b1']:.2f}×, "
        f"(c) {best['c'] / best['c1']:.2f}×.\n"
        f"Peak RSS: {peak_after_load:.0f} MiB after the first load + validate (its worker "
        f"{peak_worker:.0f} MiB), {peak:.0f} MiB for the whole run."
    )
    verdicts = [
        (f"load + validate < {BUDGET_SECONDS:.0f} s", best["c"] < BUDGET_SECONDS),
        (
            f"the same with a warm cache < {BUDGET_SECONDS:.0f} s",
            best["c_warm"] < BUDGET_SECONDS,
        ),
        (f"peak RSS < {BUDGET_RSS_MIB / 1024:.1f} GiB", peak_after_load < BUDGET_RSS_MIB),
        (
            f"deps --reverse < {BUDGET_QUERY_SECONDS * 1000:.0f} ms (incl. index build)",
            best["d1"] < BUDGET_QUERY_SECONDS,
        ),
        (f"(c)/(a) ≤ {GOAL_RATIO:.0f}×", ratio <= GOAL_RATIO),
    ]
    print("Budget: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in verdicts))


def _breakdown(out: Path, repeat: int) -> None:
    """Time the stages of load + validate one by one (GC off, as ``load_spec`` runs)."""
    files = find_spec_files(out)
    registry = default_registry()
    best: dict[str, float] = {}
    for _ in range(repeat):
        gc.collect()
        for name, seconds in _stages(files, registry):
            best[name] = min(seconds, best.get(name, float("inf")))
    rows = [
        ("libyaml parse to PyYAML event objects, nothing built", best["events"]),
        ("`read_yaml_file`: the events above + values with positions", best["read"]),
        ("`SpecDocument.model_validate`: pydantic + attaching positions", best["validate"]),
        ("`merge_documents`", best["merge"]),
        ("`read_packed_file`: the same values, in the packed form", best["packed"]),
        ("`validate_packed`: pydantic on plain dicts + packed positions", best["validate_packed"]),
        ("`registry.check(org)`: every rule", best["rules"]),
    ]
    print(f"\nWhere load + validate goes (GC off like `load_spec`; best of {repeat}):\n")
    print("| Stage | Seconds |")
    print("|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    raise SystemExit(main())
