"""The whole server as one ASGI app: the API, the web pages and their static files.

Imports ``api``, ``web.pages``, ``web.scorecard_pages``, ``errors`` and ``settings``.
Errors on pages are HTML pages; errors on the API (and /healthz, /readyz, /metrics) stay
problem+json.
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
from orgplane.errors import NotFoundError, OrgplaneError
from orgplane.settings import Settings
from orgplane.web import pages, scorecard_pages

__all__ = ["create_app"]

_MACHINE_PATHS = ("/api/", "/healthz", "/readyz", "/metrics")


def create_app(settings: Settings, engine: Engine, *, host: str = "127.0.0.1") -> FastAPI:
    """The server for ``engine``'s database: API under /api, pages everywhere else."""
    app = create_api(settings, engine, host=host)
    app.include_router(pages.router)
    app.include_router(scorecard_pages.router)
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
    return app


def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFoundError):
        status, title = 404, "Not found"
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
    return pages.templates.TemplateResponse(
        request,
        "error.html",
        {"org": None, "orgs": [], "page": "", "title": title, "detail": detail},
        status_code=status,
    )
