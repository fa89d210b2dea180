"""The scorecard page: every KPI of an org (or of one group's subtree) scored now and
rolled up the tree, as a table of groups to drill down through.

Imports ``api`` (dependencies and the group resolver), ``services.scorecard`` and
``web.pages`` (the templates and the KPI rows the group page shows too); no SQL here.
The whole scope is scored (the database sums every series at once), but only a few
levels of it are drawn: departments and the level below for an org, so a large org's
page stays a few hundred rows; each row links to its own, deeper scorecard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from orgplane.api.deps import ReaderDep, SessionDep
from orgplane.api.groups import resolve_group
from orgplane.services.scorecard import GroupScore, score_org
from orgplane.store.group_queries import GroupSummary
from orgplane.web.pages import (
    RollupView,
    base_context,
    kpi_rows,
    org_or_404,
    render,
    rollup_view,
)

__all__ = ["ScorecardRow", "router"]

router = APIRouter(include_in_schema=False)

#: Levels of groups shown below the scope unless the address asks for more.
DEFAULT_LEVELS = 2
MAX_LEVELS = 12
#: Rows drawn at most, however deep the address asks to look.
MAX_ROWS = 600


@dataclass(frozen=True, slots=True)
class ScorecardRow:
    """A group on the scorecard: how deep it sits below the scope, and its roll-up."""

    group: GroupSummary
    level: int
    rollup: RollupView
    #: Groups right below it that this page does not show (see its own scorecard).
    hidden_children: int


@router.get("/orgs/{org}/scorecard")
def scorecard_page(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: str,
    group: Annotated[str, Query(max_length=512)] = "",
    levels: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    view = org_or_404(session, org)
    # A hand-edited address gets the nearest depth this page draws, not an error.
    depth = min(max(int(levels), 1), MAX_LEVELS) if levels.isdigit() else DEFAULT_LEVELS
    root = resolve_group(session, view.code, group).summary if group.strip("/ ") else None
    at = datetime.now(UTC)
    card = score_org(session, view.code, at, group_path=root.path if root else None)
    top = root.depth + 1 if root else 0
    below = [g for g in card.groups if root is None or g.group.path != root.path]
    children = Counter(g.group.parent_path for g in below)
    shown = [g for g in below if g.group.depth - top < depth]
    truncated = max(0, len(shown) - MAX_ROWS)
    rows = [_row(g, top, depth, children) for g in shown[:MAX_ROWS]]
    own = next((g.kpis for g in card.groups if root and g.group.path == root.path), [])
    crumbs = []
    if root is not None:
        parts = root.path.split("/")
        crumbs = [{"code": parts[i - 1], "path": "/".join(parts[:i])} for i in range(1, len(parts))]
    example = next((k.series.ref for k in card.scores.values()), "B-2#p95-latency")
    return render(
        request,
        "scorecard.html",
        **base_context(session, view, "scorecard"),
        root=root,
        crumbs=crumbs,
        at=at,
        rollup=rollup_view(card.rollup),
        demo=card.demo,
        own=kpi_rows(session, own),
        rows=rows,
        truncated=truncated,
        levels=depth,
        deeper=depth < MAX_LEVELS and any(r.hidden_children for r in rows),
        example_ref=example,
    )


def _row(score: GroupScore, top: int, levels: int, children: Counter[str | None]) -> ScorecardRow:
    level = score.group.depth - top
    hidden = children[score.group.path] if level + 1 >= levels else 0
    return ScorecardRow(score.group, level, rollup_view(score.rollup), hidden)
