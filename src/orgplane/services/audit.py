"""Read the audit log. Imports ``store``.

Entries are written by the services that change things, in the same transaction as
the change; there is no service to change or delete one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from orgplane.store import audit
from orgplane.store.audit import AuditEntry

__all__ = ["AuditEntry", "list_audit_entries"]


def list_audit_entries(
    *,
    session: Session,
    limit: int = 50,
    target: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """The latest ``limit`` entries, newest first (only about ``target`` / of ``action``)."""
    try:
        return audit.list_audit(session, limit=limit, target=target, action=action)
    finally:
        session.rollback()
