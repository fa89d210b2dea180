"""The parts of an org's model the runtime needs, rebuilt from the database's snapshot.

Imports SQLAlchemy, ``model`` and the store's tables. Pages are escalated by workers
that have no spec: they ask the snapshot the last apply left. ``org_model`` rebuilds an
``Org`` with its group tree (codes, names, kinds, leads), people (with their roles and
contact methods), roles, catalog (owners and owner roles), rotations and escalation
policies; descriptions, KPIs and the rest stay in their tables. ``snapshot_version``
changes whenever an apply changed the org, so a caller may keep the model until then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.store.tables import (
    ApplyRow,
    CatalogRow,
    GroupRow,
    MembershipRow,
    OrgRow,
    PersonRow,
    RoleRow,
)

__all__ = ["org_model", "snapshot_version"]


def snapshot_version(session: Session, org_code: str) -> int | None:
    """The id of the org's last apply that changed it; ``None`` for an unknown org."""
    latest = session.scalar(select(func.max(ApplyRow.id)).where(ApplyRow.org_code == org_code))
    if latest is None:
        exists = session.scalar(select(OrgRow.code).where(OrgRow.code == org_code))
        return None if exists is None else 0
    return int(latest)


def org_model(session: Session, org_code: str) -> Org | None:
    """The org as the runtime needs it (see the module docstring), or ``None``."""
    org_row = session.get(OrgRow, org_code)
    if org_row is None:
        return None
    leads: dict[str, list[str]] = {}
    for path, person in session.execute(
        select(MembershipRow.group_path, MembershipRow.person_id).where(
            MembershipRow.org_code == org_code, MembershipRow.relation == "lead"
        )
    ):
        leads.setdefault(path, []).append(person)
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    groups = session.execute(
        select(GroupRow.path, GroupRow.code, GroupRow.name, GroupRow.kind, GroupRow.parent_path)
        .where(GroupRow.org_code == org_code)
        .order_by(GroupRow.depth, GroupRow.position)
    )
    for path, code, name, kind, parent in groups:
        node: dict[str, Any] = {
            "code": code,
            "name": name,
            "kind": kind,
            "leads": sorted(leads.get(path, [])),
            "groups": [],
        }
        nodes[path] = node
        siblings = nodes[parent]["groups"] if parent in nodes else roots
        siblings.append(node)
    people = [
        {
            "id": row.id,
            "name": row.name,
            "email": row.email,
            "roles": list(row.roles),
            "contacts": list(row.contacts),
        }
        for row in session.scalars(select(PersonRow).where(PersonRow.org_code == org_code))
    ]
    roles = [
        {"id": role_id, "name": name}
        for role_id, name in session.execute(
            select(RoleRow.id, RoleRow.name).where(RoleRow.org_code == org_code)
        )
    ]
    catalog = [
        {
            "id": entry_id,
            "name": name,
            "owner": owner_path,
            "owner_role": owner_role,
        }
        for entry_id, name, owner_path, owner_role in session.execute(
            select(
                CatalogRow.entry_id, CatalogRow.name, CatalogRow.owner_path, CatalogRow.owner_role
            ).where(CatalogRow.org_code == org_code)
        )
    ]
    processes = org_row.processes
    return Org.model_validate(
        {
            "code": org_row.code,
            "name": org_row.name,
            "groups": roots,
            "people": people,
            "roles": roles,
            "catalog": catalog,
            "oncall": processes.get("oncall", []),
            "escalation_policies": processes.get("escalation_policies", []),
        }
    )
