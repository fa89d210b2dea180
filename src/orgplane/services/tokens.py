"""API tokens: create one (shown once), verify one against a role, revoke one, list them.

Imports ``store`` and ``errors``. A token is ``orgp_<id>_<secret>``: the id is public
(listings, revocation, logs), the secret is ``secrets.token_urlsafe(32)``. Only the
SHA-256 of the whole token is stored, so the database never holds a usable token.
Roles, weakest first: viewer (read), editor (apply, change records), admin (tokens).
Creating and revoking are audited; verifying is not (it happens on every request).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.errors import AuthenticationError, NotFoundError, PermissionDeniedError, UsageError
from orgplane.store import audit, begin_write, tokens
from orgplane.store.tables import TOKEN_ROLES
from orgplane.store.tokens import TokenView

__all__ = [
    "PREFIX",
    "ROLES",
    "CreatedToken",
    "create_token",
    "hash_token",
    "list_tokens",
    "revoke_token",
    "verify_token",
]

PREFIX = "orgp_"
#: Token roles, weakest first: each allows what the ones before it allow.
ROLES = TOKEN_ROLES
#: ``last_used_at`` is refreshed at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """A new token: ``secret`` is the token itself, shown to its owner once."""

    secret: str
    token: TokenView


def hash_token(token: str) -> str:
    """What the database stores for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}: use {', '.join(ROLES)}")
    return role


def create_token(
    *, session: Session, role: str, actor: str, name: str = "", now: datetime | None = None
) -> CreatedToken:
    """Create a token with ``role``; the result holds the secret, which is not kept."""
    _check_role(role)
    now = now or datetime.now(UTC)
    token_id = secrets.token_hex(6)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    try:
        begin_write(session)
        tokens.insert_token(
            session,
            token_id=token_id,
            name=name,
            role=role,
            token_hash=hash_token(secret),
            created_at=now,
            created_by=actor,
        )
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action="token.create",
            target=f"token:{token_id}",
            after={"id": token_id, "name": name, "role": role},
        )
        view = tokens.get_token(session, token_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    assert view is not None
    return CreatedToken(secret, view)


def verify_token(
    *, session: Session, token: str, role: str = "viewer", now: datetime | None = None
) -> TokenView:
    """The token ``token`` is, if it exists, is not revoked and has at least ``role``.

    Raises ``AuthenticationError`` (unknown, malformed or revoked) or
    ``PermissionDeniedError`` (a weaker role).
    """
    _check_role(role)
    now = now or datetime.now(UTC)
    if not token.startswith(PREFIX):
        raise AuthenticationError("not an orgplane API token")
    try:
        view = tokens.token_by_hash(session, hash_token(token))
    finally:
        session.rollback()  # a read: end it before any write (see store.engine)
    if view is None:
        raise AuthenticationError("unknown API token")
    if view.revoked:
        raise AuthenticationError(f"API token {view.id} was revoked")
    if ROLES.index(view.role) < ROLES.index(role):
        raise PermissionDeniedError(
            f"API token {view.id} has role {view.role}; this needs {role} or higher"
        )
    if view.last_used_at is None or now - view.last_used_at >= LAST_USED_RESOLUTION:
        try:
            begin_write(session)
            tokens.mark_used(session, view.id, now)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return view


def revoke_token(
    *, session: Session, token_id: str, actor: str, now: datetime | None = None
) -> TokenView:
    """Revoke a token by id; revoking a revoked token changes nothing."""
    now = now or datetime.now(UTC)
    try:
        begin_write(session)
        before = tokens.get_token(session, token_id)
        if before is None:
            raise NotFoundError(f"no API token {token_id!r} (see 'orgplane token list')")
        if before.revoked:
            session.rollback()
            return before
        tokens.mark_revoked(session, token_id, at=now, by=actor)
        audit.append_audit(
            session,
            at=now,
            actor=actor,
            action="token.revoke",
            target=f"token:{token_id}",
            before={"revoked": False},
            after={"revoked": True},
        )
        after = tokens.get_token(session, token_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    assert after is not None
    return after


def list_tokens(*, session: Session, include_revoked: bool = True) -> list[TokenView]:
    """Every token (no secrets, no hashes), oldest first."""
    try:
        return tokens.list_tokens(session, include_revoked=include_revoked)
    finally:
        session.rollback()
