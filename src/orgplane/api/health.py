"""Is orgplane up, and is it ready: /healthz (the process answers), /readyz (the
database answers and its schema is current; the escalation auditor's findings, a
``degraded`` status when a page is stuck or a timer late), /metrics (Prometheus
exposition).

/healthz is always open and says only "ok". /readyz and /metrics tell more (the schema,
every KPI's name and value), so where reads need a token they need one too: an API
token of any role, or the scrape token (``ORGPLANE_SCRAPE_TOKEN``) that Prometheus
sends as ``Authorization: Bearer …``. /readyz names the database's kind only, never its
URL (which may carry a password).

Imports ``store``, ``services`` and the api helpers.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from orgplane.api.deps import ContextDep, context_of, reader
from orgplane.api.problems import problem, problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.store import head_revision
from orgplane.store.migrate import current_revision_of

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Paging(BaseModel):
    """What the escalation auditor found (``api/paging_health.py``)."""

    healthy: bool
    open_pages: int
    stuck_pages: int
    late_timers: int
    detail: str


class Ready(BaseModel):
    #: ``ready``, or ``degraded`` when the auditor finds a stuck page or a late timer:
    #: still 200, because the API is what people acknowledge pages with.
    status: str
    #: The database's kind, ``sqlite`` or ``postgresql``: never its URL.
    database: str
    revision: str
    paging: Paging


async def scraper(request: Request) -> None:
    """Let the scrape token through where reads are closed; else what reads need."""
    context = context_of(request)
    expected = context.settings.scrape_token
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if (
        expected
        and scheme.lower() == "bearer"
        and hmac.compare_digest(value.strip().encode(), expected.encode())
    ):
        return
    await reader(request)


ScraperDep = Annotated[None, Depends(scraper)]


@router.get(
    "/healthz", response_model=Health, summary="The process answers", responses=read_responses()
)
def healthz(request: Request) -> Response:
    return json_response(request, Health(status="ok"))


@router.get(
    "/readyz",
    response_model=Ready,
    summary="The database answers and its schema is current",
    responses=read_responses(401, 403, 503),
)
def readyz(request: Request, context: ContextDep, _scraper: ScraperDep) -> Response:
    where = context.engine.url.get_backend_name()
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = current_revision_of(connection)
    except SQLAlchemyError:
        return problem(
            503,
            f"the {where} database does not answer",
            kind="not-ready",
            instance=request.url.path,
        )
    head = head_revision()
    if revision != head:
        return problem(
            503,
            f"the {where} database is at schema {revision or 'none'}, not {head}: run 'orgplane db upgrade'",
            kind="not-ready",
            instance=request.url.path,
        )
    try:
        report = context.paging.report()
    except SQLAlchemyError:
        return problem(
            503,
            f"the {where} database does not answer",
            kind="not-ready",
            instance=request.url.path,
        )
    paging = Paging(
        healthy=report.healthy,
        open_pages=report.open_pages,
        stuck_pages=len(report.stuck_pages),
        late_timers=report.late_timers,
        detail=report.describe(),
    )
    status = "ready" if report.healthy else "degraded"
    return json_response(
        request, Ready(status=status, database=where, revision=head, paging=paging)
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Request counts and latencies, in Prometheus text exposition",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **problem_responses(401, 403),
    },
)
def metrics(request: Request, _scraper: ScraperDep) -> Response:
    registry = request.app.state.metrics.exposition
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
