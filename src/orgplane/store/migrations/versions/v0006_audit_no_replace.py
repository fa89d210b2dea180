"""SQLite: an insert may not land on an existing audit entry.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

SQLite's ``INSERT OR REPLACE`` deletes the row in the way without firing its delete
trigger (``recursive_triggers`` is off), so the append-only triggers of revision 0001
let an entry be rewritten. A ``BEFORE INSERT`` trigger refuses an insert whose id is
already taken, whatever conflict clause it carries. PostgreSQL has no such statement:
its ``ON CONFLICT DO UPDATE`` runs the update trigger.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = new.id) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_replace")
