"""On-call rules: rotations whose schedule cannot be computed, or names nobody.

Imports ``model``, ``oncall`` and ``rules``. The schedule of a rotation is computed from
its time zone, its layers' turns and their members; each rule here reports a definition
that would leave a schedule wrong or impossible, at the field that says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from dateutil.rrule import rrulestr

from orgplane.oncall.zones import UnknownZoneError, zone_named
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["OnCallDefinition", "OnCallMember"]


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
        people = {person.id for person in org.people}
        roles = {role.id.lower() for role in org.roles} | {r.name.lower() for r in org.roles}
        for rotation in org.oncall:
            for position, layer in enumerate(rotation.layers):
                for index, member in enumerate(layer.members):
                    if member in people or member.lower() in roles:
                        continue
                    yield self.finding(
                        f"on-call rotation {rotation.id}, layer {position + 1}: member "
                        f"{member!r} is neither a person nor a role of the org",
                        layer.location("members", index) or rotation.location("layers", position),
                        hint="add them to 'people:' or 'roles:', or correct the name",
                        subject=rotation.id,
                    )
            for position, override in enumerate(rotation.overrides):
                if override.person in people:
                    continue
                yield self.finding(
                    f"on-call rotation {rotation.id}: override {position + 1} names "
                    f"{override.person!r}, who is not a person of the org",
                    override.location("person") or rotation.location("overrides", position),
                    hint="an override puts one person on call: name them by their id",
                    subject=rotation.id,
                )
