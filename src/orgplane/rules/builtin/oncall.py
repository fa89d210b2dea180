"""On-call rules: rotations whose schedule cannot be computed, or names nobody; and the
clock rules, about the schedule of the next weeks (gaps, depth, double primaries).

Imports ``model``, ``oncall`` and ``rules``. The schedule of a rotation is computed from
its time zone, its layers' turns and their members; each rule here reports a definition
that would leave a schedule wrong or impossible, at the field that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from orgplane.errors import UsageError
from orgplane.model import Location, Rotation
from orgplane.oncall.book import OnCallBook, Schedule, spec_book
from orgplane.oncall.build import Holders
from orgplane.oncall.zones import UnknownZoneError, zone_named
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = [
    "OnCallCoverageGap",
    "OnCallDefinition",
    "OnCallDoublePrimary",
    "OnCallMember",
    "OnCallRoleUnheld",
    "OnCallRotationDepth",
]


class OnCallDefinition(BuiltinRule):
    code = "OP116"
    name = "oncall-definition"
    severity = Severity.ERROR
    summary = "An on-call rotation's time zone or recurrence cannot be read."
    doc = cleandoc(
        """
        A rotation hands off at wall-clock times in its `timezone`, which must be an
        IANA time zone name ("Europe/Berlin", "America/New_York", "UTC"): abbreviations
        such as "CET" or "PST" name no rules for daylight saving time. A layer turned by
        an `rrule` needs an RFC 5545 recurrence rule ("FREQ=WEEKLY;BYDAY=MO,TH"). Either
        one that cannot be read leaves the rotation with no schedule, so nobody would be
        on call. The finding points at the field and suggests the closest zone name. Fix it
        by writing the zone's IANA name, or a recurrence rule that reads.
        Example: `timezone: Europe/Berln` reports the unknown zone and suggests
        Europe/Berlin.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        for rotation in context.org.oncall:
            try:
                zone_named(rotation.timezone)
            except UnknownZoneError as exc:
                yield self.finding(
                    f"on-call rotation {rotation.id}: {exc}",
                    rotation.location("timezone") or rotation.location(),
                    hint="write an IANA zone name, e.g. Europe/Berlin or UTC",
                    subject=rotation.id,
                )
            for position, layer in enumerate(rotation.layers):
                if layer.rrule is None:
                    continue
                try:
                    rrulestr(layer.rrule, dtstart=layer.start)
                except (ValueError, TypeError) as exc:
                    yield self.finding(
                        f"on-call rotation {rotation.id}, layer {position + 1}: "
                        f"rrule {layer.rrule!r} cannot be read ({exc})",
                        layer.location("rrule") or rotation.location("layers", position),
                        hint="write an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,TH",
                        subject=rotation.id,
                    )


class OnCallMember(BuiltinRule):
    code = "OP117"
    name = "oncall-member"
    severity = Severity.ERROR
    summary = "A rotation's layer or override names neither a person nor a role of the org."
    doc = cleandoc(
        """
        The members of a rotation's layers take turns being on call, and an override
        puts one person on call for a while. Each must be a person of the org (by
        `id`) or, for a layer member, a role (by `id` or name), whose holders are then
        the ones paged. A name that is neither pages nobody. The finding points at the
        name. Fix it by adding the person or role to the org, or by correcting the
        name. Example: a layer with `members: [ana, bob]` where the org has no person or
        role `bob` reports bob.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        org = context.org
        holders = Holders(org)
        for rotation in org.oncall:
            for position, member, location in _layer_members(rotation):
                if holders.of(member).kind != "unknown":
                    continue
                yield self.finding(
                    f"on-call rotation {rotation.id}, layer {position + 1}: member "
                    f"{member!r} is neither a person nor a role of the org",
                    location,
                    hint="add them to 'people:' or 'roles:', or correct the name",
                    subject=rotation.id,
                )
            for position, override in enumerate(rotation.overrides):
                if holders.of(override.person).kind == "person":
                    continue
                yield self.finding(
                    f"on-call rotation {rotation.id}: override {position + 1} names "
                    f"{override.person!r}, who is not a person of the org",
                    override.location("person") or rotation.location("overrides", position),
                    hint="an override puts one person on call: name them by their id",
                    subject=rotation.id,
                )


class OnCallRoleUnheld(BuiltinRule):
    code = "OP118"
    name = "oncall-role-unheld"
    severity = Severity.WARNING
    summary = "A rotation puts a role on call that no person of the org holds."
    doc = cleandoc(
        """
        A rotation may name a role instead of people (`primary: Site Reliability
        Engineer`, or a role among a layer's `members`): whoever holds the role is on
        call. A role no person holds (no person lists it in `roles:`) pages nobody when
        its turn comes, which is as bad as a gap in the schedule. The finding names the
        role and points at where the rotation names it. Fix it by giving the role to the
        people who hold it (`roles: [sre]` on each person), or by naming people instead.
        Example: `primary: Site Reliability Engineer` with a role of that name that no
        person holds reports the role.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        holders = Holders(context.org)
        for rotation in context.org.oncall:
            # The primary is on call only where no layer says otherwise.
            named: list[tuple[str, Location | None]] = []
            if not rotation.layers:
                named.append((rotation.primary, rotation.location("primary")))
            if rotation.secondary is not None:
                named.append((rotation.secondary, rotation.location("secondary")))
            named += [(member, where) for _, member, where in _layer_members(rotation)]
            reported: set[str] = set()
            for name, location in named:
                held = holders.of(name)
                if held.kind != "role" or held.people or held.role_id in reported:
                    continue
                reported.add(held.role_id)
                yield self.finding(
                    f"on-call rotation {rotation.id} puts role {held.name!r} on call, "
                    "which no person holds",
                    location or rotation.location(),
                    hint=f"add '{held.role_id}' to the roles of the people who hold it, "
                    "or name people",
                    subject=rotation.id,
                )


def _layer_members(rotation: Rotation) -> Iterator[tuple[int, str, Location | None]]:
    """(layer position, member, where the member is written) of each layer member."""
    for position, layer in enumerate(rotation.layers):
        for index, member in enumerate(layer.members):
            where = layer.location("members", index) or rotation.location("layers", position)
            yield position, member, where


# -- clock rules: what the schedule will be in the next weeks -----------------------------


class _ClockRule(BuiltinRule):
    """A rule about the schedule from ``context.now`` on; silent without a ``now``."""

    clock = True

    def check(self, context: RuleContext) -> Iterable[Finding]:
        if context.now is None:
            return
        book, _ = spec_book(context.org, context.index)
        end = context.now + timedelta(weeks=context.oncall_weeks)
        for rotation in context.org.oncall:
            try:
                zone = zone_named(rotation.timezone)
                schedule = book.schedule(rotation, context.now, end)
            except (UnknownZoneError, UsageError, ValueError, TypeError):
                continue  # OP116 reports it
            yield from self.rotation(context, book, rotation, schedule, zone)

    def rotation(
        self,
        context: RuleContext,
        book: OnCallBook,
        rotation: Rotation,
        schedule: Schedule,
        zone: ZoneInfo,
    ) -> Iterable[Finding]:
        return ()


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


class OnCallCoverageGap(_ClockRule):
    code = "OP119"
    name = "oncall-coverage-gap"
    severity = Severity.WARNING
    summary = "Nobody is on call for a stretch of the next weeks."
    doc = cleandoc(
        """
        A rotation's layers and overrides should cover every hour: a gap is a stretch in
        which a page would reach nobody. This rule computes each rotation's schedule
        from the moment asked for the next weeks (4 unless the caller says otherwise)
        and reports the gaps, with the first one in the rotation's local time. It
        depends on the clock, so it runs where a moment is given (the on-call findings
        API) and never in what an apply stores. Fix it by adding a layer or widening a
        restriction so that someone covers the stretch, or by an override. Example: a
        rotation whose only layer is restricted to business hours has a gap every night.
        """
    )

    def rotation(
        self,
        context: RuleContext,
        book: OnCallBook,
        rotation: Rotation,
        schedule: Schedule,
        zone: ZoneInfo,
    ) -> Iterable[Finding]:
        if not schedule.gaps:
            return
        first_start, first_end = schedule.gaps[0]
        hours = sum((b - a).total_seconds() for a, b in schedule.gaps) / 3600
        yield self.finding(
            f"on-call rotation {rotation.id} has {len(schedule.gaps)} "
            f"gap{'' if len(schedule.gaps) == 1 else 's'} in the next "
            f"{context.oncall_weeks} weeks ({hours:.0f} h in all), the first from "
            f"{_local(first_start, zone)} to {_local(first_end, zone)}",
            rotation.location("layers") or rotation.location(),
            hint="add a layer or an override that covers it, or widen a restriction",
            subject=rotation.id,
        )


class OnCallRotationDepth(_ClockRule):
    code = "OP120"
    name = "oncall-rotation-depth"
    severity = Severity.WARNING
    summary = (
        "Fewer people take a rotation's turns in the next weeks than the on-call depth policy asks."
    )
    doc = cleandoc(
        """
        The `oncall_depth` policy ("2-deep on-call per subteam") asks that at least
        `min` people share a group's on-call, so nobody is on call alone with no one to
        hand over to. This rule counts the people who are actually on a rotation's
        schedule, primary or secondary, in the next weeks (a role counts as the people
        who hold it), for each rotation whose group the policy covers (its `groups`, or
        groups of its `kinds`; every rotation when both are empty). It depends on the
        clock, so it runs where a moment is given. Fix it by adding people to the
        rotation's layers. Example: with `oncall_depth: {min: 2}`, a rotation whose only
        member is ana is 1 deep.
        """
    )

    def rotation(
        self,
        context: RuleContext,
        book: OnCallBook,
        rotation: Rotation,
        schedule: Schedule,
        zone: ZoneInfo,
    ) -> Iterable[Finding]:
        policy = context.org.policies.oncall_depth
        if policy is None or not _covered(context, rotation, policy.groups, policy.kinds):
            return
        people = {
            person
            for segment in (*schedule.segments, *schedule.secondary)
            for person in book.holders.of(segment.member).people
        }
        if len(people) >= policy.min:
            return
        yield self.finding(
            f"on-call rotation {rotation.id} is {len(people)} deep in the next "
            f"{context.oncall_weeks} weeks; policy requires at least {policy.min}",
            rotation.location("layers") or rotation.location("primary") or rotation.location(),
            hint="add people to the rotation's layers",
            subject=rotation.id,
        )


def _covered(context: RuleContext, rotation: Rotation, groups: list[str], kinds: list[str]) -> bool:
    if not groups and not kinds:
        return True
    if rotation.group is None:
        return False
    path = context.index.resolve(rotation.group).path
    if path is None:
        return False
    if groups:
        return path in {context.index.resolve(ref).path for ref in groups}
    kind = context.index.groups[path].kind
    return kind in {k.lower() for k in kinds} or kind.rstrip("s") in {
        k.lower().rstrip("s") for k in kinds
    }


class OnCallDoublePrimary(BuiltinRule):
    code = "OP121"
    name = "oncall-double-primary"
    severity = Severity.WARNING
    summary = "One person is primary on two rotations at the same time in the next weeks."
    doc = cleandoc(
        """
        A person who is primary on two rotations at once gets two pages at once and can
        answer one: the other rotation is covered only on paper. This rule lays the
        primary schedules of every rotation side by side for the next weeks (a role
        counts as the people who hold it) and reports each person and pair of
        rotations that overlap, with the first overlap in UTC. It depends on the clock,
        so it runs where a moment is given. Fix it by moving one rotation's turn, or by
        an override. Example: ana alone on both the database and the network rotation.
        """
    )
    clock = True

    def check(self, context: RuleContext) -> Iterable[Finding]:
        if context.now is None:
            return
        book, _ = spec_book(context.org, context.index)
        end = context.now + timedelta(weeks=context.oncall_weeks)
        stints: dict[str, list[tuple[datetime, datetime, Rotation]]] = {}
        for rotation in context.org.oncall:
            try:
                schedule = book.schedule(rotation, context.now, end)
            except (UnknownZoneError, UsageError, ValueError, TypeError):
                continue
            for segment in schedule.segments:
                for person in book.holders.of(segment.member).people:
                    stints.setdefault(person, []).append((segment.start, segment.end, rotation))
        reported: set[tuple[str, str, str]] = set()
        for person in sorted(stints):
            ordered = sorted(stints[person], key=lambda s: (s[0], s[2].id))
            reach: list[tuple[datetime, Rotation]] = []
            for start, stop, rotation in ordered:
                reach = [(until, other) for until, other in reach if until > start]
                for _until, other in reach:
                    if other.id == rotation.id:
                        continue
                    first, second = sorted((other.id, rotation.id))
                    if (person, first, second) in reported:
                        continue
                    reported.add((person, first, second))
                    yield self.finding(
                        f"{person} is primary on both on-call rotations {first} and {second} "
                        f"from {start:%Y-%m-%d %H:%M} UTC",
                        rotation.location("layers") or rotation.location(),
                        hint="move one rotation's turn, or override one of them",
                        subject=rotation.id,
                    )
                reach.append((stop, rotation))
