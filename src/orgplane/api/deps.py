"""What every route needs, as typed dependencies: the server's context, a database
session, and the caller (anonymous or an API token with a role).

Imports ``services``, ``store``, ``settings``, ``api.pagination`` and ``api.snapshots``.
The context is built once per app by ``create_api`` (no module-level state): two apps in
one process, as the tests make, never share anything — their kept answers included.

The context and the reader are ``async`` dependencies: they run on the event loop, with
no hop to the thread pool, and an anonymous read where reads are open touches no
database. A caller with a token is checked in the thread pool, on a session of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from orgplane.api.pagination import Cursor
from orgplane.api.paging_health import PagingAudit
from orgplane.api.snapshots import AnswerCache, wall_clock
from orgplane.errors import AuthenticationError
from orgplane.services.pages import DirectoryCache
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
    "context_of",
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
    #: The server's clock (the clock seam: tests give a fake one).
    clock: Callable[[], datetime] = wall_clock
    #: The answers this server keeps (the hot reads), made with the context.
    answers: AnswerCache = field(init=False)
    #: The escalation auditor's newest report, for /readyz and /metrics.
    paging: PagingAudit = field(init=False)
    #: Each org's paging directory, kept until an apply changes the org: opening a page
    #: would otherwise read the whole org from the database first.
    directories: DirectoryCache = field(default_factory=DirectoryCache)

    def __post_init__(self) -> None:
        # Built here so that every context has its own, from its own engine; the cache
        # opens nothing before its first request.
        answers = AnswerCache(self.engine, self.sessions, clock=self.clock)
        object.__setattr__(self, "answers", answers)
        object.__setattr__(self, "paging", PagingAudit(self.sessions, self.clock))


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: ``anonymous`` (open reads) or ``token:<id>`` with its role."""

    actor: str
    role: str | None


def context_of(request: Request) -> AppContext:
    """The context of the app serving ``request``."""
    context: AppContext = request.app.state.orgplane
    return context


async def get_context(request: Request) -> AppContext:
    return context_of(request)


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


_ANONYMOUS = Caller("anonymous", None)


def _token_caller(request: Request, context: AppContext, role: str) -> Caller:
    with context.sessions() as session:
        return _caller(request, context, session, role)


async def reader(request: Request) -> Caller:
    # No sub-dependency (not even ContextDep): each one costs every read time.
    context = context_of(request)
    if not request.headers.get("authorization") and context.settings.reads_are_open(context.host):
        return _ANONYMOUS  # what _caller answers, without a session or a thread
    return await run_in_threadpool(_token_caller, request, context, "viewer")


def editor(request: Request, context: ContextDep, session: SessionDep) -> Caller:
    return _caller(request, context, session, "editor")


def admin(request: Request, context: ContextDep, session: SessionDep) -> Caller:
    return _caller(request, context, session, "admin")


ReaderDep = Annotated[Caller, Depends(reader)]
EditorDep = Annotated[Caller, Depends(editor)]
AdminDep = Annotated[Caller, Depends(admin)]
