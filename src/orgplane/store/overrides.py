"""Runtime overrides of on-call rotations: someone holds a rotation for a while.

Imports SQLAlchemy and the store's tables; never commits. Overrides set at runtime
(CLI, API, web) live here; those written in the spec live in the spec. A cancelled one
is kept, with who cancelled it, for the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orgplane.store.paging_tables import OverrideRow

__all__ = ["OverrideView", "active_overrides", "cancel_override", "get_override", "insert_override"]


@dataclass(frozen=True, slots=True)
class OverrideView:
    id: int
    org_code: str
    rotation_id: str
    person_id: str
    start_at: datetime
    end_at: datetime
    note: str
    created_at: datetime
    created_by: str
    cancelled_at: datetime | None
    cancelled_by: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "rotation": self.rotation_id,
            "person": self.person_id,
            "start": self.start_at.isoformat(),
            "end": self.end_at.isoformat(),
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "cancelled_at": None if self.cancelled_at is None else self.cancelled_at.isoformat(),
            "cancelled_by": self.cancelled_by,
        }


def _view(row: OverrideRow) -> OverrideView:
    return OverrideView(
        id=row.id,
        org_code=row.org_code,
        rotation_id=row.rotation_id,
        person_id=row.person_id,
        start_at=row.start_at,
        end_at=row.end_at,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
        cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_by,
    )


def insert_override(
    session: Session,
    *,
    org_code: str,
    rotation_id: str,
    person_id: str,
    start_at: datetime,
    end_at: datetime,
    note: str,
    created_at: datetime,
    created_by: str,
) -> OverrideView:
    row = OverrideRow(
        org_code=org_code,
        rotation_id=rotation_id,
        person_id=person_id,
        start_at=start_at,
        end_at=end_at,
        note=note,
        created_at=created_at,
        created_by=created_by,
        cancelled_at=None,
        cancelled_by=None,
    )
    session.add(row)
    session.flush()
    return _view(row)


def get_override(session: Session, override_id: int) -> OverrideView | None:
    row = session.get(OverrideRow, override_id)
    return None if row is None else _view(row)


def active_overrides(
    session: Session,
    org_code: str,
    *,
    rotation_id: str | None = None,
    start: datetime,
    end: datetime,
) -> list[OverrideView]:
    """Overrides not cancelled that overlap [start, end), oldest first (a later one wins)."""
    statement = select(OverrideRow).where(
        OverrideRow.org_code == org_code,
        OverrideRow.cancelled_at.is_(None),
        OverrideRow.start_at < end,
        OverrideRow.end_at > start,
    )
    if rotation_id is not None:
        statement = statement.where(OverrideRow.rotation_id == rotation_id)
    statement = statement.order_by(OverrideRow.created_at, OverrideRow.id)
    return [_view(row) for row in session.scalars(statement)]


def cancel_override(
    session: Session, override_id: int, *, at: datetime, by: str
) -> OverrideView | None:
    """Cancel it; ``None`` when there is no such override or it is already cancelled."""
    result = session.execute(
        update(OverrideRow)
        .where(OverrideRow.id == override_id, OverrideRow.cancelled_at.is_(None))
        .values(cancelled_at=at, cancelled_by=by)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    row = session.get(OverrideRow, override_id, populate_existing=True)
    return None if row is None else _view(row)


def override_people(session: Session, org_code: str) -> set[str]:
    """The ids of the people ``org_code``'s runtime overrides put on call (cancelled ones
    aside): the names on-call answers must know beside the rotations' own."""
    return set(
        session.scalars(
            select(OverrideRow.person_id)
            .where(OverrideRow.org_code == org_code, OverrideRow.cancelled_at.is_(None))
            .distinct()
        )
    )
