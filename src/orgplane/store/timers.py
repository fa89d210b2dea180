"""Durable timers: rows due at an instant, claimed by one worker at a time with a lease.

Imports SQLAlchemy and the store's tables. Timers are written in the caller's
transaction, so a page and its first timer, or an acknowledgement and the cancelling of
everything pending, commit together. An engine fires the timers it claimed in batches:
``finish_many`` and ``extend_leases`` fence a whole batch in one statement and say which
of its claims still hold. ``claim_due`` takes due timers in a short
transaction of its own making: PostgreSQL skips rows another worker holds
(``FOR UPDATE SKIP LOCKED``); SQLite takes its single write lock (``BEGIN IMMEDIATE``)
and claims with one ``UPDATE … RETURNING``. Each claim bumps the timer's ``version``;
``finish`` and ``postpone`` change a timer only while it still has the claimed version,
so a worker whose lease ran out (and whose timer another worker took) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from orgplane.store.engine import begin_write
from orgplane.store.paging_tables import TimerRow
from orgplane.store.sync import table_of

__all__ = [
    "ClaimedTimer",
    "cancel_timers",
    "claim_due",
    "extend_leases",
    "finish",
    "finish_many",
    "lateness_of_due",
    "next_due_at",
    "postpone",
    "schedule",
    "schedule_many",
]


@dataclass(frozen=True, slots=True)
class ClaimedTimer:
    """A timer a worker holds: what to do (``kind``, ``ref``, ``data``) and the
    ``version`` its writes are fenced by."""

    id: int
    kind: str
    ref: str
    due_at: datetime
    version: int
    data: dict[str, Any]


def schedule(
    session: Session, *, kind: str, ref: str, due_at: datetime, data: dict[str, Any] | None = None
) -> None:
    """Add a pending timer (in the caller's transaction)."""
    session.add(
        TimerRow(
            kind=kind,
            ref=ref,
            due_at=due_at,
            status="pending",
            version=0,
            lease_owner=None,
            lease_until=None,
            data=data or {},
            fired_at=None,
        )
    )


def schedule_many(session: Session, rows: list[tuple[str, str, datetime, dict[str, Any]]]) -> None:
    """Add pending timers, each ``(kind, ref, due_at, data)``, in one statement."""
    if not rows:
        return
    session.execute(
        insert(table_of(TimerRow)),
        [
            {
                "kind": kind,
                "ref": ref,
                "due_at": due_at,
                "status": "pending",
                "version": 0,
                "lease_owner": None,
                "lease_until": None,
                "data": data,
                "fired_at": None,
            }
            for kind, ref, due_at, data in rows
        ],
    )


def _due(now: datetime) -> Any:
    return and_(
        TimerRow.status == "pending",
        TimerRow.due_at <= now,
        or_(TimerRow.lease_until.is_(None), TimerRow.lease_until <= now),
    )


def claim_due(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[ClaimedTimer]:
    """Claim up to ``limit`` due timers for ``worker`` until ``now + lease``, earliest
    first, and commit. A timer whose lease ran out is due again (its worker died)."""
    begin_write(session)
    candidates = select(TimerRow.id).where(_due(now)).order_by(TimerRow.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(TimerRow)
        .where(TimerRow.id.in_(candidates.scalar_subquery()))
        .values(
            lease_owner=worker,
            lease_until=now + lease,
            version=TimerRow.version + 1,
        )
        .returning(
            TimerRow.id,
            TimerRow.kind,
            TimerRow.ref,
            TimerRow.due_at,
            TimerRow.version,
            TimerRow.data,
        )
        .execution_options(synchronize_session=False)
    )
    claimed = [ClaimedTimer(*row) for row in session.execute(statement)]
    session.commit()
    claimed.sort(key=lambda timer: timer.due_at)
    return claimed


def _fenced(timer: ClaimedTimer) -> Any:
    return and_(
        TimerRow.id == timer.id,
        TimerRow.version == timer.version,
        TimerRow.status == "pending",
    )


def finish(session: Session, timer: ClaimedTimer, *, now: datetime) -> bool:
    """Mark the claimed timer done; ``False`` (and nothing changed) when the claim was
    lost: the caller must then roll back whatever it wrote on the timer's behalf."""
    result = session.execute(
        update(TimerRow)
        .where(_fenced(timer))
        .values(status="done", fired_at=now, lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _still_pending() -> Any:
    """``status = 'pending'``, written so no index is used for it: for a few rows named
    by key, SQLite would otherwise walk the (status, due_at) index over every pending
    timer (each open page has one) instead of looking the rows up by key."""
    return case((TimerRow.status == "pending", 1), else_=0) == 1


def _held(batch: list[ClaimedTimer]) -> Any:
    return and_(
        TimerRow.id.in_([t.id for t in batch]),  # found by key; then the versions
        tuple_(TimerRow.id, TimerRow.version).in_([(t.id, t.version) for t in batch]),
        _still_pending(),
    )


def finish_many(session: Session, batch: list[ClaimedTimer], *, now: datetime) -> set[int]:
    """Mark the claimed timers done, in one statement; the ids of those whose claim still
    held. Write on behalf of those only (the others belong to another worker now)."""
    if not batch:
        return set()
    statement = (
        update(TimerRow)
        .where(_held(batch))
        .values(status="done", fired_at=now, lease_owner=None, lease_until=None)
        .returning(TimerRow.id)
        .execution_options(synchronize_session=False)
    )
    return set(session.scalars(statement))


def extend_leases(session: Session, batch: list[ClaimedTimer], *, until: datetime) -> set[int]:
    """Keep the claims until ``until`` (before slow calls); the ids still held."""
    if not batch:
        return set()
    statement = (
        update(TimerRow)
        .where(_held(batch))
        .values(lease_until=until)
        .returning(TimerRow.id)
        .execution_options(synchronize_session=False)
    )
    return set(session.scalars(statement))


def postpone(
    session: Session,
    timer: ClaimedTimer,
    *,
    due_at: datetime,
    data: dict[str, Any] | None = None,
) -> bool:
    """Give the claimed timer back, due again at ``due_at``; ``False`` when the claim was
    lost. Bumps the version, so nothing the old claim does afterwards counts."""
    values: dict[str, Any] = {
        "due_at": due_at,
        "lease_owner": None,
        "lease_until": None,
        "version": TimerRow.version + 1,
    }
    if data is not None:
        values["data"] = data
    result = session.execute(
        update(TimerRow)
        .where(_fenced(timer))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def extend_lease(session: Session, timer: ClaimedTimer, *, until: datetime) -> bool:
    """Keep the claim until ``until`` (before a slow call); ``False`` when it was lost."""
    result = session.execute(
        update(TimerRow)
        .where(_fenced(timer))
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_timers(session: Session, refs: list[str]) -> int:
    """Cancel every pending timer of ``refs`` (a page and its notifications)."""
    if not refs:
        return 0
    result = session.execute(
        update(TimerRow)
        .where(TimerRow.ref.in_(refs), _still_pending())
        .values(status="cancelled", lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def next_due_at(session: Session, *, now: datetime) -> datetime | None:
    """When the earliest pending timer nobody holds is due (an idle engine sleeps until
    then). A timer held by a live lease is not counted: it is due again only when the
    lease runs out, and an engine looks again at least every poll interval."""
    unheld = or_(TimerRow.lease_until.is_(None), TimerRow.lease_until <= now)
    return session.scalar(
        select(TimerRow.due_at)
        .where(TimerRow.status == "pending", unheld)
        .order_by(TimerRow.due_at)
        .limit(1)
    )


def lateness_of_due(session: Session, *, now: datetime) -> tuple[int, datetime | None]:
    """How many pending timers are due and unclaimed or held past their lease, and the
    earliest of their due times (the auditor's view)."""
    row = session.execute(select(func.count(), func.min(TimerRow.due_at)).where(_due(now))).one()
    return int(row[0]), row[1]
