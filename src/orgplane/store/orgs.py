"""Orgs in the database: the header, policies and process definitions of each org.

Imports ``model``, ``store.tables`` and ``store.sync``. Repositories never commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.store.sync import Row, table_of
from orgplane.store.tables import OrgRow

__all__ = [
    "PROCESS_SECTIONS",
    "OrgView",
    "get_org",
    "get_org_row",
    "insert_org",
    "list_orgs",
    "lock_org",
    "org_row",
    "update_org",
]

#: The process definitions an org row keeps, by ``Org`` field.
PROCESS_SECTIONS = ("oncall", "escalation_policies", "templates", "gates", "workflows", "roadmap")


@dataclass(frozen=True, slots=True)
class OrgView:
    """An org as the database holds it, for output."""

    code: str
    name: str
    description: str
    leads: list[str]
    policies: dict[str, Any]
    processes: dict[str, Any]
    glossary: list[dict[str, Any]]
    notes: list[str]
    created_at: datetime
    updated_at: datetime


def org_row(org: Org) -> Row:
    """The row ``org`` wants, without its timestamps."""
    return {
        "code": org.code,
        "name": org.name,
        "description": org.description,
        "leads": list(org.leads),
        "policies": org.policies.model_dump(mode="json"),
        "processes": {
            section: [item.model_dump(mode="json") for item in getattr(org, section)]
            for section in PROCESS_SECTIONS
        },
        "glossary": [entry.model_dump(mode="json") for entry in org.glossary],
        "notes": list(org.notes),
    }


def lock_org(session: Session, code: str) -> None:
    """Hold the apply lock of org ``code`` until the transaction ends.

    On PostgreSQL an advisory lock, so two servers applying one org take turns; on SQLite
    the writer's transaction (``begin_write``) already excludes every other writer.
    """
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.blake2b(f"orgplane.apply:{code}".encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def get_org_row(session: Session, code: str) -> Row | None:
    table = table_of(OrgRow)
    row = session.execute(select(table).where(table.c.code == code)).mappings().first()
    return dict(row) if row is not None else None


def insert_org(session: Session, row: Row, *, now: datetime) -> None:
    session.execute(insert(table_of(OrgRow)), [{**row, "created_at": now, "updated_at": now}])


def update_org(session: Session, code: str, values: Row, *, now: datetime) -> None:
    table = table_of(OrgRow)
    session.execute(update(table).where(table.c.code == code).values(**values, updated_at=now))


def _view(row: OrgRow) -> OrgView:
    return OrgView(
        code=row.code,
        name=row.name,
        description=row.description,
        leads=row.leads,
        policies=row.policies,
        processes=row.processes,
        glossary=row.glossary,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_org(session: Session, code: str) -> OrgView | None:
    row = session.get(OrgRow, code)
    return _view(row) if row is not None else None


def list_orgs(session: Session) -> list[OrgView]:
    """Every org, by code."""
    return [_view(row) for row in session.scalars(select(OrgRow).order_by(OrgRow.code))]
