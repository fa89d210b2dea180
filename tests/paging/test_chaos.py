"""Chaos: ``orgplane worker`` processes killed with SIGKILL again and again while they
run over a thousand escalation steps, on a SQLite file and on PostgreSQL.

Three workers (two engines each, a 2 s lease) run the CLI's own ``worker`` command in
processes of their own, started by a fork server (``fork_server``: starting the command
from scratch costs seconds of CPU, and the test restarts a worker at every kill). They
post every notification to a real HTTP receiver on loopback (``chaos_kit``), which fails
some deliveries for a while and one address for good. Pages are opened with their clock
set eleven minutes back, so their ladders (twelve rungs a minute apart) are due at once
or within seconds; 16 of the 100 are acknowledged while their ladder runs. Meanwhile a
random worker is killed every 0.6 s, then every 2 s while work is left, and another
started in its place. Once no timer is pending, the database and the receiver must show
(``chaos_checks``): no step missed, fired twice or early; every notification the ladder
meant delivered at least once; a key delivered more than once only with the "possible
repeat" mark on all but one; and nothing committed as sending, nor received, after an
acknowledgement but what was already in flight.

Timing only decides when things happen; every assertion holds wherever the kills land.
The run prints its numbers (``-s`` shows them). Run it alone with ``-m chaos``.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from orgplane.services import pages as page_service
from orgplane.store.paging_tables import NotificationRow, PageEventRow
from tests.paging.chaos_checks import AckRecord, check, read_outcome, summary, unsettled
from tests.paging.chaos_kit import ForkServer, WorkerPool, chaos_org
from tests.paging.engine_kit import apply_org
from tests.paging.receiver import Receiver

pytestmark = pytest.mark.chaos

#: 100 pages × 12 rungs, less what the acknowledgements stop: over 1,000 steps.
PAGES = 100
ACKNOWLEDGED = 16
WORKERS = 3
#: At least this many kills, one every KILL_EVERY seconds from the start; then one
#: every KILL_LATER seconds while work is left (up to MOST_KILLS).
KILLS = 22
KILL_EVERY = 0.6
KILL_LATER = 2.0
MOST_KILLS = 40
#: Pages are opened over this many seconds.
OPEN_OVER = 10.0
#: How long the work may take to settle after the last page opened (a loaded machine).
SETTLE_WITHIN = 120.0
WORKER_ARGS = ["worker", "--threads", "2", "--lease", "2", "--poll", "0.2"]


@pytest.fixture(scope="module")
def fork_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    server = ForkServer(tmp_path_factory.mktemp("chaos") / "fork-server.log")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    running = Receiver()
    base_url = running.start()
    try:
        yield running, base_url
    finally:
        running.stop()


@dataclass(frozen=True, slots=True)
class Plan:
    """What the run does at which second: open pages (with how far back their clock is
    set), acknowledge some, kill workers."""

    opens: list[tuple[float, timedelta]]
    acks: list[tuple[float, int]]
    kills: list[float]


def _plan(rng: random.Random) -> Plan:
    # The last rung is due at minute 11: between 6 s from now and 3 s ago.
    opens = [
        (OPEN_OVER * i / PAGES, timedelta(minutes=11, seconds=rng.uniform(-6.0, 3.0)))
        for i in range(PAGES)
    ]
    acks = [
        (opens[i][0] + rng.uniform(0.1, 2.5), i) for i in rng.sample(range(PAGES), ACKNOWLEDGED)
    ]
    kills = [0.8 + KILL_EVERY * k + rng.uniform(-0.1, 0.1) for k in range(KILLS)]
    return Plan(opens, sorted(acks), kills)


def _open(engine: Engine, back: timedelta, directories: page_service.DirectoryCache) -> str:
    with Session(engine) as session:
        page = page_service.open_page(
            session=session,
            org_code="OPS",
            target="ops",
            summary="Chaos on db-1",
            component="postgres",
            actor="chaos",
            now=datetime.now(UTC) - back,
            directories=directories,
        )
    return page.id


def _acknowledge(engine: Engine, page_id: str) -> AckRecord:
    """Acknowledge the page, noting what its transaction saw just before committing."""
    seen: list[AckRecord] = []

    def look(session: Session) -> None:
        notes = session.execute(
            select(NotificationRow.id, NotificationRow.status, NotificationRow.attempts).where(
                NotificationRow.page_id == page_id
            )
        ).all()
        steps = session.scalars(
            select(PageEventRow.data).where(
                PageEventRow.page_id == page_id, PageEventRow.kind == "step"
            )
        ).all()
        seen.append(
            AckRecord(
                page_id,
                time.monotonic(),
                {note_id: (status, attempts) for note_id, status, attempts in notes},
                frozenset((int(d["rung"]), int(d["round"])) for d in steps),
            )
        )

    with Session(engine) as session:
        event.listen(session, "before_commit", look)
        closed = page_service.acknowledge_page(
            session=session, page_id=page_id, actor="chaos", now=datetime.now(UTC), via="test"
        )
    assert closed.changed, f"page {page_id} was acknowledged already"
    assert len(seen) == 1
    return seen[0]


def _kill_one(pool: WorkerPool, rng: random.Random) -> list[str]:
    """Kill a worker that has run a moment (so that kills land mid-work), start another."""
    alive = [s for s in range(WORKERS) if time.monotonic() - pool.started_at[s] > 0.3]
    problem = pool.kill_and_restart(rng.choice(alive or list(range(WORKERS))))
    return [problem] if problem else []


def _settle(engine: Engine, pool: WorkerPool, rng: random.Random) -> list[str]:
    """Wait until no timer is pending, killing a worker now and then meanwhile."""
    deadline = time.monotonic() + SETTLE_WITHIN
    next_kill = time.monotonic() + KILL_LATER
    problems: list[str] = []
    while left := unsettled(engine):
        if time.monotonic() > deadline:
            return [f"not settled {SETTLE_WITHIN:g} s after the last page opened:", *left[:15]]
        if time.monotonic() > next_kill and pool.kills < MOST_KILLS:
            problems += _kill_one(pool, rng)
            next_kill = time.monotonic() + KILL_LATER
        time.sleep(0.25)
    return problems


def test_killed_workers_miss_nothing_and_send_nothing_after_an_ack(
    engine: Engine,
    db_url: str,
    backend: str,
    fork_server: ForkServer,
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    listening, base_url = receiver
    apply_org(engine, chaos_org(base_url))
    pool = WorkerPool(
        fork_server,
        tmp_path,
        WORKER_ARGS,
        {
            "ORGPLANE_DB": db_url,
            "ORGPLANE_SECRET": secrets.token_urlsafe(32),
            "ORGPLANE_PUBLIC_URL": "http://orgplane.test",
            "ORGPLANE_NO_CACHE": "1",
        },
        WORKERS,
    )
    plan = _plan(rng)
    problems: list[str] = []
    page_ids: list[str] = []
    acks: dict[str, AckRecord] = {}
    directories = page_service.DirectoryCache()
    events = sorted(
        [(at, "open", i) for i, (at, _) in enumerate(plan.opens)]
        + [(at, "ack", i) for at, i in plan.acks]
        + [(at, "kill", 0) for at in plan.kills]
    )
    begin = planned_end = settled_at = time.monotonic()
    try:
        pool.start()
        begin = time.monotonic()
        for at, what, index in events:
            time.sleep(max(0.0, begin + at - time.monotonic()))
            if what == "open":
                page_ids.append(_open(engine, plan.opens[index][1], directories))
            elif what == "ack":
                page_id = page_ids[index]
                acks[page_id] = _acknowledge(engine, page_id)
            else:
                problems += _kill_one(pool, rng)
        planned_end = time.monotonic()
        problems += _settle(engine, pool, rng)
        settled_at = time.monotonic()
    finally:
        problems += pool.stop()
    outcome = read_outcome(engine, listening.snapshot(), acks, base_url)
    problems += check(outcome)
    numbers = {**summary(outcome), "kills": pool.kills, "workers_started": pool.starts}
    report = (
        f"chaos on {backend} (seed {seed}): "
        + ", ".join(f"{name} {value}" for name, value in numbers.items())
        + f"; {time.monotonic() - started:.1f} s in all: {planned_end - begin:.1f} s opening "
        f"pages and killing, {settled_at - planned_end:.1f} s more until settled"
    )
    print(report)
    shown = "\n".join(problems[:40])
    more = f"\n… and {len(problems) - 40} more" if len(problems) > 40 else ""
    assert not problems, f"{report}\n{len(problems)} problem(s):\n{shown}{more}\n{pool.logs()}"
    assert numbers["steps"] >= 1000, report
    assert pool.kills >= 20, report
