"""Is orgplane up, and is it ready: /healthz (the process answers), /readyz (the
database answers and its schema is current), /metrics (Prometheus exposition).

Imports ``store`` and the api helpers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from orgplane.api.deps import ContextDep
from orgplane.api.problems import problem
from orgplane.api.responses import json_response, read_responses
from orgplane.store import display_url, head_revision
from orgplane.store.migrate import current_revision_of

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    database: str
    revision: str


@router.get(
    "/healthz", response_model=Health, summary="The process answers", responses=read_responses()
)
def healthz(request: Request) -> Response:
    return json_response(request, Health(status="ok"))


@router.get(
    "/readyz",
    response_model=Ready,
    summary="The database answers and its schema is current",
    responses=read_responses(503),
)
def readyz(request: Request, context: ContextDep) -> Response:
    where = display_url(context.engine.url)
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = current_revision_of(connection)
    except SQLAlchemyError:
        return problem(
            503, f"database {where} does not answer", kind="not-ready", instance=request.url.path
        )
    head = head_revision()
    if revision != head:
        return problem(
            503,
            f"database {where} is at schema {revision or 'none'}, not {head}: run 'orgplane db upgrade'",
            kind="not-ready",
            instance=request.url.path,
        )
    return json_response(request, Ready(status="ready", database=where, revision=head))


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Request counts and latencies, in Prometheus text exposition",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.exposition
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
