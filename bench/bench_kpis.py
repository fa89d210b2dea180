"""Benchmark: scoring every KPI of a large generated org over 10 million measurements.

Run from the repository root::

    uv run python bench/bench_kpis.py [--out DIR] [--db FILE] [--measurements N] [--repeat N]

1. Generates the org of ``bench_load.py`` with 15 KPIs on every unit besides the squads'
   own (``orgplane dev generate --kpis-per-unit 15``: about 61,000 KPIs) into DIR, or a
   temporary folder, unless DIR already holds one.
2. Applies it as a user would (``orgplane db upgrade``, ``orgplane apply``) into a new
   SQLite file, unless ``--db FILE`` already holds it.
3. Stores ``--measurements`` (default 10,000,000) GENERATED measurements spread over
   the KPIs and the 90 days before the scoring moment (ratio SLOs with good/total
   counts), written with sqlite3 in one transaction. This is benchmark data, not
   measured data.
4. Scores every KPI of the org (``services.scorecard.score_org``: every window's sums in
   SQL, percentiles, SLO burn-rate windows, statuses, roll-ups up the tree) ``--repeat``
   times in a fresh process state, and reports each run and the median; then the same
   through ``orgplane scorecard --format json`` once, as a user runs it.

Budget (the KPI issue): under 5 s for 60,000 KPIs or more over 10 million measurements.
See docs/benchmarks.md ("Scoring KPIs") for recorded results.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bench_load import SIZES
from orgplane.kpis.budget import is_slo
from orgplane.services.scorecard import score_org
from orgplane.spec.generator import generate_org
from orgplane.store import create_engine
from orgplane.store.kpi_series import list_series

BUDGET_SECONDS = 5.0
KPIS_PER_UNIT = 15
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DAYS = 90


def _run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(["orgplane", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _measurements(db: Path, total: int, seed: int) -> tuple[int, float]:
    """Store ``total`` generated measurements; returns (series, seconds)."""
    url = f"sqlite:///{db}"
    engine = create_engine(url)
    with Session(engine) as session:
        series = list_series(session, "GEN")
    engine.dispose()
    rng = random.Random(seed)
    per = max(1, total // len(series))
    extra = total - per * len(series)
    end_ms = int(NOW.timestamp() * 1000)
    span_ms = DAYS * 86_400_000
    start = time.perf_counter()
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("BEGIN")
    insert = (
        "INSERT INTO kpi_measurements (series_id, at_ms, value, good, total) VALUES (?,?,?,?,?)"
    )
    for index, item in enumerate(series):
        count = per + (1 if index < extra else 0)
        step = span_ms // count
        target = item.objective.value if item.objective.value is not None else 1.0
        slo = is_slo(item.objective)
        # A measurement every ``step``, ending just before the scoring moment.
        rows: list[tuple[int, int, float, float | None, float | None]] = []
        for i in range(count):
            at = end_ms - span_ms + i * step + 1
            if slo:
                total_events = 1000.0
                good = total_events - rng.randint(0, 3)
                rows.append((item.id, at, good / total_events, good, total_events))
            else:
                scale = abs(target) or 1.0
                rows.append((item.id, at, target + rng.gauss(0, 0.1) * scale, None, None))
        connection.executemany(insert, rows)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return len(series), time.perf_counter() - start


def _score(db: Path) -> tuple[float, int, dict[str, int]]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            start = time.perf_counter()
            card = score_org(session, "GEN", NOW)
            seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    counts = {status.value: n for status, n in card.rollup.counts.items()}
    return seconds, len(card.scores), counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="Folder for the generated org (kept).")
    parser.add_argument("--db", type=Path, help="SQLite file (kept and reused).")
    parser.add_argument("--measurements", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orgplane-bench-kpis-") as scratch:
        out = args.out or Path(scratch) / "org"
        if not out.is_dir() or not any(out.glob("*.yaml")):
            start = time.perf_counter()
            summary = generate_org(out, seed=args.seed, kpis_per_unit=KPIS_PER_UNIT, **SIZES)
            print(f"generated {summary} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        db = args.db or Path(scratch) / "kpis.db"
        if not db.exists():
            url = f"sqlite:///{db}"
            _run("db", "upgrade", "--db", url)
            seconds = _run("apply", str(out), "--db", url)
            print(f"applied in {seconds:.1f} s", file=sys.stderr)
            series, seconds = _measurements(db, args.measurements, args.seed)
            rate = args.measurements / seconds
            print(
                f"stored {args.measurements:,} generated measurements of {series:,} KPIs "
                f"in {seconds:.1f} s ({rate:,.0f}/s)",
                file=sys.stderr,
            )
        stored = sqlite3.connect(db).execute("SELECT count(*) FROM kpi_measurements").fetchone()[0]
        runs = []
        kpis, counts = 0, dict[str, int]()
        for _ in range(args.repeat):
            seconds, kpis, counts = _score(db)
            runs.append(seconds)
        median = statistics.median(runs)
        cli = _run(
            "scorecard", "--db", f"sqlite:///{db}", "--format", "json", "--at", NOW.isoformat()
        )
        print(
            f"machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        )
        print(f"KPIs scored: {kpis:,} over {stored:,} stored measurements")
        print(f"statuses: {counts}")
        print("score_org runs (s): " + ", ".join(f"{r:.2f}" for r in runs))
        print(
            f"score_org median: {median:.2f} s (budget {BUDGET_SECONDS:.0f} s: "
            f"{'met' if median < BUDGET_SECONDS else 'MISSED'})"
        )
        print(f"'orgplane scorecard --format json' (process start to exit): {cli:.2f} s")
        ok = (
            median < BUDGET_SECONDS
            and kpis >= 60_000
            and stored >= 10_000_000
            and not math.isnan(median)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
