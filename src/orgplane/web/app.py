"""The whole server as one ASGI app: the API, the web pages and their static files.

Imports ``api``, ``web`` (its page modules and ``web.security``), ``errors`` and
``settings``. Errors on pages are HTML pages with the API's status (401 without a
token where reads are closed, 403 for a role that may not, 404 …); errors on the API
(and /healthz, /readyz, /metrics) stay problem+json. ``web.security`` refuses foreign
Host names and adds the security headers to everything.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from orgplane.api import create_api
from orgplane.api.problems import ProblemError, validation_errors
from orgplane.errors import (
    AuthenticationError,
    NotFoundError,
    OrgplaneError,
    PermissionDeniedError,
)
from orgplane.settings import Settings
from orgplane.web import (
    findings_pages,
    group_pages,
    oncall_pages,
    org_pages,
    override_pages,
    pages,
    paging,
    scorecard_pages,
)
from orgplane.web.security import SecurityMiddleware, allowed_hosts

__all__ = ["create_app"]

_MACHINE_PATHS = ("/api/", "/healthz", "/readyz", "/metrics")


def create_app(settings: Settings, engine: Engine, *, host: str = "127.0.0.1") -> FastAPI:
    """The server for ``engine``'s database: API under /api, pages everywhere else."""
    app = create_api(settings, engine, host=host)
    app.include_router(org_pages.router)
    app.include_router(pages.router)
    app.include_router(group_pages.router)
    app.include_router(findings_pages.router)
    app.include_router(scorecard_pages.router)
    app.include_router(oncall_pages.router)
    app.include_router(paging.router)
    app.include_router(override_pages.router)
    app.mount(
        "/static", StaticFiles(directory=str(files("orgplane.web") / "static")), name="static"
    )
    api_handlers = dict(app.exception_handlers)

    def page_or_problem(error: type[Exception]) -> None:
        api_handler = api_handlers[error]

        async def handler(request: Request, exc: Exception) -> Response:
            if request.url.path.startswith(_MACHINE_PATHS):
                result = api_handler(request, exc)
                return await result if hasattr(result, "__await__") else result  # type: ignore[no-any-return]
            return _error_page(request, exc)

        app.add_exception_handler(error, handler)

    for error in (OrgplaneError, StarletteHTTPException, ProblemError, RequestValidationError):
        page_or_problem(error)
    # Outermost: a foreign Host is refused before anything else runs.
    app.add_middleware(
        SecurityMiddleware, hosts=allowed_hosts(settings, host), error_page=_status_page
    )
    return app


def _status_page(request: Request, status: int, detail: str) -> Response:
    return _page(request, status, "Error", detail)


def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFoundError):
        status, title = 404, "Not found"
    elif isinstance(exc, AuthenticationError):
        status, title = 401, "API token needed"
    elif isinstance(exc, PermissionDeniedError):
        status, title = 403, "Not allowed"
    elif isinstance(exc, StarletteHTTPException):
        status, title = exc.status_code, "Not found" if exc.status_code == 404 else "Error"
    elif isinstance(exc, ProblemError):
        status, title = exc.status, "Error"
    else:
        status, title = 400, "Error"
    if isinstance(exc, RequestValidationError):
        # A link with a bad query (a hand-edited one): the page says what is wrong with it.
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in validation_errors(exc))
    else:
        detail = exc.detail if isinstance(exc, StarletteHTTPException) else str(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return _page(request, status, title, detail, headers)


def _page(
    request: Request,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response:
    return pages.templates.TemplateResponse(
        request,
        "error.html",
        {"org": None, "orgs": [], "page": "", "title": title, "detail": detail},
        status_code=status,
        headers=headers,
    )
