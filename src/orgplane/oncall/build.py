"""A rotation of the spec as layers and overrides the schedule computes with.

Imports ``model`` and the other ``oncall`` modules. A rotation with no ``layers`` has
one: its ``primary``, handing off at ``handoff`` every ``period`` (daily when the period
is not one of hours, days or weeks), from a Monday long ago. ``secondary`` is a layer of
its own, the same way. Members stay as the spec names them (a person's id or a role);
who holds a role is asked elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from orgplane.model import OnCallLayer, OnCallWindow, Org, Rotation
from orgplane.model.oncall import WEEKDAYS
from orgplane.oncall.layers import Layer, Restriction, TurnUnit
from orgplane.oncall.schedule import Override
from orgplane.oncall.zones import zone_named

__all__ = ["Holder", "Holders", "primary_layers", "rotation_overrides", "secondary_layers"]

#: The Monday implied layers start from: any day long before a schedule is asked.
_EPOCH = date(2000, 1, 3)
_UNITS = {"h": TurnUnit.HOURS, "d": TurnUnit.DAYS, "w": TurnUnit.WEEKS}
_PERIODS = {"hourly": "1h", "daily": "1d", "weekly": "1w", "biweekly": "2w", "fortnightly": "2w"}


def primary_layers(rotation: Rotation) -> list[Layer]:
    """The layers of the rotation's primary; ``UnknownZoneError`` for a bad zone."""
    if rotation.layers:
        return [_layer(rotation, layer) for layer in rotation.layers]
    return [_implied(rotation, rotation.primary)]


def secondary_layers(rotation: Rotation) -> list[Layer]:
    """The layer of the rotation's secondary, if it has one."""
    return [] if rotation.secondary is None else [_implied(rotation, rotation.secondary)]


def rotation_overrides(rotation: Rotation) -> list[Override]:
    return [Override(o.person, o.start, o.end) for o in rotation.overrides]


def _implied(rotation: Rotation, member: str) -> Layer:
    hours, minutes = (int(part) for part in rotation.handoff.split(":"))
    turn, unit = _turn(_PERIODS.get(rotation.period, "1d"))
    start = datetime.combine(_EPOCH, time(hours, minutes))
    return Layer((member,), start, zone_named(rotation.timezone), turn, unit)


def _layer(rotation: Rotation, layer: OnCallLayer) -> Layer:
    turn, unit = _turn(layer.turn)
    return Layer(
        tuple(layer.members),
        layer.start,
        zone_named(rotation.timezone),
        turn,
        unit,
        rrule=layer.rrule,
        restrictions=tuple(_restriction(window) for window in layer.restrictions),
    )


def _turn(text: str) -> tuple[int, TurnUnit]:
    return int(text[:-1]), _UNITS[text[-1]]


def _restriction(window: OnCallWindow) -> Restriction:
    return Restriction(
        frozenset(WEEKDAYS.index(day) for day in window.days),
        time.fromisoformat(window.start),
        time.fromisoformat(window.end),
    )


#: What a ``relative`` holder stands for, by its meaning (``model.relative_target``).
_RELATIVE = {
    "primary": "the paged rotation's primary",
    "secondary": "the paged rotation's secondary",
    "lead": "the paged team's leads",
    "director": "the leads of the group above the paged team",
}


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a rotation's member is: a ``person``, a ``role`` (with the people who hold
    it, maybe none), or ``unknown`` (neither; rule OP117 reports it); a ladder step may
    also name the ``owner`` of the paged component, someone ``relative`` to the page
    (``role_id`` then holds what: primary, secondary, lead or director) or a
    ``rotation``'s tier (``role_id`` is "ID/tier")."""

    name: str
    kind: str
    people: tuple[str, ...]
    #: A role's id (what people list in their ``roles:``); empty for the others.
    role_id: str = ""

    def describe(self) -> str:
        if self.kind == "person":
            return self.name
        if self.kind == "role":
            if self.people:
                return f"{self.name} (role): {', '.join(self.people)}"
            return f"{self.name} (role; no person holds it)"
        if self.kind == "owner":
            return f"{self.name} (the owner of the paged component)"
        if self.kind == "relative":
            return f"{self.name} ({_RELATIVE[self.role_id]})"
        if self.kind == "rotation":
            rotation, _, tier = self.role_id.partition("/")
            return f"rotation {rotation} ({'primary and secondary' if tier == 'both' else tier})"
        return f"{self.name} (neither a person nor a role of the org)"


class Holders:
    """Who each name a rotation uses is, for one org: people by id, roles by id or name
    (case-insensitive), each role with the people who hold it. Built once, asked often."""

    def __init__(self, org: Org) -> None:
        holding: dict[str, list[str]] = {}
        for person in org.people:
            for role_id in person.roles:
                holding.setdefault(role_id, []).append(person.id)
        self._fill(
            (person.id for person in org.people),
            ((role.id, role.name, holding.get(role.id, ())) for role in org.roles),
        )

    @classmethod
    def from_parts(
        cls, people: Iterable[str], roles: Iterable[tuple[str, str, Iterable[str]]]
    ) -> Holders:
        """Holders from parts: people's ids, and each role's (id, name, holders' ids)."""
        made = cls.__new__(cls)
        made._fill(people, roles)
        return made

    def _fill(self, people: Iterable[str], roles: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self._people = set(people)
        self._roles: dict[str, Holder] = {}
        for role_id, name, holders in roles:
            held = Holder(name, "role", tuple(holders), role_id)
            self._roles.setdefault(role_id.lower(), held)
            self._roles.setdefault(name.lower(), held)

    def of(self, member: str) -> Holder:
        """``member`` as the org knows them: a person, a role, or ``unknown``."""
        if member in self._people:
            return Holder(member, "person", (member,))
        return self._roles.get(member.lower()) or Holder(member, "unknown", ())
