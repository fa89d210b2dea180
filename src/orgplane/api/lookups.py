"""Instant answers: who owns a catalog entry, who to contact about a group (with who is
on call for it now), and what breaks if a group fails.

Imports ``store`` and the api helpers; no SQL here. Who owns X and who to contact are
hot reads: ``async`` routes whose answers the server keeps until the database changes
(``api.snapshots``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from orgplane.api.catalog import CatalogOut, catalog_out
from orgplane.api.deps import AppContext, ReaderDep, SessionDep, context_of
from orgplane.api.groups import (
    DependencyOut,
    GroupSummaryOut,
    resolve_group,
    summary_out,
    walk_dependencies,
)
from orgplane.api.oncall import book_of, runtime_overrides
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.problems import problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.api.snapshots import Expiring
from orgplane.errors import NotFoundError
from orgplane.services import oncall as oncall_service
from orgplane.store import catalog, group_queries, people

__all__ = ["router"]

router = APIRouter(
    prefix="/api", tags=["lookups"], responses=read_responses(400, 401, 422, 503, 404)
)


class OwnerOut(BaseModel):
    """The entries that match, each with the group that owns it."""

    query: str
    entries: list[CatalogOut]
    owners: list[GroupSummaryOut]


class ContactOut(BaseModel):
    id: str
    name: str
    relation: str
    email: str | None
    chat: str | None


class OnCallContactOut(ContactOut):
    """A person on call for the group now: ``tier`` primary or secondary, ``until``
    when (null: beyond the 400 days an answer looks ahead), ``role`` the role they are
    on call as (null: named in person)."""

    tier: str
    until: datetime | None
    role: str | None


class ContactsOut(BaseModel):
    group: GroupSummaryOut
    contacts: list[ContactOut]
    #: Where the group itself names no one: the nearest group above it that does.
    via: GroupSummaryOut | None
    #: Who is on call for the group now, by its rotation or the nearest one above it.
    on_call: list[OnCallContactOut] = []
    #: How that rotation was found (null: no rotation covers the group).
    on_call_how: str | None = None


class ImpactOut(BaseModel):
    group: GroupSummaryOut
    depth: int
    affected: list[GroupSummaryOut]
    edges: list[DependencyOut]


@router.get("/orgs/{org}/lookups/owner", response_model=OwnerOut, summary="Who owns X")
async def owner(
    request: Request,
    _caller: ReaderDep,
    org: OrgCode,
    entry: Annotated[
        str, Query(min_length=1, max_length=200, description="An entry's id or words of it.")
    ],
) -> Response:
    return await context_of(request).answers.respond(
        request, ("owner", org, entry), lambda session: _owner(session, org, entry)
    )


def _owner(session: Session, org: str, entry: str) -> OwnerOut:
    org_or_404(session, org)
    exact = catalog.get_catalog_entry(session, org, entry)
    found = [exact] if exact is not None else catalog.search_catalog(session, org, entry, limit=20)
    if not found:
        raise NotFoundError(f"no catalog entry matches {entry!r} in org {org}")
    paths = list(dict.fromkeys(view.owner_path for view in found if view.owner_path))
    groups = group_queries.summaries_by_path(session, org, paths)  # one query for all
    owners = [summary_out(groups[path]) for path in paths if path in groups]
    return OwnerOut(query=entry, entries=[catalog_out(v) for v in found], owners=owners)


@router.get(
    "/orgs/{org}/lookups/contact",
    response_model=ContactsOut,
    summary="Who to contact",
    responses=problem_responses(409),
)
async def contact(
    request: Request,
    _caller: ReaderDep,
    org: OrgCode,
    group: Annotated[
        str, Query(min_length=1, max_length=512, description="A group's path or code.")
    ],
) -> Response:
    """The people to contact about a group: its on-call, leads and members; when it
    names nobody, the nearest group above it that does. ``on_call``: who is on call for
    it now, by its rotation (or the nearest group's above it)."""
    context = context_of(request)
    return await context.answers.respond(
        request, ("contact", org, group), lambda session: _contact(context, session, org, group)
    )


def _contact(context: AppContext, session: Session, org: str, group: str) -> Expiring:
    contacts = _contacts(session, org, group)
    on_call, how, changes_at = _on_call(context, session, org, contacts.group.path)
    out = contacts.model_copy(update={"on_call": on_call, "on_call_how": how})
    return Expiring(out, changes_at)


def _on_call(
    context: AppContext, session: Session, org: str, path: str
) -> tuple[list[OnCallContactOut], str | None, datetime | None]:
    """Who holds the rotation covering the group at path ``path`` now; nobody when no
    rotation covers it."""
    book = book_of(context, session, org)
    try:
        found = book.resolve(oncall_service.DatabasePlaces(session, org), path)
    except NotFoundError:
        return [], None, None
    if found.rotation is None:
        return [], None, None
    at = context.clock()
    answer = book.now(
        found.rotation, at=at, how=found.how, extra=runtime_overrides(session, org, at)
    )
    duties = [duty for duty in (answer.primary, answer.secondary) if duty is not None]
    found_people = people.people_by_id(
        session, org, (person for duty in duties for person in duty.holder.people)
    )
    on_call = []
    for duty in duties:
        for person_id in duty.holder.people:
            person = found_people.get(person_id)
            on_call.append(
                OnCallContactOut(
                    id=person_id,
                    name=person.name if person else person_id,
                    relation="oncall",
                    email=person.email if person else None,
                    chat=person.chat if person else None,
                    tier=duty.tier,
                    until=duty.until,
                    role=duty.holder.name if duty.holder.kind == "role" else None,
                )
            )
    return on_call, answer.how, answer.changes_at


def _contacts(session: Session, org: str, group: str) -> ContactsOut:
    org_or_404(session, org)
    target = resolve_group(session, org, group)
    current = target
    via = None
    while True:
        relations = current.people(order=("oncall", "lead", "member"))
        if relations or current.summary.parent_path is None:
            break
        parent = group_queries.get_group(session, org, current.summary.parent_path)
        if parent is None:
            break
        current, via = parent, summary_out(parent.summary)
    found = people.people_by_id(session, org, (person_id for person_id, _ in relations))
    contacts = []
    for person_id, relation in relations:
        person = found.get(person_id)
        contacts.append(
            ContactOut(
                id=person_id,
                name=person.name if person else person_id,
                relation=relation,
                email=person.email if person else None,
                chat=person.chat if person else None,
            )
        )
    return ContactsOut(group=summary_out(target.summary), contacts=contacts, via=via)


@router.get(
    "/orgs/{org}/lookups/impact",
    response_model=ImpactOut,
    summary="What breaks if X fails",
    responses=problem_responses(409),
)
def impact(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    group: Annotated[
        str, Query(min_length=1, max_length=512, description="A group's path or code.")
    ],
    depth: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Response:
    """The groups that depend on a group, directly or through others."""
    org_or_404(session, org)
    target = resolve_group(session, org, group)
    edges, reached = walk_dependencies(session, org, target.summary.path, depth, reverse=True)
    groups = group_queries.summaries_by_path(session, org, reached)  # one query for all
    affected = [summary_out(groups[path]) for path in reached if path in groups]
    out = ImpactOut(group=summary_out(target.summary), depth=depth, affected=affected, edges=edges)
    return json_response(request, out)
