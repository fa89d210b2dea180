"""Instant answers: who owns a catalog entry, who to contact about a group, and what
breaks if a group fails.

Imports ``store`` and the api helpers; no SQL here. Who owns X and who to contact are
hot reads: ``async`` routes whose answers the server keeps until the database changes
(``api.snapshots``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from orgplane.api.catalog import CatalogOut, catalog_out
from orgplane.api.deps import ReaderDep, SessionDep, context_of
from orgplane.api.groups import (
    DependencyOut,
    GroupSummaryOut,
    resolve_group,
    summary_out,
    walk_dependencies,
)
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.problems import problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
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


class ContactsOut(BaseModel):
    group: GroupSummaryOut
    contacts: list[ContactOut]
    #: Where the group itself names no one: the nearest group above it that does.
    via: GroupSummaryOut | None


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
    names nobody, the nearest group above it that does."""
    return await context_of(request).answers.respond(
        request, ("contact", org, group), lambda session: _contact(session, org, group)
    )


def _contact(session: Session, org: str, group: str) -> ContactsOut:
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
