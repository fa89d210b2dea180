"""The audit log is append-only: no repository function changes an entry, nor does SQL."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError as DriverError
from sqlalchemy.orm import Session

from orgplane.store import audit
from orgplane.store.tables import AuditRow
from tests.store.helpers import dump

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _fill(session: Session) -> None:
    for i, (action, target) in enumerate(
        [("spec.apply", "org:A"), ("token.create", "token:t1"), ("spec.apply", "org:B")]
    ):
        audit.append_audit(
            session,
            at=T0 + timedelta(minutes=i),
            actor="ana",
            action=action,
            target=target,
            before=None if i == 0 else {"n": i - 1},
            after={"n": i, "text": "Zürich ≥ 99.9%"},
        )
    session.commit()


def test_entries_read_back_newest_first_and_filtered(session: Session) -> None:
    _fill(session)
    entries = audit.list_audit(session)
    assert [e.target for e in entries] == ["org:B", "token:t1", "org:A"]
    assert entries[-1].at == T0
    assert entries[-1].at.tzinfo is not None
    assert entries[-1].before is None
    assert entries[0].after == {"n": 2, "text": "Zürich ≥ 99.9%"}
    assert [e.target for e in audit.list_audit(session, action="spec.apply")] == ["org:B", "org:A"]
    assert [e.id for e in audit.list_audit(session, target="token:t1")] == [entries[1].id]
    assert len(audit.list_audit(session, limit=1)) == 1


def test_the_repository_can_only_append_and_read() -> None:
    functions = {
        name
        for name, value in inspect.getmembers(audit, inspect.isfunction)
        if value.__module__ == audit.__name__
    }
    assert functions == {"append_audit", "list_audit"}


@pytest.mark.parametrize(
    "statement",
    [update(AuditRow).values(actor="mallory"), delete(AuditRow)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_an_entry(
    engine: Engine, session: Session, statement: object
) -> None:
    _fill(session)
    before = dump(engine)
    with pytest.raises(DriverError, match="append-only"):
        session.execute(statement)  # type: ignore[call-overload]
    session.rollback()
    assert dump(engine) == before
