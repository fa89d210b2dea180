"""What every route needs, as typed dependencies: the server's context, a database
session, and the caller (anonymous or an API token with a role).

Imports ``services``, ``store``, ``settings`` and ``api.pagination``. The context is
built once per app by ``create_api`` (no module-level state): two apps in one process,
as the tests make, never share anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from orgplane.api.pagination import Cursor
from orgplane.errors import AuthenticationError
from orgplane.services.tokens import verify_token
from orgplane.settings import Settings

__all__ = [
    "AdminDep",
    "AppContext",
    "Caller",
    "ContextDep",
    "EditorDep",
    "ReaderDep",
    "SessionDep",
]


@dataclass(frozen=True, slots=True)
class AppContext:
    """One server's settings, database and cursor signer."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cursor: Cursor
    #: The host the server listens on (reads are open by default on loopback only).
    host: str


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: ``anonymous`` (open reads) or ``token:<id>`` with its role."""

    actor: str
    role: str | None


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.orgplane
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_session(context: ContextDep) -> Iterator[Session]:
    session = context.sessions()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthenticationError("use 'Authorization: Bearer <token>'")
    return value.strip()


def _caller(request: Request, context: AppContext, session: Session, role: str) -> Caller:
    token = _bearer(request)
    if token is None:
        if role == "viewer" and context.settings.reads_are_open(context.host):
            return Caller("anonymous", None)
        raise AuthenticationError(f"this needs an API token with role {role} or higher")
    view = verify_token(session=session, token=token, role=role)
    return Caller(f"token:{view.id}", view.role)


def reader(request: Request, context: ContextDep, session: SessionDep) -> Caller:
    return _caller(request, context, session, "viewer")


def editor(request: Request, context: ContextDep, session: SessionDep) -> Caller:
    return _caller(request, context, session, "editor")


def admin(request: Request, context: ContextDep, session: SessionDep) -> Caller:
    return _caller(request, context, session, "admin")


ReaderDep = Annotated[Caller, Depends(reader)]
EditorDep = Annotated[Caller, Depends(editor)]
AdminDep = Annotated[Caller, Depends(admin)]
