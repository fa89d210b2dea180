"""The apply history: one row per apply that changed an org. Imports ``store.tables``.

Repositories never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from orgplane.store.sync import table_of
from orgplane.store.tables import ApplyRow

__all__ = ["ApplyView", "list_applies", "record_apply"]


@dataclass(frozen=True, slots=True)
class ApplyView:
    id: int
    org_code: str
    applied_at: datetime
    actor: str
    changes: dict[str, Any]
    counts: dict[str, Any]


def record_apply(
    session: Session,
    *,
    org_code: str,
    actor: str,
    at: datetime,
    changes: dict[str, Any],
    counts: dict[str, Any],
) -> int:
    """Add an apply to the history; its id."""
    table = table_of(ApplyRow)
    statement = (
        insert(table)
        .values(org_code=org_code, actor=actor, applied_at=at, changes=changes, counts=counts)
        .returning(table.c.id)
    )
    return int(session.execute(statement).scalar_one())


def list_applies(
    session: Session, org_code: str, *, before: int | None = None, limit: int = 20
) -> list[ApplyView]:
    """The latest applies of ``org_code``, newest first; only those older than the apply
    ``before`` (an id: ids grow with every apply)."""
    statement = select(ApplyRow).where(ApplyRow.org_code == org_code)
    if before is not None:
        statement = statement.where(ApplyRow.id < before)
    rows = session.scalars(statement.order_by(ApplyRow.id.desc()).limit(limit))
    return [
        ApplyView(row.id, row.org_code, row.applied_at, row.actor, row.changes, row.counts)
        for row in rows
    ]
