"""The audit log over HTTP: every mutation, newest first. Admins only.

Imports ``services`` and the api helpers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from orgplane.api.deps import AdminDep, ContextDep, SessionDep
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.responses import json_response, read_responses
from orgplane.store import audit

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["audit"], responses=read_responses(400, 401, 403, 422, 503))


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("/audit", response_model=Page[AuditOut], summary="The audit log")
def list_audit(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: AdminDep,
    target: Annotated[str | None, Query(max_length=512)] = None,
    action: Annotated[str | None, Query(max_length=128)] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    scope = f"audit:{target}:{action}"
    key = context.cursor.decode_key(scope, cursor, int)
    before = key[0] if key is not None else None
    found = audit.list_audit(session, limit=limit + 1, target=target, action=action, before=before)
    page, next_cursor = page_of(found, limit, context.cursor, scope, lambda e: [e.id])
    items = [
        AuditOut(
            id=e.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            before=e.before,
            after=e.after,
        )
        for e in page
    ]
    return json_response(request, Page[AuditOut](items=items, next_cursor=next_cursor))
