"""People and roles: who is in the org, which groups they are in, and the roles they
hold. A role's internal id is never part of any response.

Imports ``store`` and the api helpers; no SQL here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.groups import GroupSummaryOut, summary_out
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
from orgplane.store import group_queries, people, roles
from orgplane.store.people import PersonView
from orgplane.store.roles import RoleView

__all__ = ["router"]

router = APIRouter(
    prefix="/api", tags=["people"], responses=read_responses(400, 401, 422, 503, 404)
)

EntityId = Annotated[str, Path(min_length=1, max_length=128)]


class PersonOut(BaseModel):
    id: str
    name: str
    email: str | None
    chat: str | None
    timezone: str | None
    roles: list[str]


class MembershipOut(BaseModel):
    relation: str
    group: GroupSummaryOut


class PersonDetailOut(PersonOut):
    groups: list[MembershipOut]


class HeadcountOut(BaseModel):
    min: int | None
    max: int | None


class RoleOut(BaseModel):
    id: str
    name: str
    description: str
    specialty: str
    group: str | None
    reports_to: str | None
    responsibilities: list[str]
    headcount: HeadcountOut | None
    escalation_order: int | None


def _person(view: PersonView) -> PersonOut:
    return PersonOut(
        id=view.id,
        name=view.name,
        email=view.email,
        chat=view.chat,
        timezone=view.timezone,
        roles=view.roles,
    )


def _role(view: RoleView) -> RoleOut:
    headcount = (
        HeadcountOut(min=view.headcount_min, max=view.headcount_max)
        if view.headcount_min is not None or view.headcount_max is not None
        else None
    )
    return RoleOut(
        id=view.id,
        name=view.name,
        description=view.description,
        specialty=view.specialty,
        group=view.group,
        reports_to=view.reports_to,
        responsibilities=view.responsibilities,
        headcount=headcount,
        escalation_order=view.escalation_order,
    )


@router.get("/orgs/{org}/people", response_model=Page[PersonOut], summary="List people")
def list_people(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    org_or_404(session, org)
    scope = f"people:{org}"
    key = context.cursor.decode_key(scope, cursor, str)
    after = key[0] if key is not None else None
    found = people.page_people(session, org, after=after, limit=limit + 1)
    page, next_cursor = page_of(found, limit, context.cursor, scope, lambda p: [p.id])
    return json_response(
        request, Page[PersonOut](items=[_person(p) for p in page], next_cursor=next_cursor)
    )


@router.get("/orgs/{org}/people/{person}", response_model=PersonDetailOut, summary="One person")
def get_person(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, person: EntityId
) -> Response:
    org_or_404(session, org)
    view = people.get_person(session, org, person)
    if view is None:
        raise NotFoundError(f"no person {person!r} in org {org}")
    memberships = [
        MembershipOut(relation=relation, group=summary_out(group))
        for relation, group in group_queries.groups_of_person(session, org, person)
    ]
    detail = PersonDetailOut(**_person(view).model_dump(), groups=memberships)
    return json_response(request, detail)


@router.get("/orgs/{org}/roles", response_model=Page[RoleOut], summary="List roles")
def list_roles(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """Roles by escalation order (those without one last), then id."""
    org_or_404(session, org)
    scope = f"roles:{org}"
    key = context.cursor.decode_key(scope, cursor, (int, type(None)), str)
    after = (key[0], key[1]) if key is not None else None
    found = roles.page_roles(session, org, after=after, limit=limit + 1)
    page, next_cursor = page_of(
        found, limit, context.cursor, scope, lambda r: [r.escalation_order, r.id]
    )
    return json_response(
        request, Page[RoleOut](items=[_role(r) for r in page], next_cursor=next_cursor)
    )


@router.get("/orgs/{org}/roles/{role}", response_model=RoleOut, summary="One role")
def get_role(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, role: EntityId
) -> Response:
    org_or_404(session, org)
    view = roles.get_role(session, org, role)
    if view is None:
        raise NotFoundError(f"no role {role!r} in org {org}")
    return json_response(request, _role(view))
