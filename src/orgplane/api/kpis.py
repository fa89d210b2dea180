"""KPIs, their measurements and scorecards.

Imports ``services`` and ``store`` and the api helpers; no SQL here. A KPI is named by
its reference ``GROUP#KPI`` (``B-2#p95-latency`` or ``1B/B-2#p95-latency``) in a
query parameter or a body (``#`` cannot travel in a URL path); a reference naming
another org than the URL's is a 422 problem. Reads score at ``at`` (default: now);
writes need an editor token and are audited. Every moment (``at``, ``from``, ``to``, a
measurement's ``at``) must be in the range orgplane supports (``kpis.instants``): a 422
problem naming the field otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from orgplane.api.deps import ContextDep, EditorDep, ReaderDep, SessionDep
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import ProblemError, problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.kpis.instants import InstantRangeError, check_instant
from orgplane.services import measurements
from orgplane.services.measurements import Measurement
from orgplane.services.scorecard import (
    kpi_json,
    rollup_json,
    score_org,
    score_series,
    sparklines,
)
from orgplane.store.kpi_series import list_series
from orgplane.store.measurements import count_out_of_range, series_points, to_ms

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["kpis"], responses=read_responses(400, 401, 404, 422, 503))

KpiRef = Annotated[
    str,
    Query(
        min_length=3,
        max_length=700,
        description="The KPI: GROUP#KPI, GROUP a code or path (B-2#p95-latency).",
    ),
]
At = Annotated[
    datetime | None,
    Query(description="Score as of this moment (ISO 8601 with offset; default now)."),
]


class RollupOut(BaseModel):
    """The KPIs of a subtree: the worst ``status``, the (weighted) share of those with
    data that are met (at risk is not met), how many have each status, and ``summary``:
    all of it in the words the CLI and the web show ("3 of 5 met (60%), 1 at risk, 1
    breached")."""

    status: str
    share_met: float | None
    counts: dict[str, int]
    summary: str


class KpiScoreOut(BaseModel):
    kpi: str
    id: str
    text: str
    status: str
    value: float | None
    display: str
    target: float | None
    comparator: str | None
    count: int
    window: str
    window_start: datetime
    window_end: datetime
    budget_remaining: float | None
    burn_rates: dict[str, float]
    alerts: list[str]
    reason: str | None
    source: str
    demo: bool
    sparkline: list[float | None] | None = None


class GroupRollupOut(BaseModel):
    path: str
    code: str
    name: str
    kind: str
    rollup: RollupOut


class ScorecardOut(BaseModel):
    org: str
    at: datetime
    group: str | None
    demo: bool
    rollup: RollupOut
    #: The scope's own KPIs (none for the whole org).
    kpis: list[KpiScoreOut]
    #: The groups directly below the scope, each with the roll-up of its subtree.
    children: list[GroupRollupOut]


class PointOut(BaseModel):
    at: datetime
    value: float
    good: float | None = None
    total: float | None = None


class PointsPage(Page[PointOut]):
    #: Stored measurements of the KPI at moments outside the range orgplane supports:
    #: left out of every page and every score.
    out_of_range: int = 0


class MeasurementIn(BaseModel):
    kpi: str = Field(min_length=3, max_length=700, description="GROUP#KPI")
    at: datetime = Field(description="When it was measured (ISO 8601 with an offset).")
    value: float = Field(allow_inf_nan=False)
    good: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    total: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class MeasurementsIn(BaseModel):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=10_000)


class IngestOut(BaseModel):
    added: int
    skipped: int
    kpis: dict[str, dict[str, int]]


def _moment(at: datetime | None, field: str = "at") -> datetime:
    """``at`` in UTC (``None``: now); a 422 problem naming ``field`` when it has no offset
    or is outside the supported range."""
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None:
        raise ProblemError(422, f"{field}: give a UTC offset (Z or +01:00)", kind="naive-time")
    try:
        return check_instant(at)
    except InstantRangeError as error:
        raise ProblemError(422, f"{field}: {error}", kind="time-out-of-range") from None


def _own_kpi(ref: str, org: str, field: str) -> None:
    """A 422 problem when the KPI reference ``ref`` names an org other than ``org``."""
    named = measurements.reference_org(ref)
    if named is not None and named != org:
        raise ProblemError(
            422,
            f"{field}: {ref.strip()!r} names org {named}; this request is for org {org}",
            kind="other-org",
        )


@router.get("/orgs/{org}/kpis", response_model=Page[KpiScoreOut], summary="KPIs, scored")
def list_kpis(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    group: Annotated[
        str | None, Query(max_length=512, description="Only this group's subtree (a path).")
    ] = None,
    at: At = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    org_or_404(session, org)
    moment = _moment(at)
    scope = f"kpis:{org}:{group}"
    key = context.cursor.decode_key(scope, cursor, str, int)
    after = (key[0], key[1]) if key is not None else None
    path = measurements.resolve_group(session, org, group) if group else None
    found = list_series(session, org, group_path=path, subtree=True, after=after, limit=limit + 1)
    page, next_cursor = page_of(
        found, limit, context.cursor, scope, lambda s: [s.group_path, s.position]
    )
    scores = score_series(session, page, moment)
    items = [KpiScoreOut.model_validate(kpi_json(scores[s.id])) for s in page]
    return json_response(request, Page[KpiScoreOut](items=items, next_cursor=next_cursor))


@router.get("/orgs/{org}/scorecard", response_model=ScorecardOut, summary="Scorecard")
def scorecard(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: OrgCode,
    group: Annotated[
        str | None,
        Query(max_length=512, description="A group code or path (default: the whole org)."),
    ] = None,
    at: At = None,
    sparkline: Annotated[bool, Query(description="Add each KPI's sparkline.")] = False,
) -> Response:
    """The roll-up of the scope (the org or a group's subtree), its own KPIs scored, and
    the roll-up of each group directly below it."""
    org_or_404(session, org)
    moment = _moment(at)
    path = measurements.resolve_group(session, org, group) if group else None
    card = score_org(session, org, moment, group_path=path)
    own = [g for g in card.groups if g.group.path == path] if path else []
    kpis = own[0].kpis if own else []
    lines = sparklines(session, kpis) if sparkline else {}
    children = [g for g in card.groups if g.group.parent_path == path]
    body = ScorecardOut(
        org=org,
        at=moment,
        group=path,
        demo=card.demo,
        rollup=RollupOut.model_validate(rollup_json(card.rollup)),
        kpis=[KpiScoreOut.model_validate(kpi_json(k, lines.get(k.series.id))) for k in kpis],
        children=[
            GroupRollupOut(
                path=g.group.path,
                code=g.group.code,
                name=g.group.name,
                kind=g.group.kind,
                rollup=RollupOut.model_validate(rollup_json(g.rollup)),
            )
            for g in children
        ],
    )
    return json_response(request, body)


@router.get("/orgs/{org}/measurements", response_model=PointsPage, summary="A KPI's measurements")
def list_measurements(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    kpi: KpiRef,
    start: Annotated[datetime | None, Query(alias="from", description="From (included).")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Up to (excluded).")] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """A KPI's measurements, oldest first. ``out_of_range`` counts the stored ones at
    moments outside the supported range, which are left out."""
    lower = _moment(start, "from") if start else None
    upper = _moment(end, "to") if end else None
    _own_kpi(kpi, org, "kpi")
    org_or_404(session, org)
    series = measurements.resolve_kpi(session, kpi, org)
    scope = f"measurements:{org}:{series.id}"
    key = context.cursor.decode_key(scope, cursor, int)
    after = key[0] if key is not None else None
    points = series_points(session, series.id, lower, upper, limit=limit + 1, after_ms=after)
    page, next_cursor = page_of(points, limit, context.cursor, scope, lambda p: [to_ms(p.at)])
    items = [PointOut(at=p.at, value=p.value, good=p.good, total=p.total) for p in page]
    body = PointsPage(
        items=items,
        next_cursor=next_cursor,
        out_of_range=count_out_of_range(session, series.id),
    )
    return json_response(request, body)


@router.post(
    "/orgs/{org}/measurements",
    response_model=IngestOut,
    status_code=201,
    summary="Record measurements",
    responses=problem_responses(400, 401, 403, 404, 413, 422, 503),
)
async def record_measurements(
    session: SessionDep, caller: EditorDep, org: OrgCode, body: MeasurementsIn
) -> Response:
    """Store measurements, all or nothing (editor token). A measurement already stored at
    that moment is skipped: posting the same batch twice adds nothing."""
    for i, item in enumerate(body.measurements):
        _moment(item.at, f"measurements[{i}].at")
        _own_kpi(item.kpi, org, f"measurements[{i}].kpi")
    items = [Measurement(m.kpi, m.at, m.value, m.good, m.total) for m in body.measurements]

    def run() -> Any:
        org_or_404(session, org)
        return measurements.record(session, items, actor=caller.actor, org_code=org)

    result = await run_in_threadpool(run)
    out = IngestOut.model_validate(result.to_json())
    return Response(out.model_dump_json(), status_code=201, media_type="application/json")
