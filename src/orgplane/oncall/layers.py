"""One layer of a rotation cut into shifts: who holds it, from when until when.

Imports ``oncall.zones`` and dateutil. A layer hands off at wall-clock times: its start
(a local date-time in its zone) and every turn after it (a number of hours, days or
weeks on the wall clock, or the occurrences of an RFC 5545 RRULE), each turn to the next
member in order. ``restrictions`` keep only the parts of each shift inside their windows
(business hours, weekends, a follow-the-sun slot), also on the layer's wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import count
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from orgplane.oncall.zones import to_utc

__all__ = ["Layer", "Restriction", "Shift", "TurnUnit", "shifts"]


class TurnUnit(StrEnum):
    """What a turn's length counts, on the wall clock."""

    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"


_UNIT = {
    TurnUnit.HOURS: timedelta(hours=1),
    TurnUnit.DAYS: timedelta(days=1),
    TurnUnit.WEEKS: timedelta(weeks=1),
}


@dataclass(frozen=True, slots=True)
class Restriction:
    """A window a layer covers: from ``start`` to ``end`` local time on each of ``days``
    (0 is Monday). An ``end`` at or before ``start`` runs past midnight into the next
    day ("22:00–06:00"); ``start == end`` is the whole day."""

    days: frozenset[int]
    start: time
    end: time

    def windows(
        self, first: date, last: date, zone: ZoneInfo
    ) -> Iterator[tuple[datetime, datetime]]:
        """The windows that start on ``first`` … ``last``, as UTC instants."""
        day = first
        while day <= last:
            if day.weekday() in self.days:
                ends_next_day = self.end <= self.start
                end_day = day + timedelta(days=1) if ends_next_day else day
                opened = to_utc(datetime.combine(day, self.start), zone)
                closed = to_utc(datetime.combine(end_day, self.end), zone)
                if opened < closed:
                    yield opened, closed
            day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a rotation.

    ``start`` is the first handoff, a naive local date-time in ``zone``; its time of
    day is the handoff time. Turns are ``turn`` ``unit``s long, or the occurrences of
    ``rrule`` (an RFC 5545 RRULE, read from ``start``) when it is given."""

    members: tuple[str, ...]
    start: datetime
    zone: ZoneInfo
    turn: int = 1
    unit: TurnUnit = TurnUnit.DAYS
    rrule: str | None = None
    restrictions: tuple[Restriction, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("a layer needs at least one member")
        if self.start.tzinfo is not None:
            raise ValueError("a layer starts at a naive local date-time (its zone is apart)")
        if self.turn < 1:
            raise ValueError("a turn is at least 1 unit long")

    @property
    def step(self) -> timedelta:
        return _UNIT[self.unit] * self.turn


@dataclass(frozen=True, slots=True)
class Shift:
    """``member`` holds the layer from ``start`` until ``end`` (UTC, end excluded)."""

    member: str
    start: datetime
    end: datetime


def shifts(layer: Layer, start: datetime, end: datetime) -> list[Shift]:
    """The layer's shifts between the instants ``start`` and ``end``, cut to them and to
    the layer's restrictions, in order. Nothing before the layer's first handoff."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("shifts takes aware instants")
    raw = []
    for member, opened, closed in _turns(layer, start, end):
        opened, closed = max(opened, start), min(closed, end)
        if opened < closed:
            raw.append(Shift(member, opened, closed))
    if not layer.restrictions:
        return raw
    return [part for shift in raw for part in _restricted(shift, layer)]


def _turns(
    layer: Layer, start: datetime, end: datetime
) -> Iterator[tuple[str, datetime, datetime]]:
    """(member, from, until) of each turn that overlaps ``start`` … ``end``; a turn that
    DST shrinks to nothing (two handoffs in one gap) is left out."""
    members = layer.members
    handoffs = _handoffs(layer, start)
    first = next(handoffs, None)
    if first is None:  # an RRULE with no occurrence
        return
    index, opened = first
    for next_index, closed in handoffs:
        if opened >= end:
            return
        if opened < closed:
            yield members[index % len(members)], opened, closed
        index, opened = next_index, closed


def _handoffs(layer: Layer, start: datetime) -> Iterator[tuple[int, datetime]]:
    """(turn number, instant) of each handoff from the last one at or before ``start``
    (or the first, if the layer starts later), endlessly."""
    if layer.rrule is not None:
        yield from _rrule_handoffs(layer, start)
        return
    step = layer.step
    wall = start.astimezone(layer.zone).replace(tzinfo=None)
    # Wall-clock arithmetic finds the turn within one; the instants settle it.
    k = max((wall - layer.start) // step, 0)
    while k > 0 and to_utc(layer.start + k * step, layer.zone) > start:
        k -= 1
    while to_utc(layer.start + (k + 1) * step, layer.zone) <= start:
        k += 1
    for n in count(k):
        yield n, to_utc(layer.start + n * step, layer.zone)


def _rrule_handoffs(layer: Layer, start: datetime) -> Iterator[tuple[int, datetime]]:
    """The same, for a layer turned by an RRULE: its occurrences are counted from the
    layer's start, so each turn goes to the member its place in the rotation says. A
    rule that ends ends the layer at its last handoff."""
    rule = rrulestr(layer.rrule or "", dtstart=layer.start)
    occurrences = enumerate(rule)
    previous: tuple[int, datetime] | None = None
    for n, local in occurrences:
        instant = to_utc(local, layer.zone)
        if instant > start:
            if previous is not None:
                yield previous
            yield n, instant
            break
        previous = (n, instant)
    else:
        if previous is not None:
            yield previous
        return
    for n, local in occurrences:
        yield n, to_utc(local, layer.zone)


def _restricted(shift: Shift, layer: Layer) -> Iterator[Shift]:
    """The parts of ``shift`` inside the layer's windows, in order, windows merged."""
    zone = layer.zone
    first = shift.start.astimezone(zone).date() - timedelta(days=1)
    last = shift.end.astimezone(zone).date()
    windows = sorted(
        w for restriction in layer.restrictions for w in restriction.windows(first, last, zone)
    )
    opened: datetime | None = None
    closed = datetime.min.replace(tzinfo=UTC)
    for w_open, w_close in windows:
        w_open, w_close = max(w_open, shift.start), min(w_close, shift.end)
        if w_open >= w_close:
            continue
        if opened is not None and w_open <= closed:
            closed = max(closed, w_close)
            continue
        if opened is not None:
            yield Shift(shift.member, opened, closed)
        opened, closed = w_open, w_close
    if opened is not None:
        yield Shift(shift.member, opened, closed)
