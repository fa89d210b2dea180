"""API tokens in the database: only a hash of each secret is kept.

Imports ``store.tables``. ``TokenView`` (what listings return) has no hash. Repositories
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from orgplane.store.sync import table_of
from orgplane.store.tables import TokenRow

__all__ = [
    "TokenView",
    "get_token",
    "insert_token",
    "list_tokens",
    "mark_revoked",
    "mark_used",
    "token_by_hash",
]


@dataclass(frozen=True, slots=True)
class TokenView:
    id: str
    name: str
    role: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _view(row: TokenRow) -> TokenView:
    return TokenView(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=row.created_at,
        created_by=row.created_by,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )


def insert_token(
    session: Session,
    *,
    token_id: str,
    name: str,
    role: str,
    token_hash: str,
    created_at: datetime,
    created_by: str,
) -> None:
    session.execute(
        insert(table_of(TokenRow)).values(
            id=token_id,
            name=name,
            role=role,
            token_hash=token_hash,
            created_at=created_at,
            created_by=created_by,
        )
    )


def token_by_hash(session: Session, token_hash: str) -> TokenView | None:
    row = session.scalars(select(TokenRow).where(TokenRow.token_hash == token_hash)).first()
    return _view(row) if row is not None else None


def get_token(session: Session, token_id: str) -> TokenView | None:
    row = session.get(TokenRow, token_id)
    return _view(row) if row is not None else None


def list_tokens(session: Session, *, include_revoked: bool = True) -> list[TokenView]:
    """Tokens, oldest first."""
    statement = select(TokenRow).order_by(TokenRow.created_at, TokenRow.id)
    if not include_revoked:
        statement = statement.where(TokenRow.revoked_at.is_(None))
    return [_view(row) for row in session.scalars(statement)]


def mark_used(session: Session, token_id: str, at: datetime) -> None:
    table = table_of(TokenRow)
    session.execute(update(table).where(table.c.id == token_id).values(last_used_at=at))


def mark_revoked(session: Session, token_id: str, *, at: datetime, by: str) -> None:
    table = table_of(TokenRow)
    session.execute(
        update(table)
        .where(table.c.id == token_id, table.c.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by)
    )
