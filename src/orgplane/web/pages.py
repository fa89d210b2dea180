"""The web UI's templates and what its pages share, and the catalog page: rendered on
the server with Jinja2; htmx adds instant search and filtering without a page load, and
every page works without JavaScript.

Imports ``api`` (dependencies), ``services.scorecard``, ``store``, ``kpis`` and
``web.sparkline``; no SQL here. The other pages are one module each: the front door and
an org (``web.org_pages``), a group (``web.group_pages``), the findings
(``web.findings_pages``), the scorecard (``web.scorecard_pages``, which shares the KPI
rows built here) and on call (``web.oncall_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.errors import NotFoundError
from orgplane.kpis import Kind, Objective
from orgplane.kpis.display import format_value
from orgplane.kpis.evaluate import Status
from orgplane.kpis.rollup import Rollup, roll_up
from orgplane.services.scorecard import KpiScore, score_series, sparklines
from orgplane.store import catalog, kpi_series, orgs
from orgplane.store.group_queries import KpiView
from orgplane.store.orgs import OrgView
from orgplane.web.sparkline import sparkline_svg

__all__ = [
    "KpiRow",
    "RollupView",
    "base_context",
    "group_kpis",
    "kpi_rows",
    "org_or_404",
    "render",
    "rollup_view",
    "router",
    "templates",
]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("orgplane.web") / "templates"))
templates.env.globals["version"] = version("orgplane")

#: Catalog rows per page.
PAGE_SIZE = 50


#: Kinds whose sparkline values compare with the objective's target (a rate's slices
#: are means, not sums per period; a growth's are levels, not changes).
_TARGET_LINE = (Kind.THRESHOLD, Kind.PERCENTILE, Kind.RATIO)


@dataclass(frozen=True, slots=True)
class RollupView:
    """A roll-up as a page shows it."""

    worst: Status
    #: Share of the scored KPIs that are met (at risk is not), in percent; ``None`` if
    #: none scored.
    percent_met: float | None
    met: int
    scored: int
    total: int
    counts: dict[Status, int]
    #: The roll-up in the words the CLI and the API use (``Rollup.summary``).
    summary: str


def rollup_view(rollup: Rollup) -> RollupView:
    share = rollup.share_met
    return RollupView(
        worst=rollup.worst,
        percent_met=None if share is None else round(share * 100, 1),
        met=rollup.met,
        scored=rollup.scored,
        total=rollup.total,
        counts=dict(rollup.counts),
        summary=rollup.summary,
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


def group_kpis(
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


def org_or_404(session: SessionDep, code: str) -> OrgView:
    found = orgs.get_org(session, code)
    if found is None:
        raise NotFoundError(f"no org {code!r}")
    return found


def render(request: Request, name: str, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context)


def base_context(session: SessionDep, org: OrgView | None, page: str) -> dict[str, Any]:
    return {"org": org, "orgs": orgs.list_orgs(session), "page": page}


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
    view = org_or_404(session, org)
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
    return render(
        request,
        "catalog.html",
        **base_context(session, view, "catalog"),
        entries=entries,
        # An org without a catalog is told so, not that nothing matches.
        catalog_size=sum(catalog.count_by_owner(session, view.code).values()),
        filters={"q": q, "kind": kind, "owner": owner},
        kinds=["system", "service", "resource", "offering"],
        next_url=next_url,
    )
