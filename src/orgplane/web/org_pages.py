"""The front door (every org at a glance), an org's page (its tree with leads, what each
group owns and how its KPIs stand) and the instant search.

Imports ``api`` (dependencies), ``model``, ``queries``, ``services``, ``store`` and
``web.pages`` (templates); no SQL here. The search asks ``queries.find_owners_in``, the
matcher ``orgplane owners`` uses, over every org (this org's answers first), so the web
and the CLI find the same things for the same words; each org's index is rebuilt from
the database only when an apply changed the org (``KeptIndexes``).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.errors import NotFoundError
from orgplane.model import OrgIndex
from orgplane.queries import OwnerMatch, find_owners_in
from orgplane.services.overview import org_overviews
from orgplane.services.scorecard import score_org
from orgplane.store import catalog, group_queries, orgs, people
from orgplane.store.group_queries import GroupSummary
from orgplane.store.org_model import org_model, snapshot_version
from orgplane.web.pages import base_context, org_or_404, render, rollup_view

__all__ = ["KeptIndexes", "router"]

router = APIRouter(include_in_schema=False)

#: Answers the instant search shows.
SEARCH_LIMIT = 25


class KeptIndexes:
    """Each org's ``OrgIndex``, rebuilt from the database when its snapshot changed."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int | None, OrgIndex]] = {}
        self._lock = threading.Lock()

    def index(self, session: Session, code: str) -> OrgIndex | None:
        version = snapshot_version(session, code)
        with self._lock:
            kept = self._kept.get(code)
        if kept is not None and kept[0] == version:
            return kept[1]
        org = org_model(session, code)
        if org is None:
            return None
        index = OrgIndex(org)
        with self._lock:
            self._kept[code] = (version, index)
        return index


def _kept(request: Request) -> KeptIndexes:
    state = request.app.state
    with _STATE_LOCK:
        if not hasattr(state, "org_indexes"):
            state.org_indexes = KeptIndexes()
    kept: KeptIndexes = state.org_indexes
    return kept


_STATE_LOCK = threading.Lock()


@router.get("/")
def home(
    request: Request, session: SessionDep, context: ContextDep, _caller: ReaderDep
) -> Response:
    """The front door: every org with its health at a glance."""
    overviews = org_overviews(session, at=context.clock())
    if not overviews:
        raise NotFoundError("no org has been applied yet: run 'orgplane apply SPEC'")
    return render(
        request,
        "home.html",
        **base_context(session, None, "home"),
        overviews=[(o, rollup_view(o.rollup)) for o in overviews],
    )


@router.get("/switch")
def switch(org: Annotated[str, Query(max_length=64)]) -> Response:
    """The org picker's target (its form works without JavaScript)."""
    return RedirectResponse(f"/orgs/{quote(org, safe='')}", status_code=303)


def _tree(
    groups: list[GroupSummary],
    leads: dict[str, str],
    owns: dict[str | None, int],
    statuses: dict[str, Any],
) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for group in groups:  # parents first
        rollup = statuses.get(group.path)
        node = {
            "code": group.code,
            "name": group.name,
            "kind": group.kind,
            "path": group.path,
            "depth": group.depth,
            "lead": leads.get(group.path, ""),
            "owns": owns.get(group.path, 0),
            "rollup": rollup_view(rollup) if rollup is not None and rollup.total else None,
            "children": [],
        }
        nodes[group.path] = node
        parent = nodes.get(group.parent_path) if group.parent_path else None
        (parent["children"] if parent else roots).append(node)
    return roots


@router.get("/orgs/{org}")
def org_page(
    request: Request, session: SessionDep, context: ContextDep, _caller: ReaderDep, org: str
) -> Response:
    view = org_or_404(session, org)
    groups = group_queries.all_summaries(session, view.code)
    lead_ids = group_queries.leads_by_group(session, view.code)
    named = people.people_by_id(session, view.code, {p for ids in lead_ids.values() for p in ids})
    leads = {
        path: ", ".join(named[p].name if p in named else p for p in ids)
        for path, ids in lead_ids.items()
    }
    card = score_org(session, view.code, context.clock())
    statuses = {g.group.path: g.rollup for g in card.groups}
    return render(
        request,
        "org.html",
        **base_context(session, view, "org"),
        tree=_tree(groups, leads, catalog.count_by_owner(session, view.code), statuses),
        group_count=len(groups),
        rollup=rollup_view(card.rollup),
    )


@router.get("/orgs/{org}/search")
def search(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: str,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The instant search's results, as an HTML fragment for htmx: groups, catalog
    entries and roles of every org (this one's first), each with why it matched."""
    view = org_or_404(session, org)
    results: list[OwnerMatch] = []
    if q.strip():
        kept = _kept(request)
        codes = [view.code, *(o.code for o in orgs.list_orgs(session) if o.code != view.code)]
        indexes = [index for code in codes if (index := kept.index(session, code)) is not None]
        found = find_owners_in(indexes, q, limit=SEARCH_LIMIT)
        results = sorted(found, key=lambda m: m.org != view.code)  # stable: best first in each
    return render(request, "_search_results.html", org=view, query=q.strip(), results=results)
