"""The HTTP API, in-process, on a SQLite file and on the real PostgreSQL of the suite.

Every test here talks HTTP to the whole server (``orgplane.web.create_app``: the API
and the pages, as ``orgplane serve`` runs them) through ``InProcessTransport``: httpx
requests handed to the ASGI app on an event loop in a helper thread, no socket.

The bundled example orgs are applied once per backend and session into a template
database; each test module gets its own copy (``served``: read-mostly tests share it),
and a test that must start from the examples untouched takes a copy of its own
(``fresh``). On PostgreSQL a copy is ``CREATE DATABASE … TEMPLATE``, which costs a
fraction of applying the examples again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, NullPool, select, text
from sqlalchemy.orm import Session

from orgplane.rules import default_registry
from orgplane.services import apply_spec, create_token
from orgplane.settings import Settings
from orgplane.spec import load_spec
from orgplane.store import create_engine, upgrade
from orgplane.store.tables import Base, TokenRow
from orgplane.web import create_app
from tests.conftest import BACKENDS
from tests.db import PostgresServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The bundled example orgs, by folder; their org codes are in ``EXAMPLE_CODES``.
EXAMPLE_SPECS = sorted(
    folder for folder in EXAMPLES.iterdir() if folder.is_dir() and any(folder.glob("*.yaml"))
)
EXAMPLE_CODES = {"cipo": "CIPO", "data-infra": "DIT", "infra-ops": "IOT", "plugilo-infra": "PI"}
PROBLEM = "application/problem+json"
#: The settings of ``orgplane serve`` on loopback in dev mode: reads need no token.
DEV_SETTINGS = Settings(spec=None)


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls an ASGI app in this process.

    httpx's own ``ASGITransport`` is async only; this one runs it on the event loop of
    ``portal``. A streamed request body (an iterator: chunked transfer encoding) is
    handed to the app chunk by chunk, as a server would.
    """

    def __init__(self, app: FastAPI, portal: BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app, raise_app_exceptions=False)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        chunks = list(request.stream)  # type: ignore[arg-type]

        async def body() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        async def send() -> httpx.Response:
            forwarded = httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                content=body(),
                extensions=request.extensions,
            )
            response = await self._asgi.handle_async_request(forwarded)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)


@dataclass(frozen=True, slots=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def send_as_is(app: FastAPI, portal: BlockingPortal, target: str) -> RawResponse:
    """GET ``target`` exactly as written, as ``curl --path-as-is`` sends it: no client
    removes its ``..`` segments first (httpx would)."""
    path, _, query = target.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    started: dict[str, Any] = {}
    body: list[bytes] = []
    requested = False
    finished: list[anyio.Event] = []  # made in the portal's event loop

    async def receive() -> dict[str, Any]:
        # The request once, then (as a server does) nothing until the client goes away:
        # a file response listens for that disconnect while it sends.
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished[0].wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished[0].set()

    async def call() -> None:
        finished.append(anyio.Event())
        await app(scope, receive, send)

    portal.call(call)
    headers = {k.decode().lower(): v.decode() for k, v in started.get("headers", [])}
    return RawResponse(started["status"], headers, b"".join(body))


@pytest.fixture(scope="session")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as running:
        yield running


def client_for(app: FastAPI, portal: BlockingPortal) -> httpx.Client:
    return httpx.Client(transport=InProcessTransport(app, portal), base_url="http://127.0.0.1")


def apply_examples(url: str) -> None:
    """Apply every bundled example org to the database at ``url``, errors accepted (the
    CIPO example breaks one of its own policies on purpose), as ``orgplane serve`` does."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        for folder in EXAMPLE_SPECS:
            org = load_spec(folder)
            with Session(engine) as session:
                apply_spec(
                    session=session,
                    org=org,
                    findings=default_registry().check(org),
                    actor="tests",
                    accept_errors=True,
                )
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "orgplane.db"
    upgrade(f"sqlite:///{path}")
    apply_examples(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_examples(postgres: PostgresServer) -> str:
    name = postgres.create_database()
    upgrade(postgres.url(name))
    apply_examples(postgres.url(name))
    return name


@contextmanager
def examples_copy(backend: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A new database holding the applied examples; its URL."""
    if backend == "sqlite":
        path = folder / "orgplane.db"
        shutil.copyfile(request.getfixturevalue("sqlite_examples"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database(template=request.getfixturevalue("postgres_examples"))
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@contextmanager
def elsewhere(url: str) -> Iterator[Connection]:
    """A transaction on a connection of another engine, committed at the end: how
    another server process would write to the database at ``url``."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class Server:
    """One server under test: its database, app, a client, and a token per role."""

    backend: str
    url: str
    engine: Engine
    app: FastAPI
    client: httpx.Client
    tokens: dict[str, str]
    portal: BlockingPortal

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def with_settings(self, settings: Settings, host: str = "127.0.0.1") -> httpx.Client:
        """A client of another server on the same database."""
        return client_for(create_app(settings, self.engine, host=host), self.portal)


@contextmanager
def serving(backend: str, url: str, portal: BlockingPortal) -> Iterator[Server]:
    engine = create_engine(url)
    tokens = {}
    with Session(engine) as session:
        for role in ("viewer", "editor", "admin"):
            tokens[role] = create_token(session=session, role=role, actor="tests").secret
    app = create_app(DEV_SETTINGS, engine)
    with client_for(app, portal) as client:
        yield Server(backend, url, engine, app, client, tokens, portal)
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    portal: BlockingPortal,
) -> Iterator[Server]:
    """A server over the example orgs, shared by the tests of a module."""
    backend: str = request.param
    with (
        examples_copy(backend, request, tmp_path_factory.mktemp("served")) as url,
        serving(backend, url, portal) as server,
    ):
        yield server


@pytest.fixture
def fresh(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, portal: BlockingPortal
) -> Iterator[Server]:
    """A server over the example orgs, for this test alone."""
    with examples_copy(backend, request, tmp_path) as url, serving(backend, url, portal) as server:
        yield server


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every orgplane table, sorted, minus when each API token was last
    used (verifying a token refreshes it; that is not a change to the data)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if not (table is TokenRow.__table__ and c.name == "last_used_at")
            ]
            rows = connection.execute(select(*columns)).all()
            out[table.name] = sorted((tuple(row) for row in rows), key=repr)
        out["alembic_version"] = [
            tuple(row) for row in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return out


def assert_problem(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem (with ``status``, when given); its body."""
    assert response.headers["content-type"].startswith(PROBLEM), (
        response.status_code,
        response.headers.get("content-type"),
        response.text[:300],
    )
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == response.status_code
    assert body["type"].startswith("https://")
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if status is not None:
        assert response.status_code == status, body
    return body


def fill_path(template: str, values: dict[str, str]) -> str:
    """An OpenAPI path template with its ``{name}`` parameters replaced by ``values``."""
    return re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], template)


def settings_with(**changes: Any) -> Settings:
    return replace(DEV_SETTINGS, **changes)
