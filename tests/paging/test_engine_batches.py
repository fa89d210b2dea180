"""The engine fires what it claimed as batches, on SQLite and PostgreSQL: claims lost
mid-batch change nothing of theirs, one bad timer does not hold the others back, an
idle engine sleeps until the next timer nobody holds, and a commit by another
connection wakes it."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orgplane.services import pages as page_service
from orgplane.store import pages, timers
from orgplane.store.paging_tables import PageRow, TimerRow
from orgplane.store.wakeups import CommitWatcher
from tests.paging.engine_kit import FakeClock, Recorder, apply_org, make_engine


def _open(engine: SqlEngine, clock: FakeClock, target: str = "ops") -> str:
    with Session(engine) as session:
        page = page_service.open_page(
            session=session,
            org_code="OPS",
            target=target,
            summary="Disk full on db-1",
            actor="test",
            now=clock(),
        )
    return page.id


def test_a_batch_of_rungs_and_notifications_pages_everyone_in_it(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder)
    opened = [_open(engine, clock) for _ in range(5)]
    assert worker.run_due() == 5  # five rungs, one batch
    assert worker.run_due() == 5  # their five notifications, one batch
    assert worker.run_due() == 0
    assert sorted(n.page_id for _, n in recorder.sent) == sorted(opened)
    for page_id in opened:
        with Session(engine) as session:
            kinds = [event.kind for event in pages.events_of(session, page_id)]
        assert kinds == ["opened", "step", "notified"]
    assert worker.stats.fired == 10
    assert worker.stats.sent == 5


def test_finish_many_fences_each_claim_of_a_batch(engine: SqlEngine) -> None:
    apply_org(engine)
    clock = FakeClock()
    first, second = _open(engine, clock), _open(engine, clock)
    with Session(engine) as session:
        claimed = timers.claim_due(
            session, worker="a", now=clock(), lease=timedelta(seconds=5), limit=10
        )
        assert {timer.ref for timer in claimed} == {first, second}
        # The lease of the claim on the second page ran out, and another worker took it.
        later = clock() + timedelta(seconds=6)
        taken = timers.claim_due(
            session, worker="b", now=later, lease=timedelta(seconds=5), limit=10
        )
        assert len(taken) == 2
        (mine,) = [t for t in claimed if t.ref == first]
        (theirs,) = [t for t in taken if t.ref == second]
        assert timers.finish_many(session, [mine], now=later) == set()  # taken over too
        assert timers.finish_many(session, [theirs], now=later) == {theirs.id}
        session.commit()
        rows = session.execute(select(TimerRow.ref, TimerRow.status)).all()
    status = {str(row[0]): str(row[1]) for row in rows}
    assert status == {first: "pending", second: "done"}


def test_one_bad_timer_does_not_hold_back_the_rest_of_its_batch(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder)
    good, bad = _open(engine, clock), _open(engine, clock)
    with Session(engine) as session:  # a page whose stored ladder no engine can read
        session.execute(update(PageRow).where(PageRow.id == bad).values(ladder={"rungs": 7}))
        session.commit()
    worker.run_due()
    worker.run_due()
    assert [n.page_id for _, n in recorder.sent] == [good]
    with Session(engine) as session:
        (left,) = session.execute(
            select(TimerRow.status, TimerRow.lease_owner).where(TimerRow.ref == bad)
        ).all()
    # Still claimed: another engine fires it when the lease runs out, the auditor tells.
    assert left == ("pending", worker.worker)


def test_an_idle_engine_sleeps_until_the_next_timer_nobody_holds(engine: SqlEngine) -> None:
    apply_org(engine)
    clock, recorder = FakeClock(), Recorder()
    worker = make_engine(engine, clock, recorder, poll=30.0)
    assert worker._idle_wait() == 30.0  # nothing pending: a whole poll
    _open(engine, clock)
    worker.run_due()
    worker.run_due()
    # The next rung is 15 minutes away: the poll is shorter.
    assert worker._idle_wait() == 30.0
    clock.advance(minutes=14, seconds=50)
    assert worker._idle_wait() == 10.0
    # A timer another engine holds is not waited for: it is not due until its lease ends.
    with Session(engine) as session:
        claimed = timers.claim_due(
            session,
            worker="other",
            now=clock() + timedelta(seconds=10),
            lease=timedelta(minutes=5),
            limit=5,
        )
        assert len(claimed) == 1
        assert timers.next_due_at(session, now=clock()) is None


def test_a_commit_elsewhere_wakes_the_watcher(engine: SqlEngine) -> None:
    apply_org(engine)
    woken = threading.Event()
    watcher = CommitWatcher(engine, woken.set, every=0.01)
    watcher.start()
    try:
        # Listening may start after this first commit: commit until it is heard.
        clock = FakeClock()
        for _ in range(50):
            _open(engine, clock)
            if woken.wait(0.2):
                break
        assert woken.is_set()
    finally:
        watcher.stop()
