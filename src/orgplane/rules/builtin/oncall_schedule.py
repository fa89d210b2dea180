"""On-call rules about the schedule of the next weeks: gaps, depth, double primaries,
one person as primary and secondary at once.

Imports ``model``, ``oncall`` and ``rules``. They depend on the clock: each computes the
rotations' schedules from the rule context's moment (``RuleContext.now``) for
``oncall_weeks``, and reports nothing without one, so what an apply stores stays stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from orgplane.errors import UsageError
from orgplane.model import Rotation
from orgplane.oncall.book import OnCallBook, Schedule, spec_book
from orgplane.oncall.zones import UnknownZoneError, zone_named
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["OnCallAlone", "OnCallCoverageGap", "OnCallDoublePrimary", "OnCallRotationDepth"]


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


class OnCallAlone(_ClockRule):
    code = "OP126"
    name = "oncall-alone"
    severity = Severity.WARNING
    summary = "One person is both primary and secondary of a rotation at the same time."
    doc = cleandoc(
        """
        A rotation's secondary is who a page reaches when the primary does not answer;
        when both are the same person, nobody else is reached and the rotation is one
        deep for that stretch. It happens when an override puts the secondary on call
        as primary, or when one person is in both the primary layers and the secondary.
        This rule lays a rotation's primary schedule beside its secondary's for the next
        weeks (a role counts as the people who hold it) and reports the first stretch in
        the rotation's local time. It depends on the clock, so it runs where a moment is
        given. Fix it by overriding the secondary too, or by choosing another person.
        Example: ana primary and ana secondary of the same rotation.
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
        stretches: list[tuple[datetime, datetime, str]] = []
        for primary in schedule.segments:
            first = set(book.holders.of(primary.member).people)
            for secondary in schedule.secondary:
                start = max(primary.start, secondary.start)
                end = min(primary.end, secondary.end)
                if start >= end:
                    continue
                both = first & set(book.holders.of(secondary.member).people)
                stretches.extend((start, end, person) for person in sorted(both))
        if not stretches:
            return
        start, end, _ = min(stretches)
        people = sorted({person for _, _, person in stretches})
        yield self.finding(
            f"on-call rotation {rotation.id}: {', '.join(people)} is both primary and "
            f"secondary in the next {context.oncall_weeks} weeks, first from "
            f"{_local(start, zone)} to {_local(end, zone)}",
            rotation.location("secondary") or rotation.location(),
            hint="override the secondary too, or put another person on call",
            subject=rotation.id,
        )
