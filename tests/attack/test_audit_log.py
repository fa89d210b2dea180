"""The audit log is append-only. Through the API: no route changes or deletes an entry
(the OpenAPI document has no write route on it, and every method on it is refused). In
the database: an UPDATE or DELETE of an entry is refused by a trigger on both backends,
and on PostgreSQL a TRUNCATE too.

What is not defended in the database, and is the deployment's to defend: whoever holds
the database's credentials (or, for SQLite, write access to its file) owns the table and
may drop its triggers; on SQLite an ``INSERT OR REPLACE`` of an entry's id removes the
old entry without firing the delete trigger (SQLite fires delete triggers for REPLACE
only with ``recursive_triggers`` on).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.conftest import Server, assert_problem, snapshot
from tests.attack._openapi import WRITE_METHODS, operations


def _entries(server: Server) -> list[tuple[object, ...]]:
    return snapshot(server.engine)["audit_log"]


def test_no_route_writes_to_the_audit_log(served: Server) -> None:
    writes = {template for _, template, _ in operations(served, WRITE_METHODS)}
    assert not any("audit" in template for template in writes), writes
    before = _entries(served)
    entry_id = before[0][0]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/api/audit", f"/api/audit/{entry_id}"):
            response = served.client.request(method, path, headers=served.auth("admin"))
            assert response.status_code in (404, 405), (method, path, response.status_code)
            assert_problem(response)
    assert _entries(served) == before


STATEMENTS = {
    "update": "UPDATE audit_log SET actor = 'nobody'",
    "update one": "UPDATE audit_log SET after = NULL WHERE id = 1",
    "delete": "DELETE FROM audit_log",
    "delete one": "DELETE FROM audit_log WHERE id = 1",
}


@pytest.mark.parametrize("statement", list(STATEMENTS.values()), ids=list(STATEMENTS))
def test_the_database_refuses_to_change_or_delete_an_entry(served: Server, statement: str) -> None:
    before = _entries(served)
    assert before
    with pytest.raises(DBAPIError, match="append-only"), served.engine.begin() as connection:
        connection.execute(text(statement))
    assert _entries(served) == before


def test_postgresql_refuses_to_truncate_the_audit_log(served: Server) -> None:
    if served.backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE is refused above)")
    before = _entries(served)
    with pytest.raises(DBAPIError, match="append-only"), served.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_log"))
    assert _entries(served) == before


def test_an_upsert_over_an_entry_is_refused(served: Server) -> None:
    """``INSERT … ON CONFLICT DO UPDATE`` rewrites an entry through the insert path."""
    before = _entries(served)
    statement = (
        "INSERT INTO audit_log (id, at, actor, action, target) "
        "SELECT id, at, 'nobody', action, target FROM audit_log WHERE id = 1 "
        "ON CONFLICT (id) DO UPDATE SET actor = excluded.actor"
    )
    if served.backend == "sqlite":
        statement = statement.replace("WHERE id = 1", "WHERE id = 1 AND true")
    with pytest.raises(DBAPIError, match="append-only"), served.engine.begin() as connection:
        connection.execute(text(statement))
    assert _entries(served) == before


def test_sqlite_insert_or_replace_over_an_entry_is_refused(served: Server) -> None:
    if served.backend != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    before = _entries(served)
    statement = (
        "INSERT OR REPLACE INTO audit_log (id, at, actor, action, target) "
        "SELECT id, at, 'nobody', 'nothing', 'nothing' FROM audit_log WHERE id = 1"
    )
    with pytest.raises(DBAPIError, match="append-only"), served.engine.begin() as connection:
        connection.execute(text(statement))
    assert _entries(served) == before
