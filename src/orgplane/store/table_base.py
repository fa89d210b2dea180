"""What every table of the schema shares: the declarative ``Base`` with its naming
convention, the UTC time type, the key and reference helpers.

Imports SQLAlchemy only. The tables themselves are in ``store/tables.py`` (the spec
snapshot and the runtime records) and ``store/kpi_tables.py`` (KPI series and their
measurements).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import DateTime, TypeDecorator

__all__ = ["CLUSTERED", "NAMING_CONVENTION", "Base", "RowId", "UtcDateTime", "group_ref", "org_ref"]

# Constraint names are part of the schema (migrations refer to them): never let the
# database make them up.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Tables with a natural primary key are stored in key order on SQLite (WITHOUT ROWID):
#: an org's rows are then one contiguous range, read without a lookup per row.
CLUSTERED: dict[str, Any] = {"sqlite_with_rowid": False}

#: A surrogate integer key: SQLite's rowid alias (``INTEGER PRIMARY KEY``), a BIGINT
#: identity on PostgreSQL.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, always timezone-aware UTC in Python, on every backend.

    SQLite has no timezone-aware type: values are stored as naive UTC and read back
    with UTC attached, so the two backends return the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: orgplane stores UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


def group_ref(table: str) -> ForeignKeyConstraint:
    """A child row of a group: deleted with it, and moved with it when its path changes."""
    return ForeignKeyConstraint(
        ["org_code", "group_path"],
        ["groups.org_code", "groups.path"],
        ondelete="CASCADE",
        onupdate="CASCADE",
        name=f"fk_{table}_group",
    )


def org_ref() -> Any:
    return ForeignKey("orgs.code", ondelete="CASCADE")
