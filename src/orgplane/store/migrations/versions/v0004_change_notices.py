"""PostgreSQL: every write notifies the servers that keep answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

A server keeps the answers to hot reads while the database does not change
(``api/snapshots.py``, ``api/change_signals.py``). On PostgreSQL it used to ask
``pg_current_snapshot()`` on every request, a query in the thread pool each time. Now every table has a statement-level
trigger that sends a notice on the ``orgplane_changes`` channel; each server listens on
one connection of its own and knows of every committed write, by orgplane or by anyone
else, without asking. A notice is sent when the writing transaction commits, and only
once per transaction. A table added by a later revision needs the same trigger
(``tests/store`` checks that every table has it). SQLite needs none of this: its
``PRAGMA data_version`` costs microseconds.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

CHANNEL = "orgplane_changes"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION orgplane_notify_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        DO $$
        DECLARE name text;
        BEGIN
            FOR name IN
                SELECT tablename FROM pg_tables
                WHERE schemaname = current_schema() AND tablename <> 'alembic_version'
            LOOP
                EXECUTE format(
                    'CREATE TRIGGER orgplane_notify_change '
                    'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                    'FOR EACH STATEMENT EXECUTE FUNCTION orgplane_notify_change()',
                    name
                );
            END LOOP;
        END
        $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION orgplane_notify_change() CASCADE")
