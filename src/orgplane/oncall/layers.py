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
from functools import lru_cache
from itertools import count, takewhile
from math import lcm
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from orgplane.oncall.zones import to_utc

__all__ = ["Layer", "Restriction", "Shift", "TurnUnit", "next_handoff", "shifts"]


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


def next_handoff(layer: Layer, at: datetime) -> datetime | None:
    """The layer's first handoff after the instant ``at`` (None: it hands off no more)."""
    for _, handoff in _handoffs(layer, at):
        if handoff > at:
            return handoff
    return None


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
    if len(set(members)) == 1 and _endless(layer):
        # Every turn goes to the same member: one turn, however far ``end`` is.
        if opened < end:
            yield members[0], opened, end
        return
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


def _endless(layer: Layer) -> bool:
    """Whether the layer hands off forever (a turn length, or an RRULE that never ends)."""
    if layer.rrule is None:
        return True
    parts = _rrule_parts(layer.rrule)
    return parts is not None and "COUNT" not in parts and "UNTIL" not in parts


def _rrule_handoffs(layer: Layer, start: datetime) -> Iterator[tuple[int, datetime]]:
    """The same, for a layer turned by an RRULE: its occurrences are counted from the
    layer's start, so each turn goes to the member its place in the rotation says. A
    rule that ends ends the layer at its last handoff. A rule whose occurrences repeat
    week after week (see ``_cycle``) skips the whole cycles before ``start``, so the
    work does not grow with the layer's age."""
    text = layer.rrule or ""
    first_index, dtstart = 0, layer.start
    cycle = _cycle(text, layer.start)
    if cycle is not None:
        period, per_period = cycle
        wall = start.astimezone(layer.zone).replace(tzinfo=None)
        # One cycle of margin: wall time and instants differ by at most a DST shift.
        skipped = max((wall - layer.start) // period - 1, 0)
        first_index, dtstart = skipped * per_period, layer.start + skipped * period
    rule = rrulestr(text, dtstart=dtstart)
    occurrences = enumerate(rule, first_index)
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


#: RRULE frequencies whose occurrences repeat every week (with the interval's multiple).
_FIXED_FREQUENCIES = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
}
#: The parts such a rule may have and still repeat: no month, month day, year day or
#: week number (calendar-bound), no COUNT or UNTIL (an end), no BYSETPOS.
_CYCLIC_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST"}


def _rrule_parts(text: str) -> dict[str, str] | None:
    """The NAME=VALUE parts of a one-line RRULE, by upper-case name (None: not one)."""
    body = text.strip()
    if "\n" in body or ":" in body.removeprefix("RRULE:"):
        return None
    body = body.removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, equals, value = part.partition("=")
        if not equals:
            return None
        parts[name.strip().upper()] = value.strip().upper()
    return parts


@lru_cache(maxsize=4096)
def _cycle(text: str, dtstart: datetime) -> tuple[timedelta, int] | None:
    """(period, occurrences per period) of a rule whose occurrences repeat, shifted by
    the period, forever: a weekly, daily, hourly or minutely rule with only weekday and
    time-of-day parts repeats every ``lcm(interval, 1 week)`` of wall-clock time (the
    rule runs on naive local times, so DST does not change that). None for any other."""
    parts = _rrule_parts(text)
    if parts is None or not set(parts) <= _CYCLIC_PARTS:
        return None
    unit = _FIXED_FREQUENCIES.get(parts.get("FREQ", ""))
    interval = parts.get("INTERVAL", "1")
    if unit is None or not interval.isdigit() or int(interval) < 1:
        return None
    if any(day.strip()[:-2] for day in parts.get("BYDAY", "").split(",") if day.strip()):
        return None  # "1MO": an n-th weekday is not for these frequencies
    step = int((unit * int(interval)).total_seconds())
    period = timedelta(seconds=lcm(step, int(timedelta(weeks=1).total_seconds())))
    rule = rrulestr(text, dtstart=dtstart)
    per_period = sum(1 for _ in takewhile(lambda local: local < dtstart + period, rule))
    return (period, per_period) if per_period else None


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
