"""On-call at runtime: overrides, pages with their timelines, timers and notifications.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Runtime overrides of rotations (``oncall_overrides``); pages (one escalation each), their
timeline (``page_events``), the durable timers workers claim with a lease (``timers``)
and the two-phase notification intents (``notifications``). People gain their contact
methods and catalog entries the role that owns them. On PostgreSQL the new tables get the
change-notice trigger of revision 0004, like every table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)
_NEW_TABLES = ("timers", "oncall_overrides", "pages", "notifications", "page_events")


def upgrade() -> None:
    op.create_table(
        "timers",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=36), nullable=False),
        sa.Column("due_at", _TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", _TIME, nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fired_at", _TIME, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'cancelled')", name=op.f("ck_timers_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
    )
    op.create_index(op.f("ix_timers_ref"), "timers", ["ref"], unique=False)
    op.create_index(op.f("ix_timers_status_due_at"), "timers", ["status", "due_at"], unique=False)
    op.create_table(
        "oncall_overrides",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("rotation_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("start_at", _TIME, nullable=False),
        sa.Column("end_at", _TIME, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("cancelled_at", _TIME, nullable=True),
        sa.Column("cancelled_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_code"],
            ["orgs.code"],
            name=op.f("fk_oncall_overrides_org_code_orgs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_overrides")),
    )
    op.create_index(
        op.f("ix_oncall_overrides_org_code_rotation_id_end_at"),
        "oncall_overrides",
        ["org_code", "rotation_id", "end_at"],
        unique=False,
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("component", sa.String(length=128), nullable=True),
        sa.Column("rotation_id", sa.String(length=128), nullable=True),
        sa.Column("ladder", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", _TIME, nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", _TIME, nullable=True),
        sa.Column("acknowledged_by", sa.Text(), nullable=True),
        sa.Column("resolved_at", _TIME, nullable=True),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.Column("ladder_done_at", _TIME, nullable=True),
        sa.CheckConstraint(
            "status IN ('triggered', 'acknowledged', 'resolved')", name=op.f("ck_pages_status")
        ),
        sa.ForeignKeyConstraint(
            ["org_code"], ["orgs.code"], name=op.f("fk_pages_org_code_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
    )
    op.create_index(
        op.f("ix_pages_org_code_opened_at"), "pages", ["org_code", "opened_at"], unique=False
    )
    op.create_index(op.f("ix_pages_status"), "pages", ["status"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("page_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("rung", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("method_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("possible_repeat", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sending_at", _TIME, nullable=True),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')",
            name=op.f("ck_notifications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["pages.id"],
            name=op.f("fk_notifications_page_id_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        op.f("ix_notifications_page_id_status"),
        "notifications",
        ["page_id", "status"],
        unique=False,
    )
    op.create_table(
        "page_events",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("page_id", sa.String(length=36), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_page_events_page_id_pages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_events")),
    )
    op.create_index(
        op.f("ix_page_events_page_id_id"), "page_events", ["page_id", "id"], unique=False
    )
    op.add_column("catalog_entries", sa.Column("owner_role", sa.Text(), nullable=True))
    op.add_column("people", sa.Column("contacts", sa.JSON(), nullable=False, server_default="[]"))
    if op.get_bind().dialect.name == "postgresql":
        for table in _NEW_TABLES:
            op.execute(
                f"CREATE TRIGGER orgplane_notify_change "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION orgplane_notify_change()"
            )


def downgrade() -> None:
    op.drop_column("people", "contacts")
    op.drop_column("catalog_entries", "owner_role")
    op.drop_index(op.f("ix_page_events_page_id_id"), table_name="page_events")
    op.drop_table("page_events")
    op.drop_index(op.f("ix_notifications_page_id_status"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_pages_status"), table_name="pages")
    op.drop_index(op.f("ix_pages_org_code_opened_at"), table_name="pages")
    op.drop_table("pages")
    op.drop_index(
        op.f("ix_oncall_overrides_org_code_rotation_id_end_at"), table_name="oncall_overrides"
    )
    op.drop_table("oncall_overrides")
    op.drop_index(op.f("ix_timers_status_due_at"), table_name="timers")
    op.drop_index(op.f("ix_timers_ref"), table_name="timers")
    op.drop_table("timers")
