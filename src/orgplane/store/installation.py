"""The installation's own record: one row holding the secret that signs the server's
pagination cursors when ``ORGPLANE_SECRET`` is not set.

Imports SQLAlchemy and ``store.table_base``. The secret lives in the database so that
every server process sharing it signs alike; it is made at random on first use, with an
insert that does nothing when another process got there first, then read back: two
processes starting at once agree on one secret.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Integer, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column

from orgplane.store.table_base import Base

__all__ = ["InstallationRow", "installation_secret"]

#: The one row's key.
_ONLY = 1


class InstallationRow(Base):
    """The installation (one row): what every server process on this database shares."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Signs pagination cursors when no secret is configured (URL-safe base64, 43 chars).
    secret: Mapped[str] = mapped_column(String(128))


def installation_secret(engine: Engine) -> str:
    """The installation's secret, made at random (256 bits) on first use."""
    with engine.begin() as connection:
        return _secret(connection)


def _secret(connection: Connection) -> str:
    row = {"id": _ONLY, "secret": secrets.token_urlsafe(32)}
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql.insert(InstallationRow).values(row).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(InstallationRow).values(row).on_conflict_do_nothing())
    query = select(InstallationRow.secret).where(InstallationRow.id == _ONLY)
    found = connection.execute(query).scalar_one()
    return str(found)
