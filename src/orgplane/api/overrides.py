"""Runtime overrides of on-call rotations over HTTP: put someone on call for a while,
list a rotation's overrides, cancel one.

Imports ``services`` and the api helpers. Adding and cancelling need an editor's token,
whose identity the audit log keeps; every on-call answer counts an override at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import EditorDep, ReaderDep, SessionDep
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.problems import problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
from orgplane.services import overrides as override_service
from orgplane.store.overrides import OverrideView

__all__ = ["router"]

router = APIRouter(
    prefix="/api", tags=["paging"], responses=read_responses(400, 401, 404, 422, 503)
)


class OverrideIn(BaseModel):
    person: str = Field(min_length=1, max_length=128)
    start: AwareDatetime
    end: AwareDatetime
    note: str = Field(default="", max_length=2000)


class OverrideOut(BaseModel):
    id: int
    rotation: str
    person: str
    start: datetime
    end: datetime
    note: str
    created_at: datetime
    created_by: str
    cancelled_at: datetime | None
    cancelled_by: str | None


def _override(item: OverrideView) -> OverrideOut:
    return OverrideOut(
        id=item.id,
        rotation=item.rotation_id,
        person=item.person_id,
        start=item.start_at,
        end=item.end_at,
        note=item.note,
        created_at=item.created_at,
        created_by=item.created_by,
        cancelled_at=item.cancelled_at,
        cancelled_by=item.cancelled_by,
    )


@router.post(
    "/orgs/{org}/rotations/{rotation}/overrides",
    response_model=OverrideOut,
    status_code=201,
    summary="Override who is on call",
    responses=problem_responses(403, 404),
)
async def add_override(
    request: Request,
    session: SessionDep,
    caller: EditorDep,
    org: OrgCode,
    rotation: str,
    body: OverrideIn,
) -> Response:
    """Put ``person`` on call for the rotation from ``start`` until ``end``."""

    def work() -> OverrideView:
        org_or_404(session, org)
        return override_service.add_override(
            session=session,
            org_code=org,
            rotation_id=rotation,
            person=body.person,
            start=body.start,
            end=body.end,
            note=body.note,
            actor=caller.actor,
            now=datetime.now(UTC),
        )

    made = await run_in_threadpool(work)
    return json_response(request, _override(made), status=201)


@router.get(
    "/orgs/{org}/rotations/{rotation}/overrides",
    response_model=list[OverrideOut],
    summary="Runtime overrides of a rotation",
)
def list_overrides(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    rotation: str,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Response:
    """Overrides not cancelled in force from ``from`` (default now) over ``days``."""
    found_org = org_or_404(session, org)
    rotations = [item.get("id") for item in found_org.processes.get("oncall", [])]
    if rotation not in rotations:
        known = ", ".join(str(r) for r in rotations) or "none"
        raise NotFoundError(f"no rotation {rotation!r} in {org} (rotations: {known})")
    begins = start or datetime.now(UTC)
    found = override_service.list_overrides(
        session=session,
        org_code=org,
        rotation_id=rotation,
        start=begins,
        end=begins + timedelta(days=days),
    )
    body = TypeAdapter(list[OverrideOut]).dump_json([_override(item) for item in found])
    return Response(body, media_type="application/json")


@router.post(
    "/orgs/{org}/overrides/{override_id}/cancel",
    response_model=OverrideOut,
    summary="Cancel a runtime override",
    responses=problem_responses(403, 404),
)
async def cancel_override(
    request: Request, session: SessionDep, caller: EditorDep, org: OrgCode, override_id: int
) -> Response:
    def work() -> OverrideView:
        org_or_404(session, org)
        return override_service.cancel_override(
            session=session,
            org_code=org,
            override_id=override_id,
            actor=caller.actor,
            now=datetime.now(UTC),
        )

    cancelled = await run_in_threadpool(work)
    return json_response(request, _override(cancelled))
