"""The KPI tables: each KPI as a series under its stable identity, and the series'
measurements.

Imports SQLAlchemy and ``store.table_base``; ``store/tables.py`` names them with every
other table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orgplane.store.table_base import CLUSTERED, Base, RowId, org_ref

__all__ = ["KpiSeriesRow", "MeasurementRow"]


class KpiSeriesRow(Base):
    """A KPI as a series of measurements; identity: org code + group path + KPI id.

    Kept when its KPI leaves the spec (``active`` false), so that its measurements
    survive a KPI removed by mistake and come back with it. The objective columns are the
    typed KPI text as of the last apply: the scorecard query filters and computes on them.
    """

    __tablename__ = "kpi_series"
    __table_args__ = (
        UniqueConstraint("org_code", "group_path", "kpi_id"),
        Index(None, "org_code", "active", "group_path", "position"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    org_code: Mapped[str] = mapped_column(String(64), org_ref())
    group_path: Mapped[str] = mapped_column(Text)
    kpi_id: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool]
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    #: The typed objective (``Objective.as_dict()``), for display and the API.
    objective: Mapped[dict[str, Any]]
    kind: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str | None] = mapped_column(String(2))
    target: Mapped[float | None] = mapped_column(Float)
    percentile: Mapped[float | None] = mapped_column(Float)
    window: Mapped[str] = mapped_column(String(32))
    #: ``MeasureSource`` as JSON; ``None`` for KPIs recorded by hand.
    source: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: Set while the series holds demo measurements (``orgplane demo measurements``).
    demo: Mapped[bool]
    digest: Mapped[str] = mapped_column(String(32))


class MeasurementRow(Base):
    """One measurement of a KPI: a value at a moment (milliseconds since the epoch, UTC).

    Ratio measurements may carry the ``good`` and ``total`` event counts the value is the
    ratio of. A series has at most one measurement per moment: ingest is idempotent.
    """

    __tablename__ = "kpi_measurements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["series_id"],
            ["kpi_series.id"],
            ondelete="CASCADE",
            name="fk_kpi_measurements_series",
        ),
        CLUSTERED,
    )

    series_id: Mapped[int] = mapped_column(RowId, primary_key=True)
    at_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    good: Mapped[float | None] = mapped_column(Float)
    total: Mapped[float | None] = mapped_column(Float)
