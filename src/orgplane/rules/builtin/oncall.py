"""On-call rules: rotations whose schedule cannot be computed, or that name nobody.
The rules about the schedule of the next weeks are in ``oncall_schedule``.

Imports ``model``, ``oncall`` and ``rules``. The schedule of a rotation is computed from
its time zone, its layers' turns and their members; each rule here reports a definition
that would leave a schedule wrong or impossible, at the field that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dateutil.rrule import rrulestr

from orgplane.model import Location, Rotation
from orgplane.oncall.build import Holders
from orgplane.oncall.zones import UnknownZoneError, zone_named
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["OnCallDefinition", "OnCallMember", "OnCallRoleUnheld"]


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
