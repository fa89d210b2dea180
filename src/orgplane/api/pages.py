"""Pages over HTTP: open one, list them, read one with its timeline, acknowledge and
resolve.

Imports ``services`` and the api helpers. Opening, acknowledging and resolving need an
editor's token, whose identity the timeline and the audit log keep.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import ContextDep, EditorDep, ReaderDep, SessionDep
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import ProblemError, problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.services import pages as page_service
from orgplane.store.pages import EventView, NotificationView, PageView

__all__ = ["router"]

router = APIRouter(
    prefix="/api", tags=["paging"], responses=read_responses(400, 401, 404, 422, 503)
)

PAGE_STATES = ("triggered", "acknowledged", "resolved")
#: A page's id, or its first six or more characters.
PageId = Annotated[
    str,
    Path(
        min_length=6,
        max_length=36,
        pattern=r"^[0-9a-fA-F-]+$",
        description="The page's id, or its first six or more characters.",
    ),
]


class RungOut(BaseModel):
    after_minutes: int
    targets: list[str]


class PageOut(BaseModel):
    id: str
    org: str
    summary: str
    target: str
    component: str | None
    rotation: str | None
    status: str
    opened_at: datetime
    opened_by: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    ladder_done_at: datetime | None
    policy: str
    rungs: list[RungOut]
    repeat: int


class EventOut(BaseModel):
    at: datetime
    kind: str
    actor: str
    text: str


class NotificationOut(BaseModel):
    id: str
    person: str
    kind: str
    status: str
    attempts: int
    possible_repeat: bool
    sending_at: datetime | None
    sent_at: datetime | None
    error: str | None


class PageDetailOut(PageOut):
    timeline: list[EventOut]
    notifications: list[NotificationOut]


class PageIn(BaseModel):
    target: str = Field(
        min_length=1,
        max_length=300,
        description="A rotation's id, a group (code or path), a catalog entry or a person.",
    )
    summary: str = Field(min_length=1, max_length=500, description="What is wrong, in a line.")
    component: str | None = Field(
        default=None, max_length=300, description="The catalog entry the page is about."
    )


class ClosedOut(BaseModel):
    page: PageOut
    #: False when the page had been acknowledged already: the first acknowledgement stands.
    changed: bool


def _page(page: PageView) -> dict[str, Any]:
    ladder = page.ladder
    return {
        "id": page.id,
        "org": page.org_code,
        "summary": page.summary,
        "target": page.target,
        "component": page.component,
        "rotation": page.rotation_id,
        "status": page.status,
        "opened_at": page.opened_at,
        "opened_by": page.opened_by,
        "acknowledged_at": page.acknowledged_at,
        "acknowledged_by": page.acknowledged_by,
        "resolved_at": page.resolved_at,
        "resolved_by": page.resolved_by,
        "ladder_done_at": page.ladder_done_at,
        "policy": ladder.get("policy", ""),
        "rungs": [RungOut(**rung) for rung in ladder.get("rungs", [])],
        "repeat": ladder.get("repeat", 0),
    }


def _event(event: EventView) -> EventOut:
    return EventOut(at=event.at, kind=event.kind, actor=event.actor, text=event.text)


def _notification(note: NotificationView) -> NotificationOut:
    return NotificationOut(
        id=note.id,
        person=note.person_id,
        kind=note.kind,
        status=note.status,
        attempts=note.attempts,
        possible_repeat=note.possible_repeat,
        sending_at=note.sending_at,
        sent_at=note.sent_at,
        error=note.last_error,
    )


@router.post(
    "/orgs/{org}/pages",
    response_model=PageOut,
    status_code=201,
    summary="Page someone",
    responses=problem_responses(403, 404),
)
async def open_page(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    caller: EditorDep,
    org: OrgCode,
    body: PageIn,
) -> Response:
    """Start the escalation of ``target``: its policy's ladder, from its first step.
    The engine sends the notifications; acknowledging stops them."""

    def work() -> PageView:
        org_or_404(session, org)
        return page_service.open_page(
            session=session,
            org_code=org,
            target=body.target,
            summary=body.summary,
            component=body.component,
            actor=caller.actor,
            now=datetime.now(UTC),
            directories=context.directories,
        )

    page = await run_in_threadpool(work)
    return json_response(request, PageOut(**_page(page)), status=201)


@router.get("/orgs/{org}/pages", response_model=Page[PageOut], summary="List pages")
def list_pages(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    status: Annotated[
        list[str] | None, Query(description="Only pages in these states (triggered, …).")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """Pages of the org, newest first."""
    org_or_404(session, org)
    states = status or []
    for state in states:
        if state not in PAGE_STATES:
            raise ProblemError(
                422, f"status {state!r}: use {', '.join(PAGE_STATES)}", kind="bad-status"
            )
    scope = f"pages:{org}:{','.join(sorted(states))}"
    key = context.cursor.decode_key(scope, cursor, str, str)
    before = (datetime.fromisoformat(key[0]), key[1]) if key is not None else None
    found = page_service.list_org_pages(
        session=session, org_code=org, status=states, limit=limit + 1, before=before
    )
    page, next_cursor = page_of(
        found, limit, context.cursor, scope, lambda p: [p.opened_at.isoformat(), p.id]
    )
    return json_response(
        request,
        Page[PageOut](items=[PageOut(**_page(p)) for p in page], next_cursor=next_cursor),
    )


@router.get(
    "/pages/{page_id}",
    response_model=PageDetailOut,
    summary="One page, with its timeline",
    responses=problem_responses(404),
)
def get_page(
    request: Request, session: SessionDep, _caller: ReaderDep, page_id: PageId
) -> Response:
    """The page, its timeline and its notifications (``page_id``: the id or its first
    six or more characters)."""
    detail = page_service.get_page_detail(session=session, page_id=page_id)
    out = PageDetailOut(
        **_page(detail.page),
        timeline=[_event(event) for event in detail.events],
        notifications=[_notification(note) for note in detail.notifications],
    )
    return json_response(request, out)


def _close(session: Session, page_id: str, actor: str, *, resolve: bool) -> ClosedOut:
    action = page_service.resolve_page if resolve else page_service.acknowledge_page
    found = page_service.find_page_id(session, page_id)
    session.rollback()
    result = action(session=session, page_id=found, actor=actor, now=datetime.now(UTC), via="api")
    return ClosedOut(page=PageOut(**_page(result.page)), changed=result.changed)


@router.post(
    "/pages/{page_id}/ack",
    response_model=ClosedOut,
    summary="Acknowledge a page",
    responses=problem_responses(403, 404, 409),
)
async def acknowledge(
    request: Request, session: SessionDep, caller: EditorDep, page_id: PageId
) -> Response:
    """Stop the page's ladder: nothing more is sent for it. A page acknowledged already
    stays as it was (``changed`` false); a resolved one is a 409 problem."""
    out = await run_in_threadpool(_close, session, page_id, caller.actor, resolve=False)
    return json_response(request, out)


@router.post(
    "/pages/{page_id}/resolve",
    response_model=ClosedOut,
    summary="Resolve a page",
    responses=problem_responses(403, 404, 409),
)
async def resolve(
    request: Request, session: SessionDep, caller: EditorDep, page_id: PageId
) -> Response:
    """Resolve the page, acknowledging it if nobody had."""
    out = await run_in_threadpool(_close, session, page_id, caller.actor, resolve=True)
    return json_response(request, out)
