"""Who holds a rotation at one instant, and until when, computing no further than needed.

Imports the other ``oncall`` modules. ``final_schedule`` over a fixed horizon costs as
much as the horizon is long; a question about *now* needs only the shift that holds now
and the handoff that ends it. ``holding_at`` computes the schedule from the instant up
to the next handoff of any layer, and looks further (four times as far each time, up to
``HORIZON``) only while whoever holds it still holds it at the end of what was computed:
a one-member layer, a long override, a restriction whose window is days away.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orgplane.oncall.layers import Layer, next_handoff
from orgplane.oncall.schedule import Override, Segment, final_schedule

__all__ = ["HORIZON", "LAST", "Holding", "first_matching", "holding_at", "horizon_end"]

#: How far ahead an answer looks: a holder still on at the horizon holds it "until
#: further notice", and a gap still open there is open "until further notice".
HORIZON = timedelta(days=400)
_SMALLEST_WINDOW = timedelta(hours=1)
#: No schedule is computed past this instant: a few weeks short of the last one a
#: ``datetime`` holds, so that local times and week-long windows never overflow.
LAST = datetime(9999, 11, 1, tzinfo=UTC)


def horizon_end(at: datetime, horizon: timedelta = HORIZON) -> datetime:
    """``at + horizon``, or ``LAST`` when that is later."""
    return LAST if at >= LAST - horizon else at + horizon


@dataclass(frozen=True, slots=True)
class Holding:
    """``member`` holds the rotation from the instant asked until ``until`` (None: past
    the horizon), by ``source`` (``layer 2``, ``override``). ``member`` None is a gap:
    nobody holds it until ``until``. ``next`` is who holds it after ``until`` (None when
    nobody does, or ``until`` is None)."""

    member: str | None
    source: str
    until: datetime | None
    next: str | None = None


def holding_at(
    layers: Sequence[Layer],
    overrides: Sequence[Override],
    at: datetime,
    *,
    horizon: timedelta = HORIZON,
) -> Holding:
    """Who holds the rotation of ``layers`` and ``overrides`` at ``at``, and until when."""
    limit = horizon_end(at, horizon)
    if at >= limit:
        return Holding(None, "gap", None)
    end = min(limit, at + min(_first_window(layers, at), limit - at))
    while True:
        segments = final_schedule(layers, overrides, at, end)
        first = segments[0] if segments else None
        if first is None or first.start > at:  # a gap
            if first is not None:
                return Holding(None, "gap", first.start, first.member)
        elif first.end < end:
            after = segments[1] if len(segments) > 1 else None
            following = after.member if after is not None and after.start == first.end else None
            return Holding(first.member, first.source, first.end, following)
        if end >= limit:
            if first is None:
                return Holding(None, "gap", None)
            return Holding(first.member, first.source, None)
        end = at + min(limit - at, (end - at) * 4)


def first_matching(
    layers: Sequence[Layer],
    overrides: Sequence[Override],
    at: datetime,
    wanted: Callable[[str], bool],
    *,
    horizon: timedelta = HORIZON,
) -> Segment | None:
    """The first segment from ``at`` on (the one holding at ``at`` included, cut to it)
    whose member ``wanted`` says yes to, within ``horizon``: when someone is next on."""
    opened, limit = at, horizon_end(at, horizon)
    window = max(_first_window(layers, at), timedelta(days=7))
    while opened < limit:
        closed = opened + min(limit - opened, window)
        segments = final_schedule(layers, overrides, opened, closed)
        for segment in segments:
            if not wanted(segment.member):
                continue
            # A stint that reaches the window's end may go on: follow it to its end.
            if segment.end == closed and closed < limit:
                rest = holding_at(layers, overrides, closed, horizon=limit - closed)
                if rest.member == segment.member and rest.source == segment.source:
                    end = rest.until or limit
                    return Segment(segment.member, segment.start, end, segment.source)
            return segment
        opened, window = closed, window * 4
    return None


def _first_window(layers: Sequence[Layer], at: datetime) -> timedelta:
    """From ``at`` to just past the next handoff of any layer (at least an hour)."""
    found = [handoff for layer in layers if (handoff := next_handoff(layer, at)) is not None]
    if not found:
        return _SMALLEST_WINDOW
    return max(_SMALLEST_WINDOW, max(found) - at + timedelta(seconds=1))
