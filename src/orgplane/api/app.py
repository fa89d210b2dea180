"""The HTTP API as a FastAPI application: ``create_api(settings, engine, host)``.

Imports the api routers, ``store`` and ``settings``. Everything the app needs is made
here and kept on the app (``app.state``), never in module globals: each call gives an
independent app, as the tests make one per database. OpenAPI is served at
/api/openapi.json and browsable at /api/docs (``api/docs.py``: Swagger UI from this
server's own files).
"""

from __future__ import annotations

import secrets
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import Match

from orgplane.api import (
    applies,
    audit,
    calendars,
    catalog,
    findings,
    groups,
    health,
    kpis,
    lookups,
    oncall,
    orgs,
    overrides,
    pages,
    people,
)
from orgplane.api.deps import AppContext
from orgplane.api.docs import install_docs
from orgplane.api.kpi_metrics import KpiCollector
from orgplane.api.observability import (
    ASGIApp,
    Message,
    Metrics,
    ObservabilityMiddleware,
    Receive,
    Scope,
    Send,
)
from orgplane.api.pagination import Cursor
from orgplane.api.paging_health import PagingCollector
from orgplane.api.problems import Problem, install_problem_handlers, problem
from orgplane.api.snapshots import KeptAnswers
from orgplane.settings import Settings
from orgplane.store import installation_secret

__all__ = ["HeadAsGet", "create_api"]

_DESCRIPTION = """\
The control plane of an infrastructure organization: orgs, their groups, people, roles
and catalog, instant answers (who owns X, who to contact, what breaks if Y fails), the
validator's findings, and spec apply.

Lists are paginated with opaque cursors (`next_cursor`); reads carry ETags; errors are
RFC 9457 problem details (`application/problem+json`). Reads need no token on a server
that listens on loopback only; writes always need an API token
(`Authorization: Bearer …`, see `orgplane token create`).
"""


def create_api(settings: Settings, engine: Engine, *, host: str = "127.0.0.1") -> FastAPI:
    """The API app for ``engine``'s database, configured by ``settings``."""
    app = FastAPI(
        title="orgplane",
        version=version("orgplane"),
        description=_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        # orgplane measures and logs itself (api/observability.py); FastAPI's own
        # OpenTelemetry hooks would look up the global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.orgplane = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        cursor=Cursor(settings.secret or _installation_secret(engine)),
        host=host,
    )
    metrics = Metrics()
    metrics.exposition.register(KpiCollector(app.state.orgplane.sessions))
    metrics.exposition.register(PagingCollector(app.state.orgplane.paging))
    app.state.metrics = metrics
    install_problem_handlers(app)
    _document_problems(app)
    # Each router carries its own /api prefix, so a route's path (what /metrics labels
    # requests with) is the whole path the client calls.
    for module in (
        orgs,
        groups,
        people,
        catalog,
        lookups,
        oncall,
        calendars,
        pages,
        overrides,
        findings,
        applies,
        audit,
        kpis,
        health,
    ):
        app.include_router(module.router)
    install_docs(app)
    _no_slash_redirects(app)
    context: AppContext = app.state.orgplane
    app.add_middleware(KeptAnswers, cache=context.answers, open_reads=settings.reads_are_open(host))
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        )
    app.add_middleware(ObservabilityMiddleware, metrics=metrics, max_body=settings.max_body_bytes)
    return app


def _installation_secret(engine: Engine) -> str:
    """The database's installation secret; a random one for this process alone when the
    database cannot give one yet (not migrated, not answering: /readyz says so, and no
    cursor is made before it can)."""
    try:
        return installation_secret(engine)
    except SQLAlchemyError:
        return secrets.token_urlsafe(32)


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET without the body (RFC 9110, 9.3.2) —
    the same status and headers, Content-Length and ETag included — on every path, where
    FastAPI's routes would answer 405. Metrics and logs keep the method HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        as_get = {**scope, "method": "GET"}

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(as_get, receive, without_body)
        finally:
            if "route" in as_get:
                scope["route"] = as_get["route"]


def _no_slash_redirects(app: FastAPI) -> None:
    """Answer an API path that names nothing with a problem, never a redirect.

    Starlette redirects "/x" to "/x/" (or back) when only the other one exists: friendly
    for pages, but on the API it turns a path parameter that decodes to something with a
    '/' in it (such as "..%2F..%2Fetc") into a redirect to another resource. This route
    comes after every API route, so it sees only the paths they do not match: a 405
    when one of them matches with another method, else a 404.
    """

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    async def no_such_path(request: Request) -> Response:
        others = [
            route
            for route in request.app.router.routes
            if getattr(route, "endpoint", None) is not no_such_path
        ]
        allowed = [
            method
            for method in methods
            if any(
                route.matches({**request.scope, "method": method})[0] is Match.FULL
                for route in others
            )
        ]
        if allowed:
            return problem(
                405,
                f"{request.method} is not allowed on {request.url.path}",
                instance=request.url.path,
                headers={"Allow": ", ".join(allowed)},
            )
        return problem(404, f"{request.url.path}: no such path", instance=request.url.path)

    app.add_api_route(
        "/api/{rest:path}",
        no_such_path,
        methods=methods,
        include_in_schema=False,
    )


def _document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document name ``Problem``, the schema of every error body.

    Routes declare their problem answers as ``application/problem+json`` with a
    ``$ref`` to it (``problem_responses``), which FastAPI does not collect by itself;
    FastAPI's own 422 schema (``HTTPValidationError``) describes nothing orgplane sends.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]
