"""The web UI's pages, rendered on the server with Jinja2; htmx adds instant search and
filtering without a page load, and every page works without JavaScript.

Imports ``api`` (dependencies and the group resolver), ``services.scorecard``, ``store``,
``kpis``, ``web.graph`` and ``web.sparkline``; no SQL here. Pages: the org (tree +
search), a group (facts, KPIs scored with sparklines, the roll-up of its subtree,
dependency graph, findings), the catalog (filterable, paged) and the findings; the
scorecard is in ``web.scorecard_pages``, which shares the KPI rows built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.groups import resolve_group
from orgplane.errors import NotFoundError
from orgplane.kpis import Kind, Objective
from orgplane.kpis.display import format_value
from orgplane.kpis.evaluate import Status
from orgplane.kpis.rollup import Rollup, roll_up
from orgplane.services.scorecard import KpiScore, score_series, sparklines
from orgplane.store import catalog, findings, group_queries, kpi_series, orgs, people
from orgplane.store.group_queries import GroupSummary, KpiView
from orgplane.store.orgs import OrgView
from orgplane.web.graph import GraphNode, dependency_svg
from orgplane.web.sparkline import sparkline_svg

__all__ = ["KpiRow", "RollupView", "kpi_rows", "rollup_view", "router", "templates"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("orgplane.web") / "templates"))
templates.env.globals["version"] = version("orgplane")

#: Catalog rows per page.
PAGE_SIZE = 50
#: Boxes per side of a dependency graph; the lists below it have them all.
GRAPH_LIMIT = 14


#: Kinds whose sparkline values compare with the objective's target (a rate's slices
#: are means, not sums per period; a growth's are levels, not changes).
_TARGET_LINE = (Kind.THRESHOLD, Kind.PERCENTILE, Kind.RATIO)


@dataclass(frozen=True, slots=True)
class RollupView:
    """A roll-up as a page shows it."""

    worst: Status
    #: Share of the scored KPIs that meet their target, in percent; ``None`` if none scored.
    percent_met: float | None
    met: int
    scored: int
    total: int
    counts: dict[Status, int]


def rollup_view(rollup: Rollup) -> RollupView:
    share = rollup.share_met
    return RollupView(
        worst=rollup.worst,
        percent_met=None if share is None else round(share * 100, 1),
        met=rollup.counts[Status.MET] + rollup.counts[Status.AT_RISK],
        scored=rollup.total - rollup.counts[Status.NO_DATA],
        total=rollup.total,
        counts=dict(rollup.counts),
    )


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One KPI, scored, as the group and scorecard pages show it."""

    text: str
    note: str
    status: Status
    value: str
    count: int
    reason: str | None
    window: str
    #: Share of the error budget left, in percent (SLOs only; negative when overspent).
    budget_percent: float | None
    #: Firing burn-rate alerts: (name, burn rate).
    alerts: list[tuple[str, float]]
    demo: bool
    #: Inline SVG from ``web.sparkline`` (escaped there); empty without measurements.
    spark: Markup


def kpi_rows(
    session: SessionDep, scores: list[KpiScore], notes: dict[int, str] | None = None
) -> list[KpiRow]:
    """Rows for ``scores`` (in their order), with each KPI's sparkline."""
    lines = sparklines(session, scores)
    rows = []
    for score in scores:
        series, assessment = score.series, score.assessment
        objective = series.objective

        def fmt(value: float, objective: Objective = objective) -> str:
            return format_value(value, objective)

        budget = assessment.budget_remaining
        spark = sparkline_svg(
            lines.get(series.id, []),
            # Not the KPI's text: the row says which KPI, and a cell's name stays its own.
            label=f"Trend over {score.window.text}",
            fmt=fmt,
            target=objective.value if objective.kind in _TARGET_LINE else None,
            css_class=f"spark {score.status.value}",
        )
        rows.append(
            KpiRow(
                text=series.text,
                note=(notes or {}).get(series.position, ""),
                status=score.status,
                value=format_value(assessment.value, objective),
                count=assessment.count,
                reason=assessment.reason,
                window=score.window.text,
                budget_percent=None if budget is None else round(budget * 100, 1),
                alerts=[(name, assessment.burn_rates.get(name, 0.0)) for name in assessment.alerts],
                demo=series.demo,
                spark=Markup(spark),  # built from escaped parts by web.sparkline
            )
        )
    return rows


def _group_kpis(
    session: SessionDep, org_code: str, path: str, kpis: list[KpiView]
) -> dict[str, Any]:
    """The group's own KPIs scored now, the roll-up of its subtree, and whether any of
    them holds demo data. Only the subtree is read: no org-wide scorecard per page."""
    at = datetime.now(UTC)
    subtree = kpi_series.list_series(session, org_code, group_path=path, subtree=True)
    scores = score_series(session, subtree, at)
    rollups = roll_up((s.group_path, scores[s.id].status, s.weight) for s in subtree)
    own = [scores[s.id] for s in subtree if s.group_path == path]
    notes = {i: kpi.note for i, kpi in enumerate(kpis)}
    return {
        "kpi_rows": kpi_rows(session, own, notes),
        "rollup": rollup_view(rollups.get(path, Rollup())),
        "demo": any(s.demo for s in subtree),
        "scored_at": at,
    }


def _org(session: SessionDep, code: str) -> OrgView:
    found = orgs.get_org(session, code)
    if found is None:
        raise NotFoundError(f"no org {code!r}")
    return found


def _render(request: Request, name: str, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context)


def _base(session: SessionDep, org: OrgView | None, page: str) -> dict[str, Any]:
    return {"org": org, "orgs": orgs.list_orgs(session), "page": page}


@router.get("/")
def home(session: SessionDep, _caller: ReaderDep) -> Response:
    found = orgs.list_orgs(session)
    if not found:
        raise NotFoundError("no org has been applied yet: run 'orgplane apply SPEC'")
    return RedirectResponse(f"/orgs/{found[0].code}", status_code=303)


@router.get("/switch")
def switch(org: Annotated[str, Query(max_length=64)]) -> Response:
    """The org picker's target (its form works without JavaScript)."""
    return RedirectResponse(f"/orgs/{quote(org, safe='')}", status_code=303)


def _tree(groups: list[GroupSummary]) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for group in groups:  # parents first
        node = {
            "code": group.code,
            "name": group.name,
            "kind": group.kind,
            "path": group.path,
            "depth": group.depth,
            "children": [],
        }
        nodes[group.path] = node
        parent = nodes.get(group.parent_path) if group.parent_path else None
        (parent["children"] if parent else roots).append(node)
    return roots


@router.get("/orgs/{org}")
def org_page(request: Request, session: SessionDep, _caller: ReaderDep, org: str) -> Response:
    view = _org(session, org)
    groups = group_queries.all_summaries(session, view.code)
    return _render(
        request,
        "org.html",
        **_base(session, view, "org"),
        tree=_tree(groups),
        group_count=len(groups),
    )


@router.get("/orgs/{org}/search")
def search(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: str,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The instant search's results, as an HTML fragment for htmx."""
    view = _org(session, org)
    results = group_queries.search_groups(session, view.code, q, limit=25) if q.strip() else []
    return _render(request, "_search_results.html", org=view, query=q.strip(), results=results)


@router.get("/orgs/{org}/groups/{ref:path}")
def group_page(
    request: Request, session: SessionDep, _caller: ReaderDep, org: str, ref: str
) -> Response:
    view = _org(session, org)
    group = resolve_group(session, view.code, ref)
    path = group.summary.path
    dependents = group_queries.dependents_of(session, view.code, path)
    # What depends on a group's department depends on the group too, less directly:
    # shown as "via 1B" so a squad's page tells who relies on its department.
    parts = path.split("/")
    inherited = [
        (ancestor, dep)
        for ancestor in ("/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1))
        for dep in group_queries.dependents_of(session, view.code, ancestor)
        if not dep.group_path.startswith(path + "/") and dep.group_path != path
    ]
    base = f"/orgs/{view.code}/groups/"

    def node(target_path: str | None, label: str, edge: str) -> GraphNode:
        if target_path is None:
            return GraphNode(label, "not in this org", None, edge)
        found = group_queries.get_group(session, view.code, target_path)
        if found is None:
            return GraphNode(label, "not in this org", None, edge)
        return GraphNode(found.summary.code, found.summary.name, base + target_path, edge)

    # Only the boxes drawn are looked up: a much depended-on group has hundreds.
    left_edges = [(d, d.provides) for d in dependents]
    left_edges += [
        (d, f"via {a.rsplit('/', 1)[-1]}: {d.provides}".rstrip(": ")) for a, d in inherited
    ]
    right_edges = group.dependencies
    center = GraphNode(group.summary.code, group.summary.name, None)
    left = [node(d.group_path, d.group_path, edge) for d, edge in left_edges[:GRAPH_LIMIT]]
    right = [node(d.target_path, d.target, d.provides) for d in right_edges[:GRAPH_LIMIT]]
    # Both layouts are sent; the stylesheet shows the one that fits the screen.
    graphs = [
        dependency_svg(
            center,
            left,
            right,
            more_dependents=max(0, len(left_edges) - GRAPH_LIMIT),
            more_dependencies=max(0, len(right_edges) - GRAPH_LIMIT),
            layout=layout,
            ids=f"graph-{layout}",
        )
        for layout in ("wide", "tall")
    ]
    found = people.people_by_id(session, view.code, [*group.leads, *group.members])

    def people_names(ids: list[str]) -> str:
        return ", ".join(found[i].name if i in found else i for i in ids)

    crumbs = []
    parts = path.split("/")
    for i in range(1, len(parts)):
        crumbs.append({"code": parts[i - 1], "path": "/".join(parts[:i])})
    return _render(
        request,
        "group.html",
        **_base(session, view, "org"),
        group=group,
        crumbs=crumbs,
        children=group_queries.child_groups(session, view.code, path),
        dependents=dependents,
        inherited=inherited,
        graph_svg=Markup("".join(graphs)),  # built from escaped parts by web.graph
        findings=findings.list_findings(session, view.code, subject=path),
        people_names=people_names,
        **_group_kpis(session, view.code, path, group.kpis),
    )


@router.get("/orgs/{org}/catalog")
def catalog_page(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: str,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=64)] = "",
    owner: Annotated[str, Query(max_length=512)] = "",
    after: Annotated[str, Query(max_length=1024)] = "",
) -> Response:
    view = _org(session, org)
    scope = f"web-catalog:{view.code}"
    key = context.cursor.decode_key(scope, after or None, str, str)
    start = (key[0], key[1]) if key is not None else None
    entries = catalog.page_catalog(
        session,
        view.code,
        kind=kind or None,
        owner=owner or None,
        query=q,
        after=start,
        limit=PAGE_SIZE + 1,
    )
    next_url = None
    if len(entries) > PAGE_SIZE:
        entries = entries[:PAGE_SIZE]
        cursor = context.cursor.encode(scope, [entries[-1].name, entries[-1].id])
        query = urlencode({"q": q, "kind": kind, "owner": owner, "after": cursor})
        next_url = f"/orgs/{view.code}/catalog?{query}"
    return _render(
        request,
        "catalog.html",
        **_base(session, view, "catalog"),
        entries=entries,
        filters={"q": q, "kind": kind, "owner": owner},
        kinds=["system", "service", "resource", "offering"],
        next_url=next_url,
    )


@router.get("/orgs/{org}/findings")
def findings_page(request: Request, session: SessionDep, _caller: ReaderDep, org: str) -> Response:
    view = _org(session, org)
    rows = [
        {
            "severity": f.severity.value,
            "code": f.code,
            "message": f.message,
            "hint": f.hint,
            "where": str(f.location) if f.location else (f.subject or ""),
        }
        for f in findings.list_findings(session, view.code)
    ]
    return _render(request, "findings.html", **_base(session, view, "findings"), findings=rows)
