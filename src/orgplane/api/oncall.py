"""Who is on call: now, for a rotation, group, catalog entry, person or role; the
rotations; a rotation's schedule.

Imports ``services.oncall``, ``oncall``, ``store`` and the api helpers; no SQL here.
``oncall/now`` is a hot read like the lookups: its answer is kept until the data changes
or, when it asks about *now*, until the moment it stops being true (the next handoff).
The org's on-call book (its rotations, ready to be asked) is kept per snapshot of the
data. The time comes from the server's clock (``AppContext.clock``) unless ``at`` says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from orgplane.api.deps import AppContext, ContextDep, ReaderDep, SessionDep, context_of
from orgplane.api.findings import FindingOut
from orgplane.api.orgs import OrgCode, org_or_404
from orgplane.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from orgplane.api.problems import ProblemError, problem_responses
from orgplane.api.responses import json_response, read_responses
from orgplane.api.snapshots import Expiring
from orgplane.kpis.instants import InstantRangeError, check_instant
from orgplane.model import Rotation
from orgplane.oncall.book import Duty, HolderAnswer, OnCallBook, RotationAnswer, Rung, Schedule
from orgplane.oncall.build import Holder
from orgplane.oncall.holding import horizon_end
from orgplane.oncall.schedule import Segment
from orgplane.services import oncall as oncall_service
from orgplane.store import people

__all__ = [
    "HolderOut",
    "OnCallNowOut",
    "book_of",
    "holder_out",
    "moment",
    "now_answer",
    "router",
]

router = APIRouter(
    prefix="/api", tags=["on-call"], responses=read_responses(400, 401, 422, 503, 404)
)

RotationId = Annotated[str, Path(min_length=1, max_length=128, description="A rotation's id.")]
#: A schedule's default length, when ``to`` is not given.
DEFAULT_SPAN = timedelta(days=7)


class PersonRefOut(BaseModel):
    id: str
    name: str
    email: str | None
    chat: str | None


class HolderOut(BaseModel):
    """A name a rotation uses: a person, a role (with the people who hold it — none when
    nobody does), the ``owner`` of the paged component or someone ``relative`` to the
    page ("On-call engineer", "Director": ladder steps), or neither (``unknown``)."""

    name: str
    kind: Literal["person", "role", "owner", "relative", "rotation", "unknown"]
    text: str
    people: list[PersonRefOut]


class DutyOut(BaseModel):
    who: HolderOut
    #: Until when (null: beyond the 400 days an answer looks ahead).
    until: datetime | None
    #: Where it comes from: ``layer 1`` …, or ``override``.
    source: str
    next: HolderOut | None


class RungOut(BaseModel):
    to: HolderOut
    after_minutes: int
    until_minutes: int | None
    note: str


class RotationRefOut(BaseModel):
    id: str
    name: str
    timezone: str
    group: str | None


class StintOut(BaseModel):
    rotation: RotationRefOut
    tier: Literal["primary", "secondary"]
    #: The name the rotation uses: the person, or a role they hold.
    member: str
    start: datetime
    end: datetime | None
    source: str
    now: bool


class OnCallNowOut(BaseModel):
    """Who is on call for a target. For a rotation, group or catalog entry (``kind``
    ``rotation``): its rotation's primary and secondary (null: nobody), until when, the
    escalation ladder and how the rotation was found. For a person or a role (``kind``
    ``holder``): per rotation and tier naming them, the stint they are on now or next."""

    target: str
    kind: Literal["rotation", "holder"]
    #: The moment asked about; null: now (the answer holds until ``changes_at``).
    at: datetime | None
    how: str
    rotation: RotationRefOut | None
    primary: DutyOut | None
    secondary: DutyOut | None
    #: The escalation policy a page of the rotation runs (null: the rotation's own steps).
    policy: str | None = None
    escalation: list[RungOut]
    holder: HolderOut | None
    on_call: list[StintOut]
    #: The first moment this answer may change (null: not within 400 days).
    changes_at: datetime | None


class WindowOut(BaseModel):
    days: list[str]
    start: str
    end: str


class LayerOut(BaseModel):
    position: int
    name: str | None
    members: list[HolderOut]
    start: datetime
    turn: str
    rrule: str | None
    restrictions: list[WindowOut]


class OverrideOut(BaseModel):
    person: str
    start: datetime
    end: datetime
    note: str = ""


class RotationOut(RotationRefOut):
    group_path: str | None
    handoff: str
    period: str
    primary: HolderOut
    secondary: HolderOut | None
    layers: int
    overrides: int
    escalation_steps: int


class RotationDetailOut(RotationRefOut):
    group_path: str | None
    handoff: str
    period: str
    primary: HolderOut
    secondary: HolderOut | None
    layers: list[LayerOut]
    overrides: list[OverrideOut]
    escalation: list[RungOut]


class SegmentOut(BaseModel):
    who: str
    start: datetime
    end: datetime
    source: str


class GapOut(BaseModel):
    start: datetime
    end: datetime


class LayerScheduleOut(BaseModel):
    position: int
    name: str | None
    segments: list[SegmentOut]


class ScheduleOut(BaseModel):
    """A rotation's schedule from ``start`` until ``end``: the final segments (layers
    laid over each other, then overrides), each layer's own, the secondary's, the
    overrides inside, and the gaps nobody covers."""

    rotation: RotationRefOut
    start: datetime
    end: datetime
    segments: list[SegmentOut]
    gaps: list[GapOut]
    layers: list[LayerScheduleOut]
    secondary: list[SegmentOut]
    overrides: list[OverrideOut]
    holders: list[HolderOut]


# --- helpers other routers and the pages share ---------------------------------------


def moment(at: datetime | None, field: str = "at") -> datetime | None:
    """``at`` checked (an offset, a supported instant), or None; a 422 problem if not."""
    if at is None:
        return None
    if at.tzinfo is None:
        raise ProblemError(422, f"{field}: give a UTC offset (Z or +01:00)", kind="naive-time")
    try:
        return check_instant(at)
    except InstantRangeError as error:
        raise ProblemError(422, f"{field}: {error}", kind="time-out-of-range") from None


def book_of(context: AppContext, session: Session, org: str) -> OnCallBook:
    """The on-call book of ``org``: kept per snapshot while answers are being built."""
    return context.answers.per_snapshot(
        ("oncall-book", org), lambda: oncall_service.oncall_book(session=session, org=org)
    )


def holder_out(holder: Holder, found: dict[str, people.PersonView]) -> HolderOut:
    refs = [
        PersonRefOut(
            id=person_id,
            name=found[person_id].name if person_id in found else person_id,
            email=found[person_id].email if person_id in found else None,
            chat=found[person_id].chat if person_id in found else None,
        )
        for person_id in holder.people
    ]
    kinds: dict[str, Literal["person", "role", "owner", "relative", "rotation", "unknown"]] = {
        "person": "person",
        "role": "role",
        "owner": "owner",
        "relative": "relative",
        "rotation": "rotation",
    }
    kind = kinds.get(holder.kind, "unknown")
    return HolderOut(name=holder.name, kind=kind, text=holder.describe(), people=refs)


def _people_of(
    session: Session, org: str, holders: Iterable[Holder | None]
) -> dict[str, people.PersonView]:
    ids = {person for holder in holders if holder is not None for person in holder.people}
    return people.people_by_id(session, org, ids)


def _rotation_ref(rotation: Rotation) -> RotationRefOut:
    return RotationRefOut(
        id=rotation.id, name=rotation.name, timezone=rotation.timezone, group=rotation.group
    )


def now_answer(
    session: Session,
    org: str,
    target: str,
    answer: RotationAnswer | HolderAnswer,
    *,
    asked: datetime | None,
) -> OnCallNowOut:
    """The API's form of an on-call answer."""
    if isinstance(answer, RotationAnswer):
        duties = [answer.primary, answer.secondary]
        holders: list[Holder | None] = [d.holder for d in duties if d is not None]
        holders += [d.next for d in duties if d is not None]
        holders += [rung.to for rung in answer.escalation]
        found = _people_of(session, org, holders)

        def duty(given: Duty | None) -> DutyOut | None:
            if given is None:
                return None
            following = holder_out(given.next, found) if given.next is not None else None
            return DutyOut(
                who=holder_out(given.holder, found),
                until=given.until,
                source=given.source,
                next=following,
            )

        return OnCallNowOut(
            target=target,
            kind="rotation",
            at=asked,
            how=answer.how,
            rotation=_rotation_ref(answer.rotation),
            primary=duty(answer.primary),
            secondary=duty(answer.secondary),
            policy=answer.policy.id if answer.policy is not None else None,
            escalation=_rungs(answer.escalation, found),
            holder=None,
            on_call=[],
            changes_at=answer.changes_at,
        )
    found = _people_of(session, org, [answer.holder])
    stints = [
        StintOut(
            rotation=_rotation_ref(stint.rotation),
            tier="primary" if stint.tier == "primary" else "secondary",
            member=stint.member,
            start=max(stint.start, answer.at),
            end=stint.end,
            source=stint.source,
            now=stint.start <= answer.at,
        )
        for stint in answer.stints
    ]
    return OnCallNowOut(
        target=target,
        kind="holder",
        at=asked,
        how=f"{answer.holder.kind} {answer.holder.name}",
        rotation=None,
        primary=None,
        secondary=None,
        escalation=[],
        holder=holder_out(answer.holder, found),
        on_call=stints,
        changes_at=answer.changes_at,
    )


def _rungs(rungs: Sequence[Rung], found: dict[str, people.PersonView]) -> list[RungOut]:
    return [
        RungOut(
            to=holder_out(rung.to, found),
            after_minutes=rung.after_minutes,
            until_minutes=rung.until_minutes,
            note=rung.note,
        )
        for rung in rungs
    ]


def runtime_overrides(
    session: Session, org: str, start: datetime, end: datetime | None = None
) -> oncall_service.ExtraOverrides:
    """The overrides recorded at runtime that overlap ``start`` … ``end`` (default: as
    far as an answer looks ahead), by rotation id."""
    return oncall_service.runtime_overrides(
        session=session, org=org, start=start, end=end or horizon_end(start)
    )


# --- routes ------------------------------------------------------------------------


@router.get(
    "/orgs/{org}/oncall/now",
    response_model=OnCallNowOut,
    summary="Who is on call",
    responses=problem_responses(409),
)
async def oncall_now(
    request: Request,
    _caller: ReaderDep,
    org: OrgCode,
    target: Annotated[
        str,
        Query(
            min_length=1,
            max_length=512,
            description="A rotation's id, a group (path or code), a catalog entry (id or "
            "name), a person's id or a role (id or name).",
        ),
    ],
    at: Annotated[
        datetime | None, Query(description="At this moment (ISO 8601 with an offset); default now.")
    ] = None,
) -> Response:
    """Who is on call for ``target``: primary and secondary (people, or the role when no
    person holds it), until when, the escalation ladder, and how the rotation was found;
    for a person or a role, when they are on call now or next."""
    asked = moment(at)
    context = context_of(request)
    return await context.answers.respond(
        request,
        ("oncall-now", org, target, asked),
        lambda session: _now(context, session, org, target, asked),
    )


def _now(
    context: AppContext, session: Session, org: str, target: str, asked: datetime | None
) -> Expiring:
    org_or_404(session, org)
    book = book_of(context, session, org)
    instant = asked or context.clock()
    answer = oncall_service.who_is_on_call(
        session=session,
        org=org,
        target=target,
        at=instant,
        extra_overrides=runtime_overrides(session, org, instant),
        book=book,
    )
    out = now_answer(session, org, target, answer, asked=asked)
    return Expiring(out, None if asked is not None else answer.changes_at)


@router.get("/orgs/{org}/rotations", response_model=Page[RotationOut], summary="List rotations")
def list_rotations(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """The org's on-call rotations, by id."""
    org_or_404(session, org)
    scope = f"rotations:{org}"
    key = context.cursor.decode_key(scope, cursor, str)
    book = oncall_service.oncall_book(session=session, org=org)
    ordered = sorted(book.rotations, key=lambda rotation: rotation.id)
    if key is not None:
        ordered = [rotation for rotation in ordered if rotation.id > key[0]]
    page, next_cursor = page_of(
        ordered[: limit + 1], limit, context.cursor, scope, lambda r: [r.id]
    )
    holders = [book.holders.of(r.primary) for r in page]
    holders += [book.holders.of(r.secondary) for r in page if r.secondary]
    found = _people_of(session, org, holders)
    items = [
        RotationOut(
            **_rotation_ref(rotation).model_dump(),
            group_path=book.group_paths.get(rotation.group) if rotation.group else None,
            handoff=rotation.handoff,
            period=rotation.period,
            primary=holder_out(book.holders.of(rotation.primary), found),
            secondary=(
                holder_out(book.holders.of(rotation.secondary), found)
                if rotation.secondary
                else None
            ),
            layers=len(rotation.layers),
            overrides=len(rotation.overrides),
            escalation_steps=len(rotation.escalation),
        )
        for rotation in page
    ]
    return json_response(request, Page[RotationOut](items=items, next_cursor=next_cursor))


@router.get(
    "/orgs/{org}/rotations/{rotation}", response_model=RotationDetailOut, summary="One rotation"
)
def get_rotation(
    request: Request, session: SessionDep, _caller: ReaderDep, org: OrgCode, rotation: RotationId
) -> Response:
    """A rotation: its layers (members as the org knows them), overrides and escalation."""
    org_or_404(session, org)
    book = oncall_service.oncall_book(session=session, org=org)
    found_rotation = book.rotation(rotation)
    return json_response(request, rotation_detail(session, org, book, found_rotation))


def rotation_detail(
    session: Session, org: str, book: OnCallBook, rotation: Rotation
) -> RotationDetailOut:
    of = book.holders.of
    named = [of(rotation.primary), *([of(rotation.secondary)] if rotation.secondary else [])]
    named += [of(member) for layer in rotation.layers for member in layer.members]
    _policy, rungs = book.ladder(rotation)
    found = _people_of(session, org, [*named, *(rung.to for rung in rungs)])
    layers = [
        LayerOut(
            position=position,
            name=layer.name,
            members=[holder_out(of(member), found) for member in layer.members],
            start=layer.start,
            turn=layer.turn,
            rrule=layer.rrule,
            restrictions=[
                WindowOut(days=list(w.days), start=w.start, end=w.end) for w in layer.restrictions
            ],
        )
        for position, layer in enumerate(rotation.layers, 1)
    ]
    return RotationDetailOut(
        **_rotation_ref(rotation).model_dump(),
        group_path=book.group_paths.get(rotation.group) if rotation.group else None,
        handoff=rotation.handoff,
        period=rotation.period,
        primary=holder_out(of(rotation.primary), found),
        secondary=holder_out(of(rotation.secondary), found) if rotation.secondary else None,
        layers=layers,
        overrides=[
            OverrideOut(person=o.person, start=o.start, end=o.end, note=o.note)
            for o in rotation.overrides
        ],
        escalation=_rungs(rungs, found),
    )


@router.get(
    "/orgs/{org}/rotations/{rotation}/schedule",
    response_model=ScheduleOut,
    summary="A rotation's schedule",
)
def rotation_schedule(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    rotation: RotationId,
    start: Annotated[
        datetime | None, Query(alias="from", description="From (default now; with an offset).")
    ] = None,
    end: Annotated[
        datetime | None,
        Query(alias="to", description="Until (default 7 days after from; at most 366 days)."),
    ] = None,
) -> Response:
    """The final schedule from ``from`` until ``to`` (at most 366 days): segments, each
    layer's shifts, the secondary's, the overrides inside, and the gaps."""
    opened = moment(start, "from") or context.clock()
    closed = moment(end, "to") or opened + DEFAULT_SPAN
    if closed <= opened:
        raise ProblemError(422, "to: must be after from", kind="bad-range")
    if closed - opened > oncall_service.MAX_SCHEDULE:
        raise ProblemError(
            422,
            f"from … to: at most {oncall_service.MAX_SCHEDULE.days} days",
            kind="range-too-long",
        )
    org_or_404(session, org)
    book = oncall_service.oncall_book(session=session, org=org)
    extra = runtime_overrides(session, org, opened, closed)
    found_rotation = book.rotation(rotation)
    schedule = oncall_service.rotation_schedule(
        session=session,
        org=org,
        rotation_id=found_rotation.id,
        start=opened,
        end=closed,
        extra_overrides=extra.get(found_rotation.id, ()),
        book=book,
    )
    return json_response(request, schedule_out(session, org, book, schedule))


def _segments(segments: Iterable[Segment]) -> list[SegmentOut]:
    return [SegmentOut(who=s.member, start=s.start, end=s.end, source=s.source) for s in segments]


def schedule_out(session: Session, org: str, book: OnCallBook, schedule: Schedule) -> ScheduleOut:
    rotation = schedule.rotation
    members = {s.member for s in schedule.segments} | {s.member for s in schedule.secondary}
    members |= {s.member for layer in schedule.layers for s in layer}
    holders = [book.holders.of(member) for member in sorted(members)]
    found = _people_of(session, org, holders)
    names = [layer.name for layer in rotation.layers] or [None]
    return ScheduleOut(
        rotation=_rotation_ref(rotation),
        start=schedule.start,
        end=schedule.end,
        segments=_segments(schedule.segments),
        gaps=[GapOut(start=a, end=b) for a, b in schedule.gaps],
        layers=[
            LayerScheduleOut(
                position=position,
                name=names[position - 1] if position <= len(names) else None,
                segments=_segments(segments),
            )
            for position, segments in enumerate(schedule.layers, 1)
        ],
        secondary=_segments(schedule.secondary),
        overrides=[
            OverrideOut(person=o.member, start=o.start, end=o.end) for o in schedule.overrides
        ],
        holders=[holder_out(holder, found) for holder in holders],
    )


class ClockFindingsOut(BaseModel):
    """The findings of the rules that depend on the clock, at ``at`` for ``weeks``."""

    at: datetime
    weeks: int
    findings: list[FindingOut]


@router.get(
    "/orgs/{org}/oncall/findings",
    response_model=ClockFindingsOut,
    summary="On-call findings at a moment",
)
def oncall_findings(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: OrgCode,
    at: Annotated[
        datetime | None, Query(description="From this moment (with an offset); default now.")
    ] = None,
    weeks: Annotated[int, Query(ge=1, le=oncall_service.MAX_FINDING_WEEKS)] = 4,
) -> Response:
    """Coverage gaps, rotations shallower than the on-call depth policy, and people
    primary on two rotations at once or primary and secondary of one, in the ``weeks``
    from ``at`` (rules OP119–OP121 and OP126, which depend on the clock and so are never
    among the findings an apply stores)."""
    instant = moment(at) or context.clock()
    org_or_404(session, org)
    found = oncall_service.oncall_findings(session=session, org=org, at=instant, weeks=weeks)
    items = [
        FindingOut(
            code=f.code,
            severity=f.severity.value,
            message=f.message,
            file=f.location.file if f.location else None,
            line=f.location.line if f.location else None,
            col=f.location.col if f.location else None,
            hint=f.hint,
            group=f.subject,
        )
        for f in found
    ]
    return json_response(request, ClockFindingsOut(at=instant, weeks=weeks, findings=items))
