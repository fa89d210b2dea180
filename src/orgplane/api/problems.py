"""Errors as RFC 9457 problem details (``application/problem+json``).

Imports ``errors``, pydantic, SQLAlchemy's exceptions and Starlette/FastAPI. Every
error a client can cause becomes a 4xx problem with a one-line ``detail``; a spec refused
by the validator lists its diagnostics with their positions. A database that does not
answer is a 503 problem. Anything else is a 500 problem without internals (the
traceback goes to the log, never to the client).

``Problem`` is the body's schema and ``problem_responses`` declares problem answers in
the OpenAPI document, so the API documents the errors it really gives.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from orgplane.errors import (
    AuthenticationError,
    ConflictError,
    DatabaseError,
    NotFoundError,
    OrgplaneError,
    PermissionDeniedError,
    SpecError,
    SpecReadError,
    UsageError,
)

__all__ = [
    "PROBLEM_TYPE",
    "Problem",
    "ProblemError",
    "install_problem_handlers",
    "problem",
    "problem_responses",
    "validation_errors",
]

PROBLEM_TYPE = "application/problem+json"
_BASE = "https://orgplane.dev/problems/"
_LOG = logging.getLogger("orgplane.api")


class Problem(BaseModel):
    """An RFC 9457 problem detail: the body of every error response. Extension members
    (``errors``: the invalid fields, or a refused spec's diagnostics) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


_MEANING = {
    400: "Bad request: a damaged cursor, a malformed header or body, a NUL character",
    401: "No API token, or an unknown or revoked one (`WWW-Authenticate: Bearer`)",
    403: "The API token's role does not allow this",
    404: "No such org, group, person, role or entry",
    409: "A group code that several groups share: name the group by its path",
    413: "The request body is larger than the server accepts",
    422: "A parameter or the spec is invalid (`errors` lists each problem)",
    503: "The database does not answer, or its schema is not current",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: each status answered with a problem+json body."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {"description": _MEANING[status], "content": {PROBLEM_TYPE: {"schema": schema}}}
        for status in statuses
    }


class ProblemError(Exception):
    """An HTTP error raised by the API's own code (bad cursor, body too large …)."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response: ``type``, ``title`` (the status phrase), ``status``,
    ``detail`` and ``instance``, plus any extension members."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": _BASE + (kind or phrase.lower().replace(" ", "-").replace("'", "")),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type=PROBLEM_TYPE,
        headers=headers,
    )


_STATUS: list[tuple[type[OrgplaneError], int, str]] = [
    (SpecReadError, 400, "unreadable-spec"),
    (SpecError, 422, "invalid-spec"),
    (NotFoundError, 404, "not-found"),
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (ConflictError, 409, "conflict"),
    (UsageError, 400, "bad-request"),
    (DatabaseError, 503, "database-unavailable"),
]


def _orgplane_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OrgplaneError)
    status, kind = next(
        ((status, kind) for cls, status, kind in _STATUS if isinstance(exc, cls)), (400, None)
    )
    extra: dict[str, Any] = {}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, SpecError):
        extra["errors"] = [
            {
                "code": d.code,
                "message": d.message,
                "file": d.file,
                "line": d.line,
                "col": d.col,
                **({"hint": d.hint} if d.hint else {}),
            }
            for d in exc.diagnostics
        ]
    if isinstance(exc, DatabaseError):
        _LOG.error("database error: %s", exc)
        return problem(503, "the database is not available", kind=kind, instance=request.url.path)
    return problem(status, str(exc), kind=kind, instance=request.url.path, headers=headers, **extra)


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Each thing wrong with a request: where (``query.limit``) and what."""
    return [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors()
    ]


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    first = errors[0] if errors else {"location": "request", "message": "invalid"}
    return problem(
        422,
        f"{first['location']}: {first['message']}",
        kind="invalid-request",
        instance=request.url.path,
        errors=errors,
    )


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(
        exc.status_code,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


def _problem_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem(exc.status, exc.detail, kind=exc.kind, instance=request.url.path)


def _database_down(request: Request, exc: Exception) -> Response:
    # Not the client's fault, and nothing it should see: the message names the server.
    _LOG.error("database error on %s %s: %s", request.method, request.url.path, exc)
    return problem(
        503,
        "the database is not available",
        kind="database-unavailable",
        instance=request.url.path,
    )


def _unexpected(request: Request, exc: Exception) -> Response:
    # exc_info explicitly: Starlette runs this (sync) handler in a worker thread, outside
    # the except block that caught ``exc``, where ``_LOG.exception`` finds no traceback.
    _LOG.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "orgplane failed to answer this request", instance=request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error with problem+json."""
    app.add_exception_handler(OrgplaneError, _orgplane_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.add_exception_handler(Exception, _unexpected)
