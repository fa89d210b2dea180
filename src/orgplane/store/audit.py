"""The audit log: append and read, nothing else.

Imports ``store.tables``. There is deliberately no function to change or delete an
entry, and the database refuses both (triggers in the migration). Repositories never
commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from orgplane.store.sync import table_of
from orgplane.store.tables import AuditRow

__all__ = ["AuditEntry", "append_audit", "list_audit"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def append_audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Add an entry at the end of the log; its id."""
    table = table_of(AuditRow)
    statement = (
        insert(table)
        .values(at=at, actor=actor, action=action, target=target, before=before, after=after)
        .returning(table.c.id)
    )
    return int(session.execute(statement).scalar_one())


def list_audit(
    session: Session,
    *,
    limit: int = 50,
    target: str | None = None,
    action: str | None = None,
    before: int | None = None,
) -> list[AuditEntry]:
    """The latest entries, newest first (older than the entry ``before``, when given);
    only those about ``target`` or of ``action``, when given."""
    statement = select(AuditRow)
    if before is not None:
        statement = statement.where(AuditRow.id < before)
    if target is not None:
        statement = statement.where(AuditRow.target == target)
    if action is not None:
        statement = statement.where(AuditRow.action == action)
    rows = session.scalars(statement.order_by(AuditRow.id.desc()).limit(limit))
    return [
        AuditEntry(row.id, row.at, row.actor, row.action, row.target, row.before, row.after)
        for row in rows
    ]
