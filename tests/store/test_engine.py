"""Engines: SQLite set up for concurrent use, PostgreSQL through psycopg 3, errors in one line."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from orgplane.errors import DatabaseError, UsageError
from orgplane.store import create_engine, database_errors, display_url, parse_url
from orgplane.store.engine import BUSY_TIMEOUT_MS


def test_connections_are_set_up_for_each_backend(engine: Engine, backend: str) -> None:
    with engine.connect() as connection:
        if backend == "sqlite":
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
            assert pragmas == {
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": BUSY_TIMEOUT_MS,
            }
        else:
            assert engine.dialect.driver == "psycopg"
            assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"


def test_sqlite_transactions_begin_before_the_first_read(engine: Engine, backend: str) -> None:
    """A read-then-write transaction sees one snapshot: the sqlite3 module would otherwise
    run the SELECT outside any transaction."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert connection.in_transaction()
        if backend == "sqlite":
            raw = connection.connection.dbapi_connection
            assert raw is not None
            assert raw.in_transaction


def test_urls() -> None:
    assert parse_url("postgresql://u:secret@db/orgplane").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@db/orgplane").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///x.db").get_backend_name() == "sqlite"
    assert display_url("postgresql+psycopg://u:secret@db/x") == "postgresql+psycopg://u:***@db/x"
    with pytest.raises(UsageError, match="not a database URL"):
        parse_url("orgplane.db")
    with pytest.raises(UsageError, match="sqlite and postgresql only"):
        parse_url("mysql://u@db/x")


def test_driver_errors_become_one_line_without_the_password() -> None:
    url = "postgresql://user:hunter2@127.0.0.1:1/nothing"
    engine = create_engine(url)
    with pytest.raises(DatabaseError) as info, database_errors(url):
        engine.connect()
    message = str(info.value)
    assert message.startswith("database postgresql://user:***@127.0.0.1:1/nothing: ")
    assert "hunter2" not in message
    assert "\n" not in message
    assert isinstance(info.value.__cause__, OperationalError)
