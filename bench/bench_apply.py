"""Benchmark: apply the large generated org into a database, then apply it again unchanged.

Run from the repository root::

    uv run python bench/bench_apply.py [--out DIR] [--db URL] [--repeat N]

Generates the org (``orgplane dev generate`` with the issue's sizes: 4,520 groups,
100,000 people, 50,000 catalog entries) into DIR, or a temporary folder, unless DIR
already holds one; loads and validates it once; then, N times, on a new database each
time (a SQLite file in a temporary folder unless ``--db`` names a PostgreSQL database,
which must be empty and is emptied by ``orgplane db upgrade`` first — do not point it at
data you keep):

(1) the first apply: every row inserted, one transaction;
(2) a no-change re-apply: every row compared, nothing written;
(3) a small change (one squad renamed, one person's name changed) applied.

Each time is the best of N runs of ``apply_spec`` alone (``time.perf_counter``; the load
and validation are timed separately, once). See docs/benchmarks.md for the budget and the
recorded results.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy
from sqlalchemy import NullPool, select, text
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.rules import Finding, default_registry
from orgplane.services import apply_spec
from orgplane.spec import load_spec
from orgplane.spec.generator import generate_org
from orgplane.store import create_engine, upgrade
from orgplane.store.tables import Base, GroupRow

SIZES = {"departments": 20, "squads_per": 25, "units_per": 8, "people": 100_000, "catalog": 50_000}
BUDGET_FIRST_SECONDS = 20.0
BUDGET_NOCHANGE_SECONDS = 5.0


def _apply(url: str, org: Org, findings: list[Finding]) -> tuple[float, bool]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            start = time.perf_counter()
            result = apply_spec(session=session, org=org, findings=findings, actor="bench")
            return time.perf_counter() - start, result.changed
    finally:
        engine.dispose()


def _fresh_database(url: str | None, scratch: Path, run: int) -> str:
    if url is None:
        target = f"sqlite:///{scratch / f'bench-{run}.db'}"
        upgrade(target)
        return target
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE"))
            connection.execute(text("DROP FUNCTION IF EXISTS orgplane_notify_change() CASCADE"))
    finally:
        engine.dispose()
    upgrade(url)
    return url


def _small_change(org: Org) -> Org:
    changed = org.model_copy(deep=True)
    changed.groups[0].groups[0].name = "Renamed Squad"
    changed.people[0].name = "Renamed Person"
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder of the generated org (reused if present)")
    parser.add_argument("--db", help="an EMPTY PostgreSQL database URL (default: SQLite files)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best counts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    with tempfile.TemporaryDirectory(prefix="orgplane-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        out: Path = args.out or scratch / "org"
        if (out / "org.yaml").is_file():
            print(f"reusing the org in {out}", file=sys.stderr)
        else:
            start = time.perf_counter()
            summary = generate_org(out, seed=args.seed, **SIZES)
            print(f"generated {summary} in {time.perf_counter() - start:.1f} s", file=sys.stderr)

        start = time.perf_counter()
        org = load_spec(out)
        findings = default_registry().check(org)
        load_seconds = time.perf_counter() - start
        changed = _small_change(org)
        changed_findings = default_registry().check(changed)

        first: list[float] = []
        again: list[float] = []
        small: list[float] = []
        for run in range(repeat):
            url = _fresh_database(args.db, scratch, run)
            seconds, did_change = _apply(url, org, findings)
            assert did_change
            first.append(seconds)
            seconds, did_change = _apply(url, org, findings)
            assert not did_change, "an unchanged spec must change nothing"
            again.append(seconds)
            seconds, did_change = _apply(url, changed, changed_findings)
            assert did_change
            small.append(seconds)
            engine = create_engine(url)
            with engine.connect() as connection:
                groups = connection.scalar(select(sqlalchemy.func.count()).select_from(GroupRow))
            engine.dispose()
            size = sum(f.stat().st_size for f in scratch.glob(f"bench-{run}.db*"))

    backend = "PostgreSQL" if args.db else "SQLite (WAL)"
    print(
        f"Org: {groups} groups, {len(org.people)} people, {len(org.roles)} roles, "
        f"{len(org.catalog)} catalog entries; {len(findings)} findings stored.\n"
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, {backend}"
        + (f" {size / 1024 / 1024:.0f} MiB file" if not args.db else "")
        + f", {platform.system()}.\nLoad + validate (once, not in the times below): "
        f"{load_seconds:.1f} s. Best of {repeat} runs, each on a new database.\n"
    )
    rows = [
        ("(1) first apply (every row inserted)", min(first)),
        ("(2) no-change re-apply (nothing written)", min(again)),
        ("(3) small change (1 squad renamed, 1 person renamed)", min(small)),
    ]
    print("| Step | Seconds |")
    print("|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")
    verdicts = [
        (f"first apply < {BUDGET_FIRST_SECONDS:.0f} s", min(first) < BUDGET_FIRST_SECONDS),
        (
            f"no-change re-apply < {BUDGET_NOCHANGE_SECONDS:.0f} s",
            min(again) < BUDGET_NOCHANGE_SECONDS,
        ),
    ]
    print("\nBudget: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
