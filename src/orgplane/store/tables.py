"""The database schema: every table orgplane stores, as typed SQLAlchemy 2 mappings.

Imports SQLAlchemy, ``store.table_base`` (what the tables share) and
``store.kpi_tables`` (the KPI tables, named here too). The repositories (``store/<noun>.py``) read and write these
tables; the Alembic migrations in ``store/migrations`` create them, and a test checks the
two agree.

Identity. Spec entities are identified the way the spec identifies them, so runtime
records can point at them and keep pointing after any number of applies: an org by its
code; a group by org code + path (``1C/C-5/U-RE1``); a person, role or catalog entry by
org code + its id. The integer ``id`` columns of ``groups`` and ``catalog_entries`` exist
only to link SQLite's full-text index to its rows: nothing outside the store uses them.

Text search. ``search_text`` holds the searchable words of a group or catalog entry,
normalized by ``store/search.py``; the migrations index it (an FTS5 table kept in step by
triggers on SQLite, a GIN ``to_tsvector`` index on PostgreSQL). Those indexes are not
declared here, because they are not portable SQL.

Fingerprints. ``people``, ``roles`` and ``catalog_entries`` keep a ``digest`` of each
row's spec content (``store.sync.with_digest``): an apply compares 100,000 digests
instead of 100,000 rows.

The audit log is append-only: there is no repository function to change or delete an
entry, and the database refuses UPDATE and DELETE on it (triggers in the migration).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orgplane.store.kpi_tables import KpiSeriesRow, MeasurementRow
from orgplane.store.paging_tables import (
    NotificationRow,
    OverrideRow,
    PageEventRow,
    PageRow,
    TimerRow,
)
from orgplane.store.table_base import CLUSTERED, Base, RowId, UtcDateTime, group_ref, org_ref

__all__ = [
    "TOKEN_ROLES",
    "ApplyRow",
    "AuditRow",
    "Base",
    "CatalogRow",
    "DependencyRow",
    "FindingRow",
    "GroupRow",
    "KpiRow",
    "KpiSeriesRow",
    "MeasurementRow",
    "MembershipRow",
    "NotificationRow",
    "OrgRow",
    "OverrideRow",
    "PageEventRow",
    "PageRow",
    "PersonRow",
    "RoleRow",
    "TimerRow",
    "TokenRow",
    "UtcDateTime",
]

#: API token roles, weakest first.
TOKEN_ROLES = ("viewer", "editor", "admin")

# -- the spec snapshot --------------------------------------------------------------------


class OrgRow(Base):
    """One org's header, policies and process definitions, as the last apply left them."""

    __tablename__ = "orgs"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    leads: Mapped[list[str]]
    #: ``Policies`` as JSON (``model_dump(mode="json")``).
    policies: Mapped[dict[str, Any]]
    #: Process definitions by section: oncall, templates, gates, workflows, roadmap.
    processes: Mapped[dict[str, Any]]
    glossary: Mapped[list[dict[str, Any]]]
    notes: Mapped[list[str]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class GroupRow(Base):
    """A node of the org tree; identity: org code + path."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("org_code", "path"),
        Index(None, "org_code", "code"),
        Index(None, "org_code", "parent_path", "position"),
        Index(None, "org_code", "kind"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(String(64), org_ref())
    path: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    #: Path of the parent group; ``None`` for a top-level group.
    parent_path: Mapped[str | None] = mapped_column(Text)
    depth: Mapped[int]
    #: Place among its siblings, from 0, in spec order.
    position: Mapped[int]
    leads: Mapped[list[str]]
    members: Mapped[list[str]]
    #: ``None`` when the spec does not list an on-call rotation (not the same as ``[]``).
    oncall: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    responsibilities: Mapped[list[str]]
    #: ``[{"name", "version", "note"}]``
    stack: Mapped[list[dict[str, Any]]]
    stakeholders: Mapped[list[str]]
    boundaries: Mapped[list[str]]
    notes: Mapped[list[str]]
    search_text: Mapped[str] = mapped_column(Text)


class KpiRow(Base):
    """A KPI of a group exactly as written, at its place in the group's list."""

    __tablename__ = "group_kpis"
    __table_args__ = (group_ref("group_kpis"), CLUSTERED)

    org_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_path: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)


class DependencyRow(Base):
    """A dependency of a group as written, and the path its target resolved to."""

    __tablename__ = "group_dependencies"
    __table_args__ = (
        group_ref("group_dependencies"),
        Index(None, "org_code", "target_path"),
        CLUSTERED,
    )

    org_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_path: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(Text)
    #: ``None`` when the target does not resolve to exactly one group.
    target_path: Mapped[str | None] = mapped_column(Text)
    provides: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)


class MembershipRow(Base):
    """Who is in a group as what (lead, member, oncall): the index behind "groups of P"."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        group_ref("group_memberships"),
        Index(None, "org_code", "person_id"),
        CheckConstraint("relation IN ('lead', 'member', 'oncall')", name="relation"),
        CLUSTERED,
    )

    org_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_path: Mapped[str] = mapped_column(Text, primary_key=True)
    relation: Mapped[str] = mapped_column(String(16), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(128), primary_key=True)


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (Index(None, "org_code", "name"), CLUSTERED)

    org_code: Mapped[str] = mapped_column(String(64), org_ref(), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    chat: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(Text)
    #: ``ContactMethod``\ s as JSON, in the order they are tried.
    contacts: Mapped[list[dict[str, Any]]]
    roles: Mapped[list[str]]
    digest: Mapped[str] = mapped_column(String(32))


class RoleRow(Base):
    """A role. ``internal_id`` is stored for routing and never returned by output reads."""

    __tablename__ = "roles"
    __table_args__ = (CLUSTERED,)

    org_code: Mapped[str] = mapped_column(String(64), org_ref(), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    internal_id: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    specialty: Mapped[str] = mapped_column(Text)
    group_ref: Mapped[str | None] = mapped_column(Text)
    reports_to: Mapped[str | None] = mapped_column(String(128))
    responsibilities: Mapped[list[str]]
    headcount_min: Mapped[int | None]
    headcount_max: Mapped[int | None]
    escalation_order: Mapped[int | None]
    digest: Mapped[str] = mapped_column(String(32))


class CatalogRow(Base):
    """A catalog entry; identity: org code + entry id."""

    __tablename__ = "catalog_entries"
    __table_args__ = (
        UniqueConstraint("org_code", "entry_id"),
        Index(None, "org_code", "owner_path"),
        Index(None, "org_code", "name"),
        Index(None, "org_code", "owner"),  # migration 0003
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(String(64), org_ref())
    entry_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(Text)
    #: The owner reference resolved to a group path, when it names exactly one group.
    owner_path: Mapped[str | None] = mapped_column(Text)
    owner_role: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    tier: Mapped[int | None]
    lifecycle: Mapped[str] = mapped_column(Text)
    sla: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(Text)
    intake: Mapped[str] = mapped_column(Text)
    escalation: Mapped[list[str]]
    tools: Mapped[list[str]]
    depends_on: Mapped[list[str]]
    tags: Mapped[list[str]]
    search_text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(32))


class FindingRow(Base):
    """A validator finding of the org's last apply (errors never: such a spec is refused)."""

    __tablename__ = "findings"
    __table_args__ = (Index(None, "org_code", "subject"), CLUSTERED)

    org_code: Mapped[str] = mapped_column(String(64), org_ref(), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    file: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None]
    col: Mapped[int | None]
    hint: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)


# -- runtime records ----------------------------------------------------------------------


class ApplyRow(Base):
    """One apply that changed an org: who, when, and the change report."""

    __tablename__ = "applies"
    __table_args__ = (Index(None, "org_code", "applied_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(String(64), ForeignKey("orgs.code"))
    applied_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    #: The change report (``ChangeReport.to_json()``).
    changes: Mapped[dict[str, Any]]
    #: Rows of the snapshot after the apply, by table.
    counts: Mapped[dict[str, Any]]


class TokenRow(Base):
    """An API token: only the SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="role"),
    )

    #: Public id, shown in listings and used to revoke; part of the token itself.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Text)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    """One mutation: who did what to which target, when, with the state before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index(None, "at"),
        Index(None, "target", "at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
