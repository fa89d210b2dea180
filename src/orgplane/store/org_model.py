"""An org's model rebuilt from the database's snapshot: the one way back from rows to ``Org``.

Imports SQLAlchemy, ``model`` and the store's tables. Pages are escalated by workers
that have no spec, and the CLI's reading commands answer from the database the server
uses: both ask the snapshot the last apply left. ``org_model`` rebuilds the ``Org`` as
the spec gave it — the group tree with every group's facts (description, leads,
members, responsibilities, stack, KPIs as written, dependencies, stakeholders,
boundaries, notes), people, roles, the catalog, policies and process definitions. What
the snapshot does not keep is not there: source positions, and a KPI's ``measure`` and
``window`` (kept on its series). ``snapshot_version`` changes whenever an apply changed
the org, so a caller may keep the model until then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.store.tables import (
    ApplyRow,
    CatalogRow,
    DependencyRow,
    GroupRow,
    KpiRow,
    OrgRow,
    PersonRow,
    RoleRow,
)

__all__ = ["last_applied", "org_model", "snapshot_version"]


def snapshot_version(session: Session, org_code: str) -> int | None:
    """The id of the org's last apply that changed it; ``None`` for an unknown org."""
    latest = session.scalar(select(func.max(ApplyRow.id)).where(ApplyRow.org_code == org_code))
    if latest is None:
        exists = session.scalar(select(OrgRow.code).where(OrgRow.code == org_code))
        return None if exists is None else 0
    return int(latest)


def last_applied(session: Session, org_code: str) -> datetime | None:
    """When the org's snapshot last changed (its newest apply)."""
    return session.scalar(
        select(func.max(ApplyRow.applied_at)).where(ApplyRow.org_code == org_code)
    )


def _by_group(rows: Any) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for path, item in rows:
        out.setdefault(path, []).append(item)
    return out


def _groups(session: Session, org_code: str) -> list[dict[str, Any]]:
    """The group tree as the spec writes it: nested mappings, children in spec order."""
    kpis = _by_group(
        (
            row.group_path,
            {"text": row.text, "name": row.name, "weight": row.weight, "note": row.note},
        )
        for row in session.scalars(
            select(KpiRow).where(KpiRow.org_code == org_code).order_by(KpiRow.position)
        )
    )
    dependencies = _by_group(
        (
            row.group_path,
            {
                "target": row.target,
                "provides": row.provides,
                "direction": row.direction,
                "note": row.note,
            },
        )
        for row in session.scalars(
            select(DependencyRow)
            .where(DependencyRow.org_code == org_code)
            .order_by(DependencyRow.position)
        )
    )
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    rows = session.scalars(
        select(GroupRow)
        .where(GroupRow.org_code == org_code)
        .order_by(GroupRow.depth, GroupRow.position)
    )
    for row in rows:
        node: dict[str, Any] = {
            "code": row.code,
            "name": row.name,
            "kind": row.kind,
            "description": row.description,
            "leads": list(row.leads),
            "members": list(row.members),
            "oncall": list(row.oncall) if row.oncall is not None else None,
            "responsibilities": list(row.responsibilities),
            "stack": list(row.stack),
            "kpis": kpis.get(row.path, []),
            "dependencies": dependencies.get(row.path, []),
            "stakeholders": list(row.stakeholders),
            "boundaries": list(row.boundaries),
            "notes": list(row.notes),
            "groups": [],
        }
        nodes[row.path] = node
        parent = row.parent_path
        (nodes[parent]["groups"] if parent in nodes else roots).append(node)
    return roots


def org_model(session: Session, org_code: str) -> Org | None:
    """The org as its last apply stored it (see the module docstring), or ``None``."""
    org_row = session.get(OrgRow, org_code)
    if org_row is None:
        return None
    people = [
        {
            "id": row.id,
            "name": row.name,
            "email": row.email,
            "chat": row.chat,
            "timezone": row.timezone,
            "roles": list(row.roles),
            "contacts": list(row.contacts),
        }
        for row in session.scalars(
            select(PersonRow).where(PersonRow.org_code == org_code).order_by(PersonRow.id)
        )
    ]
    roles = [
        {
            "id": row.id,
            "name": row.name,
            "internal_id": row.internal_id,
            "description": row.description,
            "specialty": row.specialty,
            "group": row.group_ref,
            "reports_to": row.reports_to,
            "responsibilities": list(row.responsibilities),
            "headcount": None
            if row.headcount_min is None
            else {"min": row.headcount_min, "max": row.headcount_max},
            "escalation_order": row.escalation_order,
        }
        for row in session.scalars(
            select(RoleRow).where(RoleRow.org_code == org_code).order_by(RoleRow.id)
        )
    ]
    catalog = [
        {
            "id": row.entry_id,
            "name": row.name,
            "kind": row.kind,
            "owner": row.owner,
            "owner_role": row.owner_role,
            "description": row.description,
            "tier": row.tier,
            "lifecycle": row.lifecycle,
            "sla": row.sla,
            "contact": row.contact,
            "intake": row.intake,
            "escalation": list(row.escalation),
            "tools": list(row.tools),
            "depends_on": list(row.depends_on),
            "tags": list(row.tags),
        }
        for row in session.scalars(
            select(CatalogRow).where(CatalogRow.org_code == org_code).order_by(CatalogRow.id)
        )
    ]
    return Org.model_validate(
        {
            "code": org_row.code,
            "name": org_row.name,
            "description": org_row.description,
            "leads": list(org_row.leads),
            "groups": _groups(session, org_code),
            "people": people,
            "roles": roles,
            "catalog": catalog,
            "policies": org_row.policies,
            **org_row.processes,
            "glossary": list(org_row.glossary),
            "notes": list(org_row.notes),
        }
    )
