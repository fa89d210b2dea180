"""API tokens: shown once, stored as a hash, checked against roles, revocable, audited."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from orgplane.errors import AuthenticationError, NotFoundError, PermissionDeniedError, UsageError
from orgplane.services import create_token, list_tokens, revoke_token, verify_token
from orgplane.store import audit
from orgplane.store.tables import TokenRow
from tests.store.helpers import dump


def test_only_a_hash_of_the_token_is_stored(engine: Engine, session: Session) -> None:
    created = create_token(session=session, role="editor", name="ci", actor="ana")
    secret = created.secret
    assert secret.startswith(f"orgp_{created.token.id}_")
    assert len(secret) > 40
    row = session.scalars(select(TokenRow)).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    everything = repr(dump(engine))
    assert secret not in everything
    assert secret.removeprefix(f"orgp_{created.token.id}_") not in everything
    assert "token_hash" not in repr(list_tokens(session=session))
    [entry] = audit.list_audit(session)
    assert (entry.action, entry.target, entry.actor) == ("token.create", f"token:{row.id}", "ana")
    assert entry.after == {"id": row.id, "name": "ci", "role": "editor"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"viewer"}),
        ("editor", {"viewer", "editor"}),
        ("admin", {"viewer", "editor", "admin"}),
    ],
)
def test_roles_allow_what_weaker_roles_allow(
    session: Session, role: str, allowed: set[str]
) -> None:
    secret = create_token(session=session, role=role, actor="ana").secret
    for needed in ("viewer", "editor", "admin"):
        if needed in allowed:
            assert verify_token(session=session, token=secret, role=needed).role == role
        else:
            with pytest.raises(
                PermissionDeniedError, match=f"has role {role}; this needs {needed}"
            ):
                verify_token(session=session, token=secret, role=needed)


def test_unknown_malformed_and_revoked_tokens_are_refused(session: Session) -> None:
    created = create_token(session=session, role="admin", actor="ana")
    with pytest.raises(AuthenticationError, match="not an orgplane API token"):
        verify_token(session=session, token="Bearer xyz")
    with pytest.raises(AuthenticationError, match="unknown"):
        verify_token(session=session, token=created.secret + "x")
    revoked = revoke_token(session=session, token_id=created.token.id, actor="ben")
    assert revoked.revoked
    assert revoked.revoked_by == "ben"
    with pytest.raises(AuthenticationError, match="revoked"):
        verify_token(session=session, token=created.secret)
    again = revoke_token(session=session, token_id=created.token.id, actor="ben")
    assert again.revoked_at == revoked.revoked_at
    actions = [e.action for e in audit.list_audit(session)]
    assert actions == ["token.revoke", "token.create"]  # revoking twice is one change
    with pytest.raises(NotFoundError):
        revoke_token(session=session, token_id="nope", actor="ben")
    with pytest.raises(UsageError, match="unknown role"):
        create_token(session=session, role="owner", actor="ana")


def test_last_used_is_recorded_at_most_once_a_minute(session: Session) -> None:
    created = create_token(session=session, role="viewer", actor="ana")
    assert created.token.last_used_at is None
    t1 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    verify_token(session=session, token=created.secret, now=t1)
    verify_token(session=session, token=created.secret, now=t1 + timedelta(seconds=30))
    [listed] = list_tokens(session=session)
    assert listed.last_used_at == t1
    verify_token(session=session, token=created.secret, now=t1 + timedelta(minutes=2))
    [listed] = list_tokens(session=session)
    assert listed.last_used_at == t1 + timedelta(minutes=2)
    assert [t.id for t in list_tokens(session=session, include_revoked=False)] == [listed.id]
