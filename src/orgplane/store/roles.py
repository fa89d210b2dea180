"""Roles in the database. Imports ``model``, ``store.tables`` and ``store.sync``.

A role's ``internal_id`` (seed 004's INF-00x registry ids) is stored, because routing may
need it, but ``RoleView`` — what every read meant for output returns — has no such field.
The one function that returns it, ``internal_role_id``, says so in its name. Repositories
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.store.sync import Row, RowDiff, fetch_rows, with_digest, write_diff
from orgplane.store.tables import RoleRow

__all__ = [
    "RoleView",
    "fetch_roles",
    "get_role",
    "internal_role_id",
    "list_roles",
    "page_roles",
    "spec_roles",
    "write_roles",
]

KEY = ("org_code", "id")


@dataclass(frozen=True, slots=True)
class RoleView:
    """A role for output: everything but its internal id."""

    org_code: str
    id: str
    name: str
    description: str
    specialty: str
    group: str | None
    reports_to: str | None
    responsibilities: list[str]
    headcount_min: int | None
    headcount_max: int | None
    escalation_order: int | None


def spec_roles(org: Org) -> dict[str, Row]:
    """The rows ``org`` wants, by role id."""
    return {
        role.id: with_digest(
            {
                "org_code": org.code,
                "id": role.id,
                "name": role.name,
                "internal_id": role.internal_id,
                "description": role.description,
                "specialty": role.specialty,
                "group_ref": role.group,
                "reports_to": role.reports_to,
                "responsibilities": list(role.responsibilities),
                "headcount_min": role.headcount.min if role.headcount else None,
                "headcount_max": role.headcount.max if role.headcount else None,
                "escalation_order": role.escalation_order,
            }
        )
        for role in org.roles
    }


def fetch_roles(session: Session, org_code: str) -> dict[str, Row]:
    """The stored roles' keys and digests, by id."""
    return fetch_rows(session, RoleRow, org_code, ("id",), (*KEY, "digest"))


def write_roles(session: Session, diff: RowDiff) -> None:
    write_diff(session, RoleRow, diff, KEY)


# Only the columns a RoleView shows are read, so an internal id never even reaches it.
_VIEW_COLUMNS = (
    RoleRow.org_code,
    RoleRow.id,
    RoleRow.name,
    RoleRow.description,
    RoleRow.specialty,
    RoleRow.group_ref,
    RoleRow.reports_to,
    RoleRow.responsibilities,
    RoleRow.headcount_min,
    RoleRow.headcount_max,
    RoleRow.escalation_order,
)


#: Roles by escalation order, those without one last, then by id.
_ORDER = (RoleRow.escalation_order.is_(None), RoleRow.escalation_order, RoleRow.id)


def list_roles(session: Session, org_code: str) -> list[RoleView]:
    """The roles of ``org_code``: by escalation order (those without one last), then id."""
    rows = session.execute(
        select(*_VIEW_COLUMNS).where(RoleRow.org_code == org_code).order_by(*_ORDER)
    )
    return [RoleView(*row) for row in rows]


def page_roles(
    session: Session,
    org_code: str,
    *,
    after: tuple[int | None, str] | None = None,
    limit: int = 50,
) -> list[RoleView]:
    """Up to ``limit`` roles in ``list_roles``'s order, after the role whose (escalation
    order, id) is ``after``."""
    where: list[ColumnElement[bool]] = [RoleRow.org_code == org_code]
    if after is not None:
        order, role_id = after
        if order is None:  # among the roles without an escalation order: by id
            where += [RoleRow.escalation_order.is_(None), RoleRow.id > role_id]
        else:
            where.append(
                or_(
                    RoleRow.escalation_order > order,
                    and_(RoleRow.escalation_order == order, RoleRow.id > role_id),
                    RoleRow.escalation_order.is_(None),
                )
            )
    rows = session.execute(select(*_VIEW_COLUMNS).where(*where).order_by(*_ORDER).limit(limit))
    return [RoleView(*row) for row in rows]


def get_role(session: Session, org_code: str, role_id: str) -> RoleView | None:
    row = session.execute(
        select(*_VIEW_COLUMNS).where(RoleRow.org_code == org_code, RoleRow.id == role_id)
    ).first()
    return RoleView(*row) if row is not None else None


def internal_role_id(session: Session, org_code: str, role_id: str) -> str | None:
    """The internal id of a role, for routing only: never show it to a user."""
    return session.scalar(
        select(RoleRow.internal_id).where(RoleRow.org_code == org_code, RoleRow.id == role_id)
    )
