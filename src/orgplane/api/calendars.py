"""On-call calendar feeds (iCalendar, RFC 5545): one per rotation, one per person.

Imports ``services``, ``settings`` and the api helpers. A calendar application
subscribes to a URL and cannot send headers, so a feed takes its API token in the URL
(``?token=orgp_…``, a viewer token or stronger) as well as in an ``Authorization``
header; a wrong token is a 401 problem. Where reads are open (a server on loopback),
a feed needs no token, like every other read. The token never reaches the logs: they
record the path without its query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import AppContext, context_of
from orgplane.api.oncall import book_of, runtime_overrides
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.problems import problem_responses
from orgplane.api.responses import etag_matches, etag_of
from orgplane.errors import AuthenticationError
from orgplane.services import oncall as oncall_service
from orgplane.services.tokens import verify_token

__all__ = ["ICALENDAR", "router"]

ICALENDAR = "text/calendar; charset=utf-8"

router = APIRouter(
    prefix="/api",
    tags=["on-call"],
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified: the client's copy (its `If-None-Match`) is current"},
        **problem_responses(400, 401, 403, 404, 422, 503),
    },
)

EntityId = Annotated[str, Path(min_length=1, max_length=128)]
Token = Annotated[
    str | None,
    Query(
        max_length=256,
        description="An API token (viewer or stronger), for calendar applications, which "
        "cannot send headers.",
    ),
]


def _check_caller(context: AppContext, request: Request, token: str | None) -> None:
    """A feed's caller: the token in the URL, else as every read (header or open reads)."""
    header = request.headers.get("authorization", "")
    if token is None and header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationError("use 'Authorization: Bearer <token>' or '?token='")
        token = value.strip()
    if token is None:
        if context.settings.reads_are_open(context.host):
            return
        raise AuthenticationError("a calendar feed needs a token: add '?token=<API token>'")
    with context.sessions() as session:
        verify_token(session=session, token=token, role="viewer", now=context.clock())


def _feed(request: Request, body: bytes) -> Response:
    tag = etag_of(body)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if etag_matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ICALENDAR, headers=headers)


@router.get(
    "/orgs/{org}/rotations/{rotation}/calendar.ics",
    summary="A rotation's calendar feed",
    response_class=Response,
)
async def rotation_feed(
    request: Request, org: OrgCode, rotation: EntityId, token: Token = None
) -> Response:
    """Who is on call for the rotation, primary and secondary, from a week ago to a year
    ahead, in the rotation's time zone (iCalendar, with VTIMEZONE)."""
    context = context_of(request)

    def build() -> bytes:
        _check_caller(context, request, token)
        with context.sessions() as session:
            org_or_404(session, org)
            book = book_of(context, session, org)
            found = book.rotation(rotation)
            at = context.clock()
            extra = runtime_overrides(session, org, *oncall_service.feed_window(at))
            return oncall_service.rotation_calendar(
                session=session,
                org=org,
                rotation_id=found.id,
                at=at,
                extra_overrides=extra.get(found.id, ()),
                book=book,
            )

    return _feed(request, await run_in_threadpool(build))


@router.get(
    "/orgs/{org}/people/{person}/oncall.ics",
    summary="A person's on-call calendar feed",
    response_class=Response,
)
async def person_feed(
    request: Request, org: OrgCode, person: EntityId, token: Token = None
) -> Response:
    """When the person is on call (in person, or through a role they hold), on every
    rotation, from a week ago to a year ahead (iCalendar, with VTIMEZONE)."""
    context = context_of(request)

    def build() -> bytes:
        _check_caller(context, request, token)
        with context.sessions() as session:
            org_or_404(session, org)
            at = context.clock()
            return oncall_service.person_calendar(
                session=session,
                org=org,
                person_id=person,
                at=at,
                extra_overrides=runtime_overrides(session, org, *oncall_service.feed_window(at)),
                book=book_of(context, session, org),
            )

    return _feed(request, await run_in_threadpool(build))
