"""A group's page: who leads it and who is in it, what it owns, its KPIs scored, what it
is responsible for and runs, its dependencies in and out (drawn, and listed), findings.

Imports ``api`` (dependencies, the group resolver, the dependency walk), ``model.reach``,
``store``, ``web.graph`` and ``web.pages`` (templates, KPI rows); no SQL here. A card
with nothing to say is left out; so are notes about the document (``model.notes``). Dependencies follow ``model.reach``, as the CLI and the
API do: what depends on the group (or a group below it), and what it depends on; what
depends on a group above it as a whole is that group's, and the page says so in one line
that links there.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from orgplane.api.deps import ReaderDep, SessionDep
from orgplane.api.groups import reach, resolve_group
from orgplane.model.notes import shown_notes
from orgplane.model.reach import Reached, as_a_whole, within
from orgplane.store import catalog, findings, group_queries, people
from orgplane.store.group_queries import DependencyView
from orgplane.web.graph import GraphNode, dependency_svg
from orgplane.web.pages import base_context, group_kpis, org_or_404, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Boxes per side of a dependency graph; the lists below it have them all.
GRAPH_LIMIT = 14


@dataclass(frozen=True, slots=True)
class Link:
    """One dependency as the page lists it: the group on the other side (``path`` None:
    a target that names no group), what flows, and the group of this subtree it touches
    when that is not the page's group (``via``)."""

    path: str | None
    label: str
    provides: str
    via: str | None
    both_ways: bool


def _near(edge: DependencyView, path: str, *, reverse: bool) -> str | None:
    """The end of ``edge`` inside the page's group: the provider for a dependent, the
    consumer for a dependency (``from``: the writer consumes the target; ``to``: the
    other way; ``with``: both)."""
    if edge.direction == "with":
        return edge.group_path if within(edge.group_path, path) else edge.target_path
    target_provides = edge.direction == "from"
    if reverse:
        return edge.target_path if target_provides else edge.group_path
    return edge.group_path if target_provides else edge.target_path


def _links(found: list[Reached[DependencyView]], path: str, *, reverse: bool) -> list[Link]:
    out = []
    for reached in found:
        edge = reached.item
        near = _near(edge, path, reverse=reverse)
        via = near if near is not None and near != path else None
        label = reached.other or edge.target
        out.append(Link(reached.other, label, edge.provides, via, edge.direction == "with"))
    return out


def _above(session: Session, org: str, path: str) -> tuple[str, str, int] | None:
    """The nearest group above ``path`` that others depend on as a whole: its path, its
    kind, and how many groups do."""
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        ancestor = "/".join(parts[:i])
        consumers = {
            d.group_path
            for d in group_queries.dependents_of(session, org, ancestor)
            if not within(d.group_path, ancestor)
        }
        if consumers:
            summary = group_queries.summaries_by_path(session, org, [ancestor])[ancestor]
            return ancestor, summary.kind, len(consumers)
    return None


def _graph(
    session: Session, org: str, center: GraphNode, left: list[Link], right: list[Link]
) -> Markup:
    """Both layouts of the picture (the stylesheet shows the one that fits); nothing for
    a group with no dependency either way."""
    if not left and not right:
        return Markup("")
    base = f"/orgs/{org}/groups/"
    wanted = [link.path for link in (*left[:GRAPH_LIMIT], *right[:GRAPH_LIMIT]) if link.path]
    # Only the boxes drawn are looked up: a much depended-on group has hundreds.
    found = group_queries.summaries_by_path(session, org, wanted)

    def node(link: Link) -> GraphNode:
        edge = f"{link.provides} (on {link.via.rsplit('/', 1)[-1]})" if link.via else link.provides
        summary = found.get(link.path) if link.path else None
        if summary is None:
            return GraphNode(link.label, "not in this org", None, edge)
        return GraphNode(summary.code, summary.name, base + summary.path, edge)

    graphs = [
        dependency_svg(
            center,
            [node(link) for link in left[:GRAPH_LIMIT]],
            [node(link) for link in right[:GRAPH_LIMIT]],
            more_dependents=max(0, len(left) - GRAPH_LIMIT),
            more_dependencies=max(0, len(right) - GRAPH_LIMIT),
            layout=layout,
            ids=f"graph-{layout}",
        )
        for layout in ("wide", "tall")
    ]
    return Markup("".join(graphs))  # built from escaped parts by web.graph


@router.get("/orgs/{org}/groups/{ref:path}")
def group_page(
    request: Request, session: SessionDep, _caller: ReaderDep, org: str, ref: str
) -> Response:
    view = org_or_404(session, org)
    group = resolve_group(session, view.code, ref)
    path = group.summary.path
    dependents = _links(reach(session, view.code, path, 1, reverse=True), path, reverse=True)
    dependencies = _links(reach(session, view.code, path, 1, reverse=False), path, reverse=False)
    above = _above(session, view.code, path)
    whole = None
    if above is not None:
        ancestor, kind, count = above
        whole = {
            "path": ancestor,
            "code": ancestor.rsplit("/", 1)[-1],
            "text": as_a_whole(count, ancestor.rsplit("/", 1)[-1], kind, group.summary.code),
        }
    center = GraphNode(group.summary.code, group.summary.name, None)
    found = people.people_by_id(session, view.code, [*group.leads, *group.members])

    def person(person_id: str) -> str:
        return found[person_id].name if person_id in found else person_id

    parts = path.split("/")
    crumbs = [{"code": parts[i - 1], "path": "/".join(parts[:i])} for i in range(1, len(parts))]
    return render(
        request,
        "group.html",
        **base_context(session, view, "org"),
        group=group,
        crumbs=crumbs,
        children=group_queries.child_groups(session, view.code, path),
        owns=catalog.catalog_of_group(session, view.code, path),
        leads=[person(p) for p in group.leads],
        members=[person(p) for p in group.members if p not in group.leads],
        dependents=dependents,
        dependencies=dependencies,
        whole=whole,
        graph_svg=_graph(session, view.code, center, dependents, dependencies),
        findings=findings.list_findings(session, view.code, subject=path),
        notes=shown_notes(group.notes),
        **group_kpis(session, view.code, path, group.kpis),
    )
