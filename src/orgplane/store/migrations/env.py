"""Alembic's environment for orgplane's migrations (run by ``store.migrate``).

Runs on the connection ``store.migrate`` passes in ``config.attributes["connection"]``;
without one (Alembic's own command line, with ``-x url=…`` or ``sqlalchemy.url``), it
opens one with orgplane's engine settings. Offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from orgplane.store.engine import create_engine
from orgplane.store.migrations import include_object
from orgplane.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("no database: pass -x url=… (or use 'orgplane db upgrade')")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("orgplane's migrations run online only ('orgplane db upgrade')")
run_migrations_online()
