"""Orgs: the list of orgs the database holds, and one org with its header and counts.

Imports ``store`` and the api helpers; no SQL here (the repositories build it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
from orgplane.store import group_queries, orgs
from orgplane.store.orgs import OrgView

__all__ = ["OrgCode", "OrgOut", "org_or_404", "router"]

router = APIRouter(prefix="/api", tags=["orgs"], responses=read_responses(400, 401, 422, 503))

#: An org code in a URL path.
OrgCode = Annotated[str, Path(min_length=1, max_length=64, description="The org's code.")]


class OrgOut(BaseModel):
    code: str
    name: str
    description: str
    leads: list[str]
    groups: int


def org_or_404(session: SessionDep, code: str) -> OrgView:
    found = orgs.get_org(session, code)
    if found is None:
        known = ", ".join(org.code for org in orgs.list_orgs(session)) or "none yet"
        raise NotFoundError(f"no org {code!r} (orgs: {known})")
    return found


def _out(session: SessionDep, org: OrgView) -> OrgOut:
    count = group_queries.count_groups(session, org.code)
    return OrgOut(
        code=org.code, name=org.name, description=org.description, leads=org.leads, groups=count
    )


@router.get("/orgs", response_model=Page[OrgOut], summary="List orgs")
def list_orgs(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    key = context.cursor.decode_key("orgs", cursor, str)
    after = key[0] if key is not None else None
    found = [org for org in orgs.list_orgs(session) if after is None or org.code > after]
    page, next_cursor = page_of(
        found[: limit + 1], limit, context.cursor, "orgs", lambda o: [o.code]
    )
    items = [_out(session, org) for org in page]
    return json_response(request, Page[OrgOut](items=items, next_cursor=next_cursor))


@router.get(
    "/orgs/{org}", response_model=OrgOut, summary="One org", responses=problem_responses(404)
)
def get_org(request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode) -> Response:
    return json_response(request, _out(session, org_or_404(session, org)))
