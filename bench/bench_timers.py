"""Benchmark: the escalation engine's timers, on SQLite and on PostgreSQL.

Run from the repository root::

    uv run python bench/bench_timers.py [--backend sqlite|postgresql|both] [--db-url URL]
        [--rate 1000] [--duration 10] [--workers 1] [--threads 2] [--pages 200] [--lease 5]

Each backend gets a new database (SQLite: a file in a temporary folder; PostgreSQL: a
server started for the run the way ``tests/db.py`` starts one, or ``--db-url``, an empty
database) with a GENERATED org (``timer_kit.py``: 50 rotations, every person a webhook).
Then three measures, each with worker processes of their own:

1. **Lateness**: ``--rate`` timers due per second for ``--duration`` seconds. Half are
   pages' first rungs, made in advance due one after the other; each rung, when fired,
   writes a notification due at once, the other half. ``--workers`` processes run the
   real engine (``EngineThreads``, ``--threads`` engines each) with every channel a
   no-op. Lateness is |fired − due| of every timer, as each engine notes it when it
   starts firing one. Budget: p99 ≤ 300 ms.
2. **Page to first notification**: ``--pages`` pages opened one at a time with
   ``services.pages.open_page`` as the API's ``POST …/pages`` runs it, 50–150 ms
   apart, each with a zero-delay first step, while ``orgplane worker`` processes (the
   real command, real channels) run; a webhook receiver on loopback notes when each
   page's first notification arrives. Budget: p99 ≤ 500 ms.
3. **A worker killed**: two ``orgplane worker --lease L`` processes share a burst of
   pages; one is killed with SIGKILL while it holds claims. The timers it held (their
   lease owner names its process) are watched until they fire. Budget: each within
   lease + 1 s of the kill; and every page is notified.

``--worker-src DIR`` runs the workers on another copy of orgplane (an older commit's
``src/``, from ``git archive``), to measure the engine before and after a change the
same way, one run after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.db for PostgreSQL

from tests.db import PostgresServer

from orgplane.services import pages as page_service
from orgplane.store import create_engine, upgrade
from orgplane.store.paging_tables import PageRow, TimerRow
from orgplane.store.sync import table_of
from timer_kit import ORG_CODE, Receiver, apply_bench_org, make_pages, receiving

KIT = Path(__file__).with_name("timer_kit.py")
ORGPLANE = Path(sys.executable).with_name("orgplane")
FAR = datetime(2100, 1, 1, tzinfo=UTC)
ROTATIONS = 50
#: ``--worker-src``: a folder holding another ``orgplane`` package for the workers.
WORKER_SRC = ""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"n={len(ms):,} p50 {_percentile(ms, 0.5):.1f} ms, p99 {_percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )


@contextmanager
def _database(backend: str, url: str | None) -> Iterator[str]:
    if url is not None:
        upgrade(url)
        yield url
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-timers-") as folder:
            made = f"sqlite:///{folder}/orgplane.db"
            upgrade(made)
            yield made
        return
    server = PostgresServer()
    try:
        server.start()
        name = server.create_database()
        upgrade(server.url(name))
        yield server.url(name)
    finally:
        server.stop()


@contextmanager
def _workers(command: list[list[str]], scratch: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Worker processes, started and (if still alive) stopped with SIGTERM."""
    logs = [open(scratch / f"worker-{n}.log", "wb") for n in range(len(command))]  # noqa: SIM115
    environ = dict(os.environ)
    if WORKER_SRC:  # --worker-src: the workers run that copy of orgplane
        environ["PYTHONPATH"] = WORKER_SRC
    processes = [
        subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=environ
        )
        for argv, log in zip(command, logs, strict=True)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _wait_for(files: list[Path], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(f.exists() for f in files):
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers did not start within {timeout:g} s")
        time.sleep(0.05)


def _timers_done(url: str) -> int:
    database = create_engine(url)
    try:
        with Session(database) as session:
            return int(session.scalar(select(func.count()).where(TimerRow.status == "done")) or 0)
    finally:
        database.dispose()


def lateness(args: argparse.Namespace, url: str, scratch: Path) -> list[float]:
    """Measure 1: |fired − due| at ``--rate`` timers per second."""
    database = create_engine(url)
    per_second = args.rate / 2  # each page's rung, then its notification
    count = int(per_second * args.duration)
    made = make_pages(database, [FAR] * count, ROTATIONS)
    done_before = _timers_done(url)
    outs = [scratch / f"lateness-{n}.json" for n in range(args.workers)]
    options = ["--threads", str(args.threads), "--poll", str(args.poll), "--noop"]
    command = [
        [sys.executable, str(KIT), "worker", "--db", url, "--out", str(out), *options]
        for out in outs
    ]
    with _workers(command, scratch):
        _wait_for([out.with_suffix(".ready") for out in outs])
        start = datetime.now(UTC) + timedelta(seconds=1)
        due = [start + timedelta(seconds=n / per_second) for n in range(count)]
        timer_table, page_table = table_of(TimerRow), table_of(PageRow)
        rows = [{"page": page, "at": at} for page, at in zip(made, due, strict=True)]
        with database.begin() as connection:  # the pages opened, their rungs due from now
            connection.execute(
                update(timer_table)
                .where(timer_table.c.ref == bindparam("page"))
                .values(due_at=bindparam("at")),
                rows,
            )
            connection.execute(
                update(page_table)
                .where(page_table.c.id == bindparam("page"))
                .values(opened_at=bindparam("at")),
                rows,
            )
        deadline = time.monotonic() + args.duration * 4 + 30
        while _timers_done(url) - done_before < 2 * count and time.monotonic() < deadline:
            time.sleep(0.25)
    database.dispose()
    reports = [json.loads(out.read_text()) for out in outs]
    late = [abs(s) for report in reports for s in report["lateness"]]
    fired = sum(report["fired"] for report in reports)
    print(f"  lateness over {fired:,} timers ({2 * count:,} due): {_summary(late)}")
    return late


def _worker_command(url: str, lease: float, poll: float) -> list[str]:
    options = ["--threads", "2", "--lease", f"{lease:g}", "--poll", f"{poll:g}"]
    return [str(ORGPLANE), "worker", "--db", url, *options]


def _ready(receiver: Receiver, url: str) -> None:
    """Wait until the workers notify: one page opened, its notification received."""
    opened = _open(url, "warm-up")
    deadline = time.monotonic() + 120
    while opened not in receiver.first:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers sent nothing within 120 s")
        time.sleep(0.05)


#: Kept across pages, as the API server keeps it (``api/deps.py``).
DIRECTORIES = page_service.DirectoryCache()


def _open(url: str, summary: str, database: SqlEngine | None = None) -> str:
    """Open a page as ``POST /api/orgs/{org}/pages`` does (the service, the server's
    directory of the org kept between pages)."""
    engine = create_engine(url) if database is None else database
    with Session(engine) as session:
        page = page_service.open_page(
            session=session,
            org_code=ORG_CODE,
            target=f"r{random.randrange(ROTATIONS)}",
            summary=summary,
            actor="bench",
            now=datetime.now(UTC),
            directories=DIRECTORIES,
        )
    return page.id


def first_notification(args: argparse.Namespace, url: str, receiver: Receiver) -> list[float]:
    """Measure 2: from opening a page to its first notification arriving."""
    database = create_engine(url)
    opened: dict[str, float] = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench-timers-"))
    command = [_worker_command(url, 30, args.poll) for _ in range(args.workers)]
    with _workers(command, scratch):
        _ready(receiver, url)
        for n in range(args.pages):
            time.sleep(random.uniform(0.05, 0.15))
            started = time.time()
            opened[_open(url, f"GENERATED page {n}", database)] = started
        deadline = time.monotonic() + 60
        while not opened.keys() <= receiver.first.keys() and time.monotonic() < deadline:
            time.sleep(0.05)
    database.dispose()
    waits = [receiver.first[page] - at for page, at in opened.items() if page in receiver.first]
    missing = len(opened) - len(waits)
    print(f"  page to first notification: {_summary(waits)}; not notified: {missing}")
    return waits


def killed_worker(args: argparse.Namespace, url: str, receiver: Receiver) -> list[float]:
    """Measure 3: the timers a killed worker held fire within its lease."""
    database = create_engine(url)
    scratch = Path(tempfile.mkdtemp(prefix="bench-timers-"))
    command = [_worker_command(url, args.lease, args.poll) for _ in range(2)]
    with _workers(command, scratch) as (victim, _survivor):
        _ready(receiver, url)
        before = receiver.count
        burst = make_pages(database, [datetime.now(UTC)] * args.burst, ROTATIONS)
        while receiver.count - before < args.burst // 10:
            time.sleep(0.01)
        os.kill(victim.pid, signal.SIGKILL)
        killed = datetime.now(UTC)
        victim.wait()
        with Session(database) as session:
            held = session.execute(
                select(TimerRow.id, TimerRow.lease_until).where(
                    TimerRow.status == "pending",
                    TimerRow.lease_owner.like(f"%:{victim.pid}:%"),
                )
            ).all()
        fired: dict[int, datetime | None] = {}
        deadline = time.monotonic() + args.lease * 3 + 30
        while len(fired) < len(held) and time.monotonic() < deadline:
            time.sleep(0.05)
            with Session(database) as session:
                for timer_id, at in session.execute(
                    select(TimerRow.id, TimerRow.fired_at).where(
                        TimerRow.id.in_([h.id for h in held]), TimerRow.status == "done"
                    )
                ):
                    fired[timer_id] = at
        while not set(burst) <= receiver.first.keys() and time.monotonic() < deadline:
            time.sleep(0.05)
    database.dispose()
    delays = [(at - killed).total_seconds() for at in fired.values() if at is not None]
    unnotified = len(set(burst) - receiver.first.keys())
    print(
        f"  killed a worker holding {len(held)} claim(s) (lease {args.lease:g} s): "
        f"{len(fired)} fired again; after the kill: "
        + (f"min {min(delays):.2f} s, max {max(delays):.2f} s" if delays else "-")
        + f"; pages of the burst never notified: {unnotified}"
    )
    return delays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--db-url", help="an empty database to use (instead of a new one)")
    parser.add_argument("--rate", type=int, default=1000, help="timers due per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--threads", type=int, default=2, help="engines per worker")
    parser.add_argument("--poll", type=float, default=0.5, help="the workers' --poll")
    parser.add_argument("--pages", type=int, default=200, help="pages opened one by one")
    parser.add_argument("--lease", type=float, default=5.0, help="lease of measure 3")
    parser.add_argument("--burst", type=int, default=400, help="pages of measure 3")
    parser.add_argument("--only", choices=["lateness", "first", "kill"], action="append")
    parser.add_argument(
        "--worker-src",
        help="run the workers on the orgplane package in this folder (e.g. an older "
        "commit's src/, from 'git archive'), to compare engines on the same machine",
    )
    args = parser.parse_args(argv)
    global WORKER_SRC
    WORKER_SRC = args.worker_src or ""
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    only = set(args.only or ["lateness", "first", "kill"])
    with receiving() as receiver:
        for backend in backends:
            print(f"{backend}:")
            with _database(backend, args.db_url) as url:
                apply_bench_org(create_engine(url), ROTATIONS, receiver.url)
                if "lateness" in only:
                    with tempfile.TemporaryDirectory(prefix="bench-timers-") as scratch:
                        late = lateness(args, url, Path(scratch))
                    print(
                        f"    p99 ≤ 300 ms: {'met' if _percentile(late, 0.99) <= 0.3 else 'missed'}"
                    )
                if "first" in only:
                    waits = first_notification(args, url, receiver)
                    print(
                        f"    p99 ≤ 500 ms: {'met' if _percentile(waits, 0.99) <= 0.5 else 'missed'}"
                    )
                if "kill" in only:
                    delays = killed_worker(args, url, receiver)
                    ok = bool(delays) and max(delays) <= args.lease + 1
                    print(f"    all within lease + 1 s: {'met' if ok else 'missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
