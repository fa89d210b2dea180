"""The validator's findings of each org's last apply, and the apply history.

Imports ``store`` and the api helpers; no SQL here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, RootModel
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.responses import json_response, read_responses
from orgplane.store import applies, findings

__all__ = ["router"]

router = APIRouter(
    prefix="/api", tags=["findings"], responses=read_responses(400, 401, 422, 503, 404)
)


class FindingOut(BaseModel):
    code: str
    severity: str
    message: str
    file: str | None
    line: int | None
    col: int | None
    hint: str | None
    group: str | None


class ApplyOut(BaseModel):
    id: int
    at: datetime
    actor: str
    changes: dict[str, Any]
    counts: dict[str, Any]


@router.get(
    "/orgs/{org}/findings", response_model=Page[FindingOut], summary="Findings of the last apply"
)
def list_findings(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    severity: Annotated[Literal["error", "warning", "info"] | None, Query()] = None,
    group: Annotated[
        str | None, Query(max_length=512, description="Only about this group path.")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    org_or_404(session, org)
    scope = f"findings:{org}:{severity}:{group}"
    start = int(context.cursor.decode(scope, cursor)[0]) if cursor else 0
    found = [
        f
        for f in findings.list_findings(session, org, subject=group)
        if severity is None or f.severity.value == severity
    ]
    window = found[start : start + limit + 1]
    page, next_cursor = page_of(window, limit, context.cursor, scope, lambda _f: [start + limit])
    items = [
        FindingOut(
            code=f.code,
            severity=f.severity.value,
            message=f.message,
            file=f.location.file if f.location else None,
            line=f.location.line if f.location else None,
            col=f.location.col if f.location else None,
            hint=f.hint,
            group=f.subject,
        )
        for f in page
    ]
    return json_response(request, Page[FindingOut](items=items, next_cursor=next_cursor))


@router.get("/orgs/{org}/applies", response_model=list[ApplyOut], summary="Apply history")
def list_applies(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> Response:
    org_or_404(session, org)
    items = [
        ApplyOut(id=a.id, at=a.applied_at, actor=a.actor, changes=a.changes, counts=a.counts)
        for a in applies.list_applies(session, org, limit=limit)
    ]
    return json_response(request, RootModel[list[ApplyOut]](items))
