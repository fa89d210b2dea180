"""The engine's auditor: checks that no page is stuck and no timer is late.

Imports ``store``. Two invariants hold while engines run:

- every triggered page has a pending timer, or its ladder is done (an open page with
  neither would never page anyone again);
- no pending timer is late by more than a lease and a poll interval (a timer that late
  means no engine is running, or every one is stuck).

Engines run ``audit`` every 30 seconds and log what it finds; ``/readyz`` and
``/metrics`` ask it when they are asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from orgplane.store.paging_tables import PageRow, TimerRow

__all__ = ["AUDIT_EVERY", "AuditReport", "audit"]

#: How often an engine runs the auditor.
AUDIT_EVERY = timedelta(seconds=30)
#: The lateness past which a timer counts as late, by default: the default lease (30 s)
#: and poll (0.5 s), rounded up.
DEFAULT_TOLERANCE = timedelta(seconds=31)


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What the auditor found at ``at``."""

    at: datetime
    open_pages: int
    stuck_pages: tuple[str, ...]
    late_timers: int
    #: How late the latest-firing due timer is, in seconds (0 when none is due).
    max_lateness: float

    @property
    def healthy(self) -> bool:
        return not self.stuck_pages and self.late_timers == 0

    def describe(self) -> str:
        if self.healthy:
            return f"{self.open_pages} open page(s); no page stuck, no timer late"
        parts = []
        if self.stuck_pages:
            shown = ", ".join(page[:8] for page in self.stuck_pages[:5])
            parts.append(f"{len(self.stuck_pages)} open page(s) with no timer ({shown})")
        if self.late_timers:
            parts.append(
                f"{self.late_timers} timer(s) late, the latest by {self.max_lateness:.0f} s: "
                "is an engine running ('orgplane worker' or 'orgplane serve')?"
            )
        return "; ".join(parts)


def audit(
    session: Session, *, now: datetime, tolerance: timedelta = DEFAULT_TOLERANCE
) -> AuditReport:
    """Check the invariants (see the module docstring) as of ``now``; reads only."""
    has_timer = exists().where(TimerRow.ref == PageRow.id, TimerRow.status == "pending")
    open_pages = int(session.scalar(select(func.count()).where(PageRow.status == "triggered")) or 0)
    stuck = tuple(
        session.scalars(
            select(PageRow.id)
            .where(PageRow.status == "triggered", PageRow.ladder_done_at.is_(None), ~has_timer)
            .order_by(PageRow.opened_at)
            .limit(100)
        )
    )
    late_before = now - tolerance
    row = session.execute(
        select(func.count(), func.min(TimerRow.due_at)).where(
            TimerRow.status == "pending", TimerRow.due_at < late_before
        )
    ).one()
    late, earliest = int(row[0]), row[1]
    lateness = (now - earliest).total_seconds() if earliest is not None else 0.0
    return AuditReport(now, open_pages, stuck, late, max(lateness, 0.0) if late else 0.0)
