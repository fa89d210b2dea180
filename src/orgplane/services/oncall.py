"""Who is on call, from the database: the org's rotations as its last apply stored them.

Imports ``oncall``, ``model``, ``store`` and ``errors``. Reads only. ``oncall_book``
reads what every on-call answer needs once per snapshot of the org (the rotations from
the org row's process definitions, the groups they are for, who the names they use are);
the server keeps it while the database does not change. The questions take the book,
the moment (``at``, the clock seam: nothing here reads the clock) and the overrides
recorded at runtime (``extra_overrides``), which win over the spec's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.exporters.ical import CalendarEvent, calendar_feed, event_uid
from orgplane.model import EscalationPolicy, Policies, Rotation
from orgplane.oncall import Override, Segment
from orgplane.oncall.book import (
    HolderAnswer,
    OnCallBook,
    RotationAnswer,
    Schedule,
)
from orgplane.oncall.build import Holder, Holders
from orgplane.rules import Finding, RuleContext, default_registry
from orgplane.store import catalog, group_queries, orgs, overrides, people, roles
from orgplane.store.org_model import org_model

__all__ = [
    "MAX_SCHEDULE",
    "DatabasePlaces",
    "ExtraOverrides",
    "feed_window",
    "oncall_book",
    "oncall_findings",
    "person_calendar",
    "rotation_calendar",
    "rotation_schedule",
    "runtime_overrides",
    "stored_rotations",
    "who_is_on_call",
]

#: The longest stretch a schedule is computed for.
MAX_SCHEDULE = timedelta(days=366)
#: Runtime overrides, by rotation id.
ExtraOverrides = Mapping[str, Sequence[Override]]
_PAGE = 5000


def stored_rotations(*, session: Session, org: str) -> list[Rotation]:
    """The rotations of ``org`` as its last apply stored them; NotFoundError without it."""
    view = orgs.get_org(session, org)
    if view is None:
        raise NotFoundError(f"no org {org!r}")
    return [Rotation.model_validate(item) for item in view.processes.get("oncall", [])]


def oncall_book(*, session: Session, org: str) -> OnCallBook:
    """The book of ``org``'s rotations: what every answer needs, read once."""
    rotations = stored_rotations(session=session, org=org)
    policies = stored_policies(session=session, org=org)
    refs = {r.group for r in rotations if r.group}
    refs |= {name for policy in policies for name in policy.applies_to}
    group_paths = {ref: _group_path(session, org, ref) for ref in refs}
    holders = _holders(session, org, rotations, policies)
    return OnCallBook(rotations, holders, group_paths, policies)


def stored_policies(*, session: Session, org: str) -> list[EscalationPolicy]:
    """The escalation policies of ``org`` as its last apply stored them."""
    view = orgs.get_org(session, org)
    if view is None:
        raise NotFoundError(f"no org {org!r}")
    return [
        EscalationPolicy.model_validate(item)
        for item in view.processes.get("escalation_policies", [])
    ]


def _holders(
    session: Session,
    org: str,
    rotations: Sequence[Rotation],
    policies: Sequence[EscalationPolicy] = (),
) -> Holders:
    """Who the names the rotations use are: the people among them, and every role (with
    its holders, found by reading the people only when a rotation names a role)."""
    names: set[str] = set()
    for rotation in rotations:
        names.add(rotation.primary)
        names.update([rotation.secondary] if rotation.secondary else [])
        names.update(member for layer in rotation.layers for member in layer.members)
        names.update(override.person for override in rotation.overrides)
        names.update(step.to for step in rotation.escalation)
    names.update(step.to for policy in policies for step in policy.steps)
    # People put on call at runtime: a book is kept only until the data changes, and
    # adding an override changes it.
    names.update(overrides.override_people(session, org))
    found = people.people_by_id(session, org, names)
    all_roles = roles.list_roles(session, org)
    role_names = {key for role in all_roles for key in (role.id.lower(), role.name.lower())}
    holding: dict[str, list[str]] = {}
    if any(name.lower() in role_names for name in names if name not in found):
        for person_id, held in _people_roles(session, org):
            for role_id in held:
                holding.setdefault(role_id, []).append(person_id)
    return Holders.from_parts(
        found, ((role.id, role.name, holding.get(role.id, ())) for role in all_roles)
    )


def _people_roles(session: Session, org: str) -> Iterable[tuple[str, list[str]]]:
    after: str | None = None
    while True:
        page = people.page_people(session, org, after=after, limit=_PAGE)
        yield from ((person.id, person.roles) for person in page)
        if len(page) < _PAGE:
            return
        after = page[-1].id


def _group_path(session: Session, org: str, ref: str) -> str | None:
    """The path of the one group ``ref`` names (a path, or a code only one group has)."""
    ref = ref.strip().strip("/")
    if "/" in ref:
        return ref if group_queries.summaries_by_path(session, org, [ref]) else None
    found = group_queries.groups_by_code(session, org, ref)
    return found[0].path if len(found) == 1 else None


class DatabasePlaces:
    """``Places`` of an org in the database: its groups, catalog and people."""

    def __init__(self, session: Session, org: str) -> None:
        self._session = session
        self._org = org

    def group_path(self, ref: str) -> str | None:
        return _group_path(self._session, self._org, ref)

    def catalog_owner(self, ref: str) -> tuple[str, str | None] | None:
        entry = catalog.get_catalog_entry(self._session, self._org, ref)
        if entry is None:
            wanted = ref.lower()
            entry = next(
                (
                    found
                    for found in catalog.search_catalog(self._session, self._org, ref, limit=50)
                    if wanted in (found.id.lower(), found.name.lower())
                ),
                None,
            )
        return (entry.name, entry.owner_path) if entry is not None else None

    def is_person(self, ref: str) -> bool:
        return people.get_person(self._session, self._org, ref) is not None


def who_is_on_call(
    *,
    session: Session,
    org: str,
    target: str,
    at: datetime,
    extra_overrides: ExtraOverrides | None = None,
    book: OnCallBook | None = None,
) -> RotationAnswer | HolderAnswer:
    """Who is on call for ``target`` at ``at``: for a rotation, group or catalog entry,
    its rotation's primary and secondary (``RotationAnswer``); for a person or a role,
    when they are on call now or next (``HolderAnswer``). ``book`` is the org's
    ``oncall_book`` when the caller keeps one."""
    book = book or oncall_book(session=session, org=org)
    found = book.resolve(DatabasePlaces(session, org), target)
    extra = extra_overrides or {}
    if found.rotation is not None:
        return book.now(found.rotation, at=at, how=found.how, extra=extra)
    assert found.holder is not None
    return book.next_on(found.holder, at=at, extra=extra)


def rotation_schedule(
    *,
    session: Session,
    org: str,
    rotation_id: str,
    start: datetime,
    end: datetime,
    extra_overrides: Sequence[Override] = (),
    book: OnCallBook | None = None,
) -> Schedule:
    """The final schedule of rotation ``rotation_id`` from ``start`` until ``end`` (at
    most ``MAX_SCHEDULE``), with each layer's shifts and the gaps."""
    if end <= start:
        raise UsageError("the schedule's end must be after its start")
    if end - start > MAX_SCHEDULE:
        raise UsageError(f"a schedule spans at most {MAX_SCHEDULE.days} days")
    book = book or oncall_book(session=session, org=org)
    rotation = book.rotation(rotation_id)
    return book.schedule(rotation, start, end, extra={rotation.id: extra_overrides})


def runtime_overrides(
    *, session: Session, org: str, start: datetime, end: datetime
) -> ExtraOverrides:
    """The overrides recorded at runtime for ``org``'s rotations that overlap ``start``
    … ``end``, by rotation id, oldest first (a later one wins where two overlap); a
    cancelled one is left out."""
    found: dict[str, list[Override]] = {}
    for item in overrides.active_overrides(session, org, start=start, end=end):
        start_at, end_at = _aware(item.start_at), _aware(item.end_at)
        if end_at > start_at:
            found.setdefault(item.rotation_id, []).append(
                Override(item.person_id, start_at, end_at)
            )
    return found


def _aware(instant: datetime) -> datetime:
    """A stored instant, aware (SQLite gives back naive UTC)."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


#: How far back and ahead a calendar feed reaches from the day it is asked.
FEED_BEFORE = timedelta(days=7)
FEED_AFTER = timedelta(days=365)


def feed_window(at: datetime) -> tuple[datetime, datetime]:
    """The stretch a calendar feed asked at ``at`` covers: from a week before the start
    of that day (UTC) to a year after it, so a feed changes once a day, not per request."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - FEED_BEFORE, day + FEED_AFTER


def rotation_calendar(
    *,
    session: Session,
    org: str,
    rotation_id: str,
    at: datetime,
    extra_overrides: Sequence[Override] = (),
    book: OnCallBook | None = None,
) -> bytes:
    """The iCalendar feed of a rotation: who is on call, primary and secondary, from a
    week before ``at``'s day to a year after it."""
    book = book or oncall_book(session=session, org=org)
    rotation = book.rotation(rotation_id)
    start, end = feed_window(at)
    schedule = book.schedule(rotation, start, end, extra={rotation.id: extra_overrides})
    names = _names(session, org, book, [*schedule.segments, *schedule.secondary])
    events = [
        _event(org, rotation, tier, segment, names)
        for tier, segments in (("primary", schedule.segments), ("secondary", schedule.secondary))
        for segment in segments
    ]
    return calendar_feed(
        f"{rotation.name} (on call)",
        events,
        stamp=_stamp(session, org),
        description=f"Who is on call for {rotation.name}, from orgplane.",
    )


def person_calendar(
    *,
    session: Session,
    org: str,
    person_id: str,
    at: datetime,
    extra_overrides: ExtraOverrides | None = None,
    book: OnCallBook | None = None,
) -> bytes:
    """The iCalendar feed of a person: every stretch they are on call (in person, or
    through a role they hold), on every rotation, primary or secondary."""
    person = people.get_person(session, org, person_id)
    if person is None:
        raise NotFoundError(f"no person {person_id!r} in org {org}")
    book = book or oncall_book(session=session, org=org)
    start, end = feed_window(at)
    events: list[CalendarEvent] = []
    for rotation, tier, segment in book.stints_of(
        Holder(person.id, "person", (person.id,)), start, end, extra=extra_overrides or {}
    ):
        events.append(_event(org, rotation, tier, segment, {}))
    return calendar_feed(
        f"{person.name}: on call",
        events,
        stamp=_stamp(session, org),
        description=f"When {person.name} is on call, from orgplane.",
    )


def _names(
    session: Session, org: str, book: OnCallBook, segments: Sequence[Segment]
) -> dict[str, str]:
    """How each member of ``segments`` is written in an event: a person's name, a role
    with the names of its holders."""
    holders = {member: book.holders.of(member) for member in {s.member for s in segments}}
    found = people.people_by_id(
        session, org, (p for holder in holders.values() for p in holder.people)
    )

    def name(person_id: str) -> str:
        return found[person_id].name if person_id in found else person_id

    out = {}
    for member, holder in holders.items():
        if holder.kind == "person":
            out[member] = name(member)
        elif holder.kind == "role":
            held = ", ".join(name(p) for p in holder.people) or "nobody holds it"
            out[member] = f"{holder.name} ({held})"
    return out


def _event(
    org: str, rotation: Rotation, tier: str, segment: Segment, names: Mapping[str, str]
) -> CalendarEvent:
    who = names.get(segment.member, segment.member)
    return CalendarEvent(
        uid=event_uid(org, rotation.id, tier, segment.start.isoformat()),
        summary=f"{rotation.name}: {who} ({tier})",
        start=segment.start,
        end=segment.end,
        timezone=rotation.timezone,
        description=f"{who} is {tier} on call for {rotation.name} ({segment.source}).",
        categories=("on call", tier),
    )


def _stamp(session: Session, org: str) -> datetime:
    """A feed's DTSTAMP: when the org's data last changed (the same data, the same feed)."""
    view = orgs.get_org(session, org)
    if view is None:
        raise NotFoundError(f"no org {org!r}")
    stamp = view.updated_at
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


#: The furthest the clock rules look ahead, in weeks.
MAX_FINDING_WEEKS = 26


def oncall_findings(*, session: Session, org: str, at: datetime, weeks: int = 4) -> list[Finding]:
    """The findings of the rules that depend on the clock (coverage gaps, depth, double
    primaries; ``clock = True``) over the org as the database holds it, from ``at`` for
    ``weeks`` weeks. Stored findings never hold them: see docs/rules.md."""
    if not 1 <= weeks <= MAX_FINDING_WEEKS:
        raise UsageError(f"weeks: from 1 to {MAX_FINDING_WEEKS}")
    model = org_model(session, org)
    view = orgs.get_org(session, org)
    if model is None or view is None:
        raise NotFoundError(f"no org {org!r}")
    model = model.model_copy(update={"policies": Policies.model_validate(view.policies)})
    context = RuleContext(model, now=at, oncall_weeks=weeks)
    found = [
        finding
        for rule in default_registry()
        if getattr(rule, "clock", False)
        for finding in rule.check(context)
    ]
    return sorted(found, key=lambda f: (f.code, f.subject or "", f.message))
