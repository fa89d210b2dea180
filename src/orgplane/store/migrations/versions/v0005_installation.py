"""The installation's record: one row with the secret that signs pagination cursors.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A server with no ``ORGPLANE_SECRET`` used to sign cursors with a constant anyone could
read in the source. Now the first server to start on a database makes a random secret
and keeps it here (``store/installation.py``), so every process on the database signs
alike. The row is made on first use, not here: a migration's output may be shared.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Every table notifies the servers that keep answers (revision 0004).
        op.execute(
            "CREATE TRIGGER orgplane_notify_change "
            "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON installation "
            "FOR EACH STATEMENT EXECUTE FUNCTION orgplane_notify_change()"
        )


def downgrade() -> None:
    op.drop_table("installation")
