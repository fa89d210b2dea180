"""The HTTP API as a FastAPI application: ``create_api(settings, engine, host)``.

Imports the api routers, ``store`` and ``settings``. Everything the app needs is made
here and kept on the app (``app.state``), never in module globals: each call gives an
independent app, as the tests make one per database. OpenAPI is served at
/api/openapi.json and browsable at /api/docs.
"""

from __future__ import annotations

from importlib.metadata import version

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.middleware.cors import CORSMiddleware

from orgplane.api import applies, audit, catalog, findings, groups, health, lookups, orgs, people
from orgplane.api.deps import AppContext
from orgplane.api.observability import Metrics, ObservabilityMiddleware
from orgplane.api.pagination import Cursor
from orgplane.api.problems import install_problem_handlers
from orgplane.settings import Settings

__all__ = ["create_api"]

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
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.orgplane = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        cursor=Cursor(settings.secret),
        host=host,
    )
    metrics = Metrics()
    app.state.metrics = metrics
    install_problem_handlers(app)
    for module in (orgs, groups, people, catalog, lookups, findings, applies, audit):
        app.include_router(module.router, prefix="/api")
    app.include_router(health.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        )
    app.add_middleware(ObservabilityMiddleware, metrics=metrics, max_body=settings.max_body_bytes)
    return app
