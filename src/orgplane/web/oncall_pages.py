"""The on-call pages: who is on call across the org, a rotation's week, and the "on call
now" card that group and catalog pages load with htmx.

Imports ``api`` (dependencies, the on-call helpers), ``services.oncall``, ``oncall``,
``store``, ``web.pages`` (templates) and ``web.paging`` (the open pages); no SQL here. The week view is plain HTML and
CSS: one row per layer, the overrides, the final schedule and the secondary, each
stretch a block placed by its share of the week, in the rotation's time zone; every page
works without JavaScript. The time is the server's clock (``AppContext.clock``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from orgplane.api.deps import ContextDep, ReaderDep, SessionDep
from orgplane.api.oncall import runtime_overrides
from orgplane.errors import NotFoundError
from orgplane.model import Rotation
from orgplane.oncall.book import OnCallBook, Places, RotationAnswer
from orgplane.oncall.build import Holder
from orgplane.oncall.schedule import Segment
from orgplane.oncall.zones import to_utc, zone_named
from orgplane.services import oncall as oncall_service
from orgplane.store import orgs, people
from orgplane.web.pages import templates
from orgplane.web.paging import open_pages

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
#: Colours a week view gives members (by a digest of the name, so stable).
PALETTE = 8


@dataclass(frozen=True, slots=True)
class Block:
    """One stretch in a week row: ``left`` and ``width`` in percent of the week."""

    who: str
    left: float
    width: float
    start: datetime
    end: datetime
    source: str
    colour: int


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    kind: str
    blocks: list[Block]


def _render(request: Request, name: str, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context)


def _org_view(session: SessionDep, code: str) -> orgs.OrgView:
    found = orgs.get_org(session, code)
    if found is None:
        raise NotFoundError(f"no org {code!r}")
    return found


def _names(session: SessionDep, org: str, book: OnCallBook, members: set[str]) -> dict[str, str]:
    """How a page names each member: a person by name, a role with its holders' names."""
    holders = {member: book.holders.of(member) for member in members}
    found = people.people_by_id(session, org, (p for h in holders.values() for p in h.people))
    return {member: _who(holder, found) for member, holder in holders.items()}


def _who(holder: Holder, found: dict[str, people.PersonView]) -> str:
    def name(person_id: str) -> str:
        return found[person_id].name if person_id in found else person_id

    if holder.kind == "person":
        return name(holder.name)
    if holder.kind == "role":
        held = ", ".join(name(p) for p in holder.people)
        return f"{holder.name} ({held or 'nobody holds it'})"
    if holder.kind in ("owner", "relative", "rotation"):
        return holder.describe()
    return holder.name


def _holder_names(
    session: SessionDep, org: str, holders: list[Holder | None]
) -> dict[tuple[str, str], str]:
    """Each holder's text, by (kind, name)."""
    given = [h for h in holders if h is not None]
    found = people.people_by_id(session, org, (p for h in given for p in h.people))
    return {(h.kind, h.name): _who(h, found) for h in given}


def _colour(member: str) -> int:
    return hashlib.blake2b(member.encode(), digest_size=2).digest()[0] % PALETTE


def _answers(
    session: SessionDep, org: str, book: OnCallBook, rotations: list[Rotation], at: datetime
) -> list[RotationAnswer]:
    extra = runtime_overrides(session, org, at)
    return [book.now(rotation, at=at, extra=extra) for rotation in rotations]


@router.get("/orgs/{org}/oncall")
def oncall_page(
    request: Request, session: SessionDep, context: ContextDep, _caller: ReaderDep, org: str
) -> Response:
    """Every rotation: who holds it now, until when; and the pages not resolved yet."""
    found = _org_view(session, org)
    book = oncall_service.oncall_book(session=session, org=org)
    at = context.clock()
    rotations = sorted(book.rotations, key=lambda r: r.name.lower())
    answers = _answers(session, org, book, rotations, at)
    return _render(
        request,
        "oncall.html",
        org=found,
        orgs=orgs.list_orgs(session),
        page="oncall",
        answers=answers,
        names=_holder_names(session, org, _answer_holders(answers)),
        at=at,
        zone_of=zone_named,
        open_pages=open_pages(session, org),
    )


@router.get("/orgs/{org}/oncall/{rotation}")
def rotation_page(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: str,
    rotation: str,
    week: Annotated[date | None, Query(description="A day of the week to show.")] = None,
) -> Response:
    """A rotation's week: each layer, the overrides, the final schedule, the secondary."""
    found = _org_view(session, org)
    book = oncall_service.oncall_book(session=session, org=org)
    chosen = book.rotation(rotation)
    zone = zone_named(chosen.timezone)
    at = context.clock()
    day = week or at.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=n) for n in range(8)]
    # Each local midnight as an instant: a DST week is 167 or 169 hours long.
    midnights = [to_utc(datetime.combine(d, datetime.min.time()), zone) for d in days]
    start, end = midnights[0], midnights[-1]
    extra = runtime_overrides(session, org, start, end)
    schedule = book.schedule(chosen, start, end, extra=extra)
    members = {s.member for s in (*schedule.segments, *schedule.secondary)}
    members |= {s.member for layer in schedule.layers for s in layer}
    members |= {o.member for o in schedule.overrides}
    names = _names(session, org, book, members)
    span = (end - start).total_seconds()

    def blocks(segments: list[Segment] | tuple[Segment, ...]) -> list[Block]:
        return [
            Block(
                names.get(s.member, s.member),
                round((s.start - start).total_seconds() / span * 100, 3),
                round((s.end - s.start).total_seconds() / span * 100, 3),
                s.start.astimezone(zone),
                s.end.astimezone(zone),
                s.source,
                _colour(s.member),
            )
            for s in segments
        ]

    layer_names = [layer.name for layer in chosen.layers]
    rows = [
        Row(
            f"Layer {n}"
            + (f": {layer_names[n - 1]}" if n <= len(layer_names) and layer_names[n - 1] else ""),
            "layer",
            blocks(segments),
        )
        for n, segments in enumerate(schedule.layers, 1)
    ]
    if schedule.overrides:
        overrides = [
            Segment(o.member, max(o.start, start), min(o.end, end), "override")
            for o in schedule.overrides
        ]
        rows.append(Row("Overrides", "override", blocks(overrides)))
    rows.append(Row("On call (final)", "final", blocks(schedule.segments)))
    if chosen.secondary is not None:
        rows.append(Row("Secondary", "secondary", blocks(schedule.secondary)))
    gaps = [
        Block(
            "nobody",
            round((a - start).total_seconds() / span * 100, 3),
            round((b - a).total_seconds() / span * 100, 3),
            a.astimezone(zone),
            b.astimezone(zone),
            "gap",
            0,
        )
        for a, b in schedule.gaps
    ]
    now_left = (at - start).total_seconds() / span * 100 if start <= at < end else None
    answer = book.now(chosen, at=at, extra=extra)
    policy, ladder = book.ladder(chosen)
    return _render(
        request,
        "oncall_rotation.html",
        org=found,
        orgs=orgs.list_orgs(session),
        page="oncall",
        rotation=chosen,
        zone=zone,
        days=[
            (d, (m - start).total_seconds() / span * 100)
            for d, m in zip(days[:7], midnights, strict=False)
        ],
        rows=rows,
        gaps=gaps,
        now_left=now_left,
        prev_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        this_week=week is None or monday <= at.astimezone(zone).date() < monday + timedelta(days=7),
        answer=answer,
        ladder=ladder,
        policy=policy,
        names=_holder_names(session, org, [*_answer_holders([answer]), *(r.to for r in ladder)]),
        group_path=book.group_paths.get(chosen.group) if chosen.group else None,
    )


def _answer_holders(answers: list[RotationAnswer]) -> list[Holder | None]:
    return [
        holder
        for answer in answers
        for duty in (answer.primary, answer.secondary)
        if duty is not None
        for holder in (duty.holder, duty.next)
    ]


@router.get("/orgs/{org}/oncall-now")
def oncall_card(
    request: Request,
    session: SessionDep,
    context: ContextDep,
    _caller: ReaderDep,
    org: str,
    group: Annotated[str, Query(max_length=512)] = "",
    entry: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The "on call now" card (an htmx fragment): for a group (its rotation or the
    nearest above), a catalog entry (its owner's), or, with neither, the whole org."""
    found = _org_view(session, org)
    book = oncall_service.oncall_book(session=session, org=org)
    at = context.clock()
    places: Places = oncall_service.DatabasePlaces(session, org)
    answers: list[RotationAnswer] = []
    how = ""
    target = group or entry
    if target:
        try:
            resolved = book.resolve(places, target)
        except NotFoundError as exc:
            how = str(exc)
        else:
            if resolved.rotation is not None:
                extra = runtime_overrides(session, org, at)
                answers = [book.now(resolved.rotation, at=at, how=resolved.how, extra=extra)]
                how = resolved.how
    else:
        rotations = sorted(book.rotations, key=lambda r: r.name.lower())
        answers = _answers(session, org, book, rotations[:5], at)
    return _render(
        request,
        "_oncall_now.html",
        org=found,
        answers=answers,
        how=how,
        whole_org=not target,
        more=max(0, len(book.rotations) - 5) if not target else 0,
        names=_holder_names(session, org, _answer_holders(answers)),
        zone_of=zone_named,
    )


def local(instant: datetime | None, zone: ZoneInfo) -> str:
    """An instant as a page shows it: local time in ``zone`` with the zone's abbreviation."""
    if instant is None:
        return "further notice"
    shown = instant.astimezone(zone)
    return f"{shown:%a %d %b %H:%M} {shown.tzname()}"


templates.env.filters["oncall_local"] = local
