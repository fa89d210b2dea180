"""The database: SQLAlchemy 2 tables, one repository module per noun, Alembic migrations.

Imports ``rules``, ``model`` and ``errors`` (never ``services``, ``cli`` or anything
above). SQLite (WAL) is the embedded default; PostgreSQL serves several processes, which
share nothing but the database. Repositories (``store.orgs``, ``store.groups``,
``store.people``, ``store.roles``, ``store.catalog``, ``store.findings``,
``store.applies``, ``store.tokens``, ``store.audit``, ``store.kpi_series``,
``store.measurements``, ``store.installation``) read and write rows inside the
caller's transaction and never commit: the service that calls them owns the
transaction. Their read models (``…View``) are what output may show.
"""

from orgplane.store.engine import (
    begin_write,
    create_engine,
    database_errors,
    display_url,
    parse_url,
)
from orgplane.store.installation import installation_secret
from orgplane.store.migrate import current_revision, head_revision, is_current, upgrade

__all__ = [
    "begin_write",
    "create_engine",
    "current_revision",
    "database_errors",
    "display_url",
    "head_revision",
    "installation_secret",
    "is_current",
    "parse_url",
    "upgrade",
]
