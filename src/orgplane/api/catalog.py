"""The catalog: what each group owns or offers, filterable, and who owns an entry.

Imports ``store`` and the api helpers; no SQL here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
from orgplane.store import catalog
from orgplane.store.catalog import CatalogView

__all__ = ["CatalogOut", "catalog_out", "router"]

router = APIRouter(prefix="/api", tags=["catalog"], responses=read_responses(400, 401, 422, 503))


class CatalogOut(BaseModel):
    id: str
    name: str
    kind: str
    owner: str | None
    owner_path: str | None
    description: str
    tier: int | None
    lifecycle: str
    sla: str
    contact: str
    intake: str
    escalation: list[str]
    tools: list[str]
    depends_on: list[str]
    tags: list[str]


def catalog_out(view: CatalogView) -> CatalogOut:
    return CatalogOut(
        id=view.id,
        name=view.name,
        kind=view.kind,
        owner=view.owner,
        owner_path=view.owner_path,
        description=view.description,
        tier=view.tier,
        lifecycle=view.lifecycle,
        sla=view.sla,
        contact=view.contact,
        intake=view.intake,
        escalation=view.escalation,
        tools=view.tools,
        depends_on=view.depends_on,
        tags=view.tags,
    )


@router.get(
    "/orgs/{org}/catalog",
    response_model=Page[CatalogOut],
    summary="List catalog entries",
    responses=problem_responses(404),
)
def list_catalog(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    owner: Annotated[
        str | None, Query(max_length=512, description="The owner's code or path.")
    ] = None,
    q: Annotated[str, Query(max_length=200, description="Words the entry must contain.")] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    org_or_404(session, org)
    scope = f"catalog:{org}:{kind}:{owner}:{q}"
    key = context.cursor.decode_key(scope, cursor, str, str)
    after = (key[0], key[1]) if key is not None else None
    found = catalog.page_catalog(
        session, org, kind=kind, owner=owner, query=q, after=after, limit=limit + 1
    )
    page, next_cursor = page_of(found, limit, context.cursor, scope, lambda e: [e.name, e.id])
    items = [catalog_out(entry) for entry in page]
    return json_response(request, Page[CatalogOut](items=items, next_cursor=next_cursor))


@router.get(
    "/orgs/{org}/catalog/{entry}",
    response_model=CatalogOut,
    summary="One entry",
    responses=problem_responses(404),
)
def get_entry(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    entry: Annotated[str, Path(min_length=1, max_length=128)],
) -> Response:
    org_or_404(session, org)
    view = catalog.get_catalog_entry(session, org, entry)
    if view is None:
        raise NotFoundError(f"no catalog entry {entry!r} in org {org}")
    return json_response(request, catalog_out(view))
