"""The validator's findings of each org's last apply, and the apply history.

Imports ``store`` and the api helpers; no SQL here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
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
    # ":position": the sort key of these cursors (an older server's were offsets).
    scope = f"findings:{org}:{severity}:{group}:position"
    key = context.cursor.decode_key(scope, cursor, int)
    found = findings.page_findings(
        session,
        org,
        subject=group,
        severity=severity,
        after=key[0] if key is not None else None,
        limit=limit + 1,
    )
    window, next_cursor = page_of(found, limit, context.cursor, scope, lambda f: [f[0]])
    page = [finding for _, finding in window]
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


@router.get("/orgs/{org}/applies", response_model=Page[ApplyOut], summary="Apply history")
def list_applies(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """The applies that changed the org, newest first."""
    org_or_404(session, org)
    scope = f"applies:{org}"
    key = context.cursor.decode_key(scope, cursor, int)
    found = applies.list_applies(
        session, org, before=key[0] if key is not None else None, limit=limit + 1
    )
    page, next_cursor = page_of(found, limit, context.cursor, scope, lambda a: [a.id])
    items = [
        ApplyOut(id=a.id, at=a.applied_at, actor=a.actor, changes=a.changes, counts=a.counts)
        for a in page
    ]
    return json_response(request, Page[ApplyOut](items=items, next_cursor=next_cursor))
