"""Groups: lists with filters, the tree, one group by code or path, its children,
members, KPIs, and its dependencies in both directions, transitively.

Imports ``store`` and the api helpers; no SQL here. A group is named in a URL by its
path ("1B/B-2") or by its code ("B-2"); a code that several groups share is a 409
problem listing their paths. One group is a hot read: an ``async`` route whose answer
the server keeps until the database changes (``api.snapshots``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, RootModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep, context_of
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import ProblemError, problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.errors import NotFoundError
from orgplane.model.reach import Reached, Step, walk
from orgplane.store import group_queries, people
from orgplane.store.group_queries import DependencyView, GroupSummary, GroupView

__all__ = ["GroupRef", "reach", "resolve_group", "router", "walk_dependencies"]

router = APIRouter(
    prefix="/api", tags=["groups"], responses=read_responses(400, 401, 422, 503, 404)
)
#: What a route that names a group in its path may also answer.
_BY_REF = problem_responses(409)

#: A group in a URL path: its path ("1B/B-2") or its code ("B-2").
GroupRef = Annotated[
    str, Path(min_length=1, max_length=512, description="The group's path, or its code.")
]
Depth = Annotated[int, Query(ge=1, le=20, description="How many hops to follow.")]


class GroupSummaryOut(BaseModel):
    code: str
    kind: str
    name: str
    path: str
    parent: str | None


class KpiOut(BaseModel):
    text: str
    name: str | None
    weight: float
    note: str


class StackItemOut(BaseModel):
    name: str
    version: str | None = None
    note: str = ""


class DependencyOut(BaseModel):
    """A dependency as ``group`` wrote it, on ``target`` (``target_path``: the group it
    resolved to, null when it resolves to none). ``direction`` says who depends on whom:
    ``from``: ``group`` depends on the target for ``provides``; ``to``: the target depends
    on ``group``; ``with``: both. ``depth``: the hop at which a walk found it."""

    group: str
    target: str
    target_path: str | None
    provides: str
    direction: str
    note: str
    depth: int = 1


class GroupOut(BaseModel):
    code: str
    kind: str
    name: str
    path: str
    parent: str | None
    description: str
    leads: list[str]
    members: list[str]
    oncall: list[str] | None
    responsibilities: list[str]
    stack: list[StackItemOut]
    stakeholders: list[str]
    boundaries: list[str]
    notes: list[str]
    kpis: list[KpiOut]
    dependencies: list[DependencyOut]
    children: list[GroupSummaryOut]


class TreeNodeOut(BaseModel):
    code: str
    kind: str
    name: str
    path: str
    children: list[TreeNodeOut]


class PersonRefOut(BaseModel):
    id: str
    name: str
    relation: str


def summary_out(group: GroupSummary) -> GroupSummaryOut:
    return GroupSummaryOut(
        code=group.code,
        kind=group.kind,
        name=group.name,
        path=group.path,
        parent=group.parent_path,
    )


def dependency_out(dep: DependencyView, depth: int = 1) -> DependencyOut:
    return DependencyOut(
        group=dep.group_path,
        target=dep.target,
        target_path=dep.target_path,
        provides=dep.provides,
        direction=dep.direction,
        note=dep.note,
        depth=depth,
    )


def resolve_group(session: Session, org: str, ref: str) -> GroupView:
    """The group ``ref`` names in ``org``: a path, or a code only one group has."""
    ref = ref.strip("/")
    if "/" not in ref:
        found = group_queries.groups_by_code(session, org, ref)
        if len(found) > 1:
            paths = ", ".join(g.path for g in found)
            raise ProblemError(
                409,
                f"code {ref!r} names {len(found)} groups ({paths}): use a path",
                kind="ambiguous",
            )
        path = found[0].path if found else ref
    else:
        path = ref
    group = group_queries.get_group(session, org, path)
    if group is None:
        raise NotFoundError(f"no group {ref!r} in org {org}")
    return group


def _group_out(session: Session, org: str, group: GroupView) -> GroupOut:
    summary = group.summary
    children = group_queries.child_groups(session, org, summary.path)
    return GroupOut(
        code=summary.code,
        kind=summary.kind,
        name=summary.name,
        path=summary.path,
        parent=summary.parent_path,
        description=group.description,
        leads=group.leads,
        members=group.members,
        oncall=group.oncall,
        responsibilities=group.responsibilities,
        stack=[StackItemOut.model_validate(item) for item in group.stack],
        stakeholders=group.stakeholders,
        boundaries=group.boundaries,
        notes=group.notes,
        kpis=[KpiOut(text=k.text, name=k.name, weight=k.weight, note=k.note) for k in group.kpis],
        dependencies=[dependency_out(dep) for dep in group.dependencies],
        children=[summary_out(child) for child in children],
    )


@router.get("/orgs/{org}/groups", response_model=Page[GroupSummaryOut], summary="List groups")
def list_groups(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    parent: Annotated[
        str | None,
        Query(
            max_length=512,
            description="Only the groups directly under this path ('' for the top level).",
        ),
    ] = None,
    q: Annotated[str, Query(max_length=200, description="Words the group must contain.")] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    org_or_404(session, org)
    scope = f"groups:{org}:{kind}:{parent}:{q}"
    key = context.cursor.decode_key(scope, cursor, str)
    after = key[0] if key is not None else None
    found = group_queries.page_groups(
        session,
        org,
        kind=kind,
        parent_path=parent.strip("/") if parent else None,
        top_level=parent == "",
        query=q,
        after=after,
        limit=limit + 1,
    )
    page, next_cursor = page_of(found, limit, context.cursor, scope, lambda g: [g.path])
    items = [summary_out(group) for group in page]
    return json_response(request, Page[GroupSummaryOut](items=items, next_cursor=next_cursor))


@router.get("/orgs/{org}/tree", response_model=list[TreeNodeOut], summary="The org tree")
def tree(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    depth: Annotated[int | None, Query(ge=1, le=50)] = None,
) -> Response:
    org_or_404(session, org)
    nodes: dict[str, TreeNodeOut] = {}
    roots: list[TreeNodeOut] = []
    for group in group_queries.all_summaries(session, org):
        if depth is not None and group.depth >= depth:
            continue
        node = TreeNodeOut(
            code=group.code, kind=group.kind, name=group.name, path=group.path, children=[]
        )
        nodes[group.path] = node
        parent = nodes.get(group.parent_path) if group.parent_path else None
        (parent.children if parent is not None else roots).append(node)
    return json_response(request, RootModel[list[TreeNodeOut]](roots))


@router.get(
    "/orgs/{org}/groups/{ref:path}/children",
    response_model=list[GroupSummaryOut],
    responses=_BY_REF,
)
def children(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, ref: GroupRef
) -> Response:
    """The groups directly under a group, in spec order."""
    org_or_404(session, org)
    group = resolve_group(session, org, ref)
    found = group_queries.child_groups(session, org, group.summary.path)
    return json_response(request, RootModel[list[GroupSummaryOut]]([summary_out(g) for g in found]))


@router.get(
    "/orgs/{org}/groups/{ref:path}/members", response_model=list[PersonRefOut], responses=_BY_REF
)
def members(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, ref: GroupRef
) -> Response:
    """Who leads, belongs to and is on call for a group."""
    org_or_404(session, org)
    group = resolve_group(session, org, ref)
    relations = group.people()
    found = people.people_by_id(session, org, (person_id for person_id, _ in relations))
    out = [
        PersonRefOut(
            id=person_id,
            name=found[person_id].name if person_id in found else person_id,
            relation=relation,
        )
        for person_id, relation in relations
    ]
    return json_response(request, RootModel[list[PersonRefOut]](out))


@router.get("/orgs/{org}/groups/{ref:path}/kpis", response_model=list[KpiOut], responses=_BY_REF)
def kpis(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, ref: GroupRef
) -> Response:
    """A group's KPIs as the spec writes them."""
    org_or_404(session, org)
    group = resolve_group(session, org, ref)
    items = [KpiOut(text=k.text, name=k.name, weight=k.weight, note=k.note) for k in group.kpis]
    return json_response(request, RootModel[list[KpiOut]](items))


def _steps(edge: DependencyView) -> list[Step[DependencyView]]:
    """The ways ``edge`` points, as ``model.reach`` walks them: ``from``: its writer
    depends on its target; ``to``: the other way; ``with``: both."""
    key = (edge.group_path, edge.position)
    steps = []
    if edge.direction in ("from", "with"):
        steps.append(Step(edge, edge.group_path, edge.target_path, key))
    if edge.direction in ("to", "with"):
        steps.append(Step(edge, edge.target_path, edge.group_path, key))
    return steps


def reach(
    session: Session, org: str, start: str, depth: int | None, *, reverse: bool
) -> list[Reached[DependencyView]]:
    """The dependencies a walk from ``start`` uses (``model.reach``), each with the hop
    it was found at and the group on its far side."""
    return walk(
        start,
        reverse=reverse,
        depth=depth,
        touching=lambda path: [
            step
            for edge in group_queries.dependency_edges(session, org, path)
            for step in _steps(edge)
        ],
    )


def walk_dependencies(
    session: Session, org: str, start: str, depth: int, *, reverse: bool
) -> tuple[list[DependencyOut], list[str]]:
    """What ``start`` depends on (``reverse``: what depends on it), hop by hop, up to
    ``depth`` hops, by the rule of ``model.reach`` (a group stands for its subtree; it
    does not inherit its parent's dependents): the dependencies followed, each once, and
    the paths of the groups reached, each once, nearest first."""
    reached = reach(session, org, start, depth, reverse=reverse)
    out = [dependency_out(r.item, r.hop) for r in reached]
    paths = list(dict.fromkeys(r.other for r in reached if r.other is not None))
    return out, paths


def _edges_answer(
    request: Request, session: Session, org: str, ref: str, depth: int, *, reverse: bool
) -> Response:
    org_or_404(session, org)
    group = resolve_group(session, org, ref)
    edges, _ = walk_dependencies(session, org, group.summary.path, depth, reverse=reverse)
    return json_response(request, RootModel[list[DependencyOut]](edges))


@router.get(
    "/orgs/{org}/groups/{ref:path}/dependencies",
    response_model=list[DependencyOut],
    responses=_BY_REF,
)
def dependencies(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    ref: GroupRef,
    depth: Depth = 1,
) -> Response:
    """What a group depends on, following dependencies ``depth`` hops."""
    return _edges_answer(request, session, org, ref, depth, reverse=False)


@router.get(
    "/orgs/{org}/groups/{ref:path}/dependents",
    response_model=list[DependencyOut],
    responses=_BY_REF,
)
def dependents(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    ref: GroupRef,
    depth: Depth = 1,
) -> Response:
    """What depends on a group (reverse dependencies), ``depth`` hops back."""
    return _edges_answer(request, session, org, ref, depth, reverse=True)


@router.get(
    "/orgs/{org}/groups/{ref:path}", response_model=GroupOut, summary="One group", responses=_BY_REF
)
async def get_group(request: Request, _caller: ReaderDep, org: OrgCode, ref: GroupRef) -> Response:
    """A group in full, by path or by code."""
    return await context_of(request).answers.respond(
        request, ("group", org, ref), lambda session: _group_answer(session, org, ref)
    )


def _group_answer(session: Session, org: str, ref: str) -> GroupOut:
    """The answer of ``GET /api/orgs/{org}/groups/{ref}``."""
    org_or_404(session, org)
    return _group_out(session, org, resolve_group(session, org, ref))
