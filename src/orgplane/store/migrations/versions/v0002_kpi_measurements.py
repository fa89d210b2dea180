"""KPI series and their measurements.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

``kpi_series`` holds each KPI of the spec under a stable identity (org code + group path
+ KPI id) with its typed objective; ``kpi_measurements`` its values over time, one per
series and moment, stored in key order on SQLite (WITHOUT ROWID) so that the window of
one series is one contiguous range.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kpi_series",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("org_code", sa.String(length=64), nullable=False),
        sa.Column("group_path", sa.Text(), nullable=False),
        sa.Column("kpi_id", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("objective", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("comparator", sa.String(length=2), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("window", sa.String(length=32), nullable=False),
        sa.Column("source", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"],
            ["orgs.code"],
            name=op.f("fk_kpi_series_org_code_orgs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_series")),
        sa.UniqueConstraint(
            "org_code",
            "group_path",
            "kpi_id",
            name=op.f("uq_kpi_series_org_code_group_path_kpi_id"),
        ),
    )
    op.create_index(
        op.f("ix_kpi_series_org_code_active_group_path_position"),
        "kpi_series",
        ["org_code", "active", "group_path", "position"],
        unique=False,
    )
    op.create_table(
        "kpi_measurements",
        sa.Column("series_id", _ROW_ID, nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("good", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["kpi_series.id"],
            name="fk_kpi_measurements_series",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "at_ms", name=op.f("pk_kpi_measurements")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("kpi_measurements")
    op.drop_index(
        op.f("ix_kpi_series_org_code_active_group_path_position"), table_name="kpi_series"
    )
    op.drop_table("kpi_series")
