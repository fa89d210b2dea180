"""The database schema's version: upgrade it, and tell whether it is current.

Imports Alembic, ``store.engine`` and ``store.tables``. The migrations ship inside the
package (``store/migrations``) and run programmatically, with no ``alembic.ini``:
``orgplane db upgrade`` calls ``upgrade``, and a server's readiness check can call
``is_current``.

On PostgreSQL an upgrade holds an advisory lock for its whole transaction, so two
servers started at once against one database migrate it once, one after the other.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, NullPool, text

from orgplane.store.engine import create_engine, database_errors, parse_url

__all__ = [
    "MIGRATIONS_DIR",
    "current_revision",
    "current_revision_of",
    "head_revision",
    "is_current",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: ``pg_advisory_xact_lock`` key of schema upgrades (an arbitrary constant, "orgplane").
_UPGRADE_LOCK = 0x6F7267706C616E65


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for orgplane's migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this version of orgplane ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "orgplane ships at least one migration"
    return head


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest), in one transaction."""
    parsed = parse_url(url)
    engine = create_engine(parsed, poolclass=NullPool)
    try:
        with database_errors(parsed), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK}
                )
            command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def current_revision(url: str | URL) -> str | None:
    """The revision the database at ``url`` is at; ``None`` for a database never upgraded."""
    parsed = parse_url(url)
    engine = create_engine(parsed, poolclass=NullPool)
    try:
        with database_errors(parsed), engine.connect() as connection:
            return current_revision_of(connection)
    finally:
        engine.dispose()


def current_revision_of(connection: Connection) -> str | None:
    """The revision of the database ``connection`` is connected to."""
    return MigrationContext.configure(connection).get_current_revision()


def is_current(url: str | URL) -> bool:
    """Whether the database at ``url`` has exactly the schema this orgplane expects."""
    return current_revision(url) == head_revision()
