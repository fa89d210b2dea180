"""The final schedule of a rotation: its layers laid over each other, then overrides.

Imports ``oncall.layers``. A later layer wins wherever it has someone (a weekend layer
over a weekday one); an override wins over every layer, and a later override over an
earlier one. What is left uncovered is a gap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from orgplane.oncall.layers import Layer, Shift, shifts

__all__ = ["Override", "Segment", "final_schedule", "gaps", "on_call_at"]


@dataclass(frozen=True, slots=True)
class Override:
    """``member`` holds the rotation from ``start`` until ``end`` (UTC), whoever would."""

    member: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("an override runs between aware instants")
        if self.end <= self.start:
            raise ValueError(
                f"an override must end after it starts ({self.start.isoformat()} → "
                f"{self.end.isoformat()})"
            )


@dataclass(frozen=True, slots=True)
class Segment:
    """``member`` is on call from ``start`` until ``end``; ``source`` says why: the
    layer's place (``layer 1`` is the first) or ``override``."""

    member: str
    start: datetime
    end: datetime
    source: str


class _Cover:
    """Sorted, non-overlapping intervals of one source, looked up by instant."""

    def __init__(self, items: Sequence[Shift | Override], source: str) -> None:
        self.items = sorted(items, key=lambda item: item.start)
        self.starts = [item.start for item in self.items]
        self.source = source

    def at(self, instant: datetime) -> Shift | Override | None:
        index = bisect_right(self.starts, instant) - 1
        if index >= 0 and self.items[index].end > instant:
            return self.items[index]
        return None


def final_schedule(
    layers: Sequence[Layer], overrides: Sequence[Override], start: datetime, end: datetime
) -> list[Segment]:
    """Who is on call from ``start`` until ``end``, as segments in order; adjacent
    segments of one member from one source are joined. Gaps are left out (``gaps``)."""
    covers = [_Cover(shifts(layer, start, end), f"layer {i}") for i, layer in enumerate(layers, 1)]
    inside = [o for o in overrides if o.start < end and o.end > start]
    override_cover = _Cover(_flattened(inside), "override")
    bounds = {start, end}
    for cover in covers:
        bounds.update(b for item in cover.items for b in (item.start, item.end))
    bounds.update(b for o in inside for b in (o.start, o.end))
    instants = sorted(b for b in bounds if start <= b <= end)
    segments: list[Segment] = []
    for opened, closed in pairwise(instants):
        winner = _winner(override_cover, covers, opened)
        if winner is None:
            continue
        member, source = winner
        last = segments[-1] if segments else None
        if last and last.end == opened and (last.member, last.source) == (member, source):
            segments[-1] = Segment(member, last.start, closed, source)
        else:
            segments.append(Segment(member, opened, closed, source))
    return segments


def _flattened(overrides: Sequence[Override]) -> list[Override]:
    """Overrides that overlap cut into ones that do not, the later one winning where
    two overlap; adjacent parts of one member are joined."""
    bounds = sorted({b for o in overrides for b in (o.start, o.end)})
    flat: list[Override] = []
    for opened, closed in pairwise(bounds):
        holder = next((o for o in reversed(overrides) if o.start <= opened < o.end), None)
        if holder is None:
            continue
        if flat and flat[-1].end == opened and flat[-1].member == holder.member:
            flat[-1] = Override(holder.member, flat[-1].start, closed)
        else:
            flat.append(Override(holder.member, opened, closed))
    return flat


def _winner(
    overrides: _Cover, layers: Sequence[_Cover], instant: datetime
) -> tuple[str, str] | None:
    override = overrides.at(instant)
    if override is not None:
        return override.member, "override"
    for cover in reversed(layers):  # a later layer wins where it has someone
        found = cover.at(instant)
        if found is not None:
            return found.member, cover.source
    return None


def gaps(
    segments: Sequence[Segment], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The stretches from ``start`` until ``end`` that no segment covers."""
    found = []
    reached = start
    for segment in segments:
        if segment.start > reached:
            found.append((reached, min(segment.start, end)))
        reached = max(reached, segment.end)
    if reached < end:
        found.append((reached, end))
    return [(a, b) for a, b in found if a < b]


def on_call_at(
    layers: Sequence[Layer], overrides: Sequence[Override], instant: datetime
) -> Segment | None:
    """The segment of whoever is on call at ``instant`` (cut to a microsecond: its
    ``end`` says only that it lasts), or None in a gap."""
    found = final_schedule(layers, overrides, instant, instant + timedelta(microseconds=1))
    return found[0] if found else None
