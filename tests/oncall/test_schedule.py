"""The final schedule: later layers win where they have someone, overrides win over
layers (the later override over the earlier), and what nobody covers is a gap."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from orgplane.oncall import (
    Layer,
    Override,
    Restriction,
    Segment,
    TurnUnit,
    final_schedule,
    gaps,
    on_call_at,
    zone_named,
)

UTC_ZONE = zone_named("UTC")


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


WEEKLY = Layer(("ana", "ben"), datetime(2026, 1, 5, 9, 0), UTC_ZONE, 1, TurnUnit.WEEKS)
WEEKENDS = Layer(
    ("cy",),
    datetime(2026, 1, 5, 0, 0),
    UTC_ZONE,
    restrictions=(Restriction(frozenset({5, 6}), time(0), time(0)),),
)


def test_a_later_layer_wins_where_it_has_someone() -> None:
    found = final_schedule([WEEKLY, WEEKENDS], [], _utc(2026, 1, 9), _utc(2026, 1, 13))
    assert found == [
        Segment("ana", _utc(2026, 1, 9), _utc(2026, 1, 10), "layer 1"),
        Segment("cy", _utc(2026, 1, 10), _utc(2026, 1, 12), "layer 2"),
        Segment("ana", _utc(2026, 1, 12), _utc(2026, 1, 12, 9), "layer 1"),
        Segment("ben", _utc(2026, 1, 12, 9), _utc(2026, 1, 13), "layer 1"),
    ]


def test_overrides_win_and_the_later_one_wins_over_the_earlier() -> None:
    overrides = [
        Override("dee", _utc(2026, 1, 6, 12), _utc(2026, 1, 7, 12)),
        Override("eve", _utc(2026, 1, 7), _utc(2026, 1, 7, 6)),
    ]
    found = final_schedule([WEEKLY], overrides, _utc(2026, 1, 6), _utc(2026, 1, 8))
    assert [(s.member, s.start.day, s.start.hour, s.source) for s in found] == [
        ("ana", 6, 0, "layer 1"),
        ("dee", 6, 12, "override"),
        ("eve", 7, 0, "override"),
        ("dee", 7, 6, "override"),
        ("ana", 7, 12, "layer 1"),
    ]
    assert found[-1].end == _utc(2026, 1, 8)


def test_what_nobody_covers_is_a_gap() -> None:
    found = final_schedule([WEEKENDS], [], _utc(2026, 1, 8), _utc(2026, 1, 13))
    assert gaps(found, _utc(2026, 1, 8), _utc(2026, 1, 13)) == [
        (_utc(2026, 1, 8), _utc(2026, 1, 10)),
        (_utc(2026, 1, 12), _utc(2026, 1, 13)),
    ]
    # Before a layer's first handoff, nobody holds it.
    early = final_schedule([WEEKLY], [], _utc(2026, 1, 1), _utc(2026, 1, 6))
    assert gaps(early, _utc(2026, 1, 1), _utc(2026, 1, 6)) == [
        (_utc(2026, 1, 1), _utc(2026, 1, 5, 9))
    ]


def test_who_is_on_call_at_an_instant() -> None:
    at = on_call_at([WEEKLY, WEEKENDS], [], _utc(2026, 1, 10, 15))
    assert at is not None
    assert (at.member, at.source) == ("cy", "layer 2")
    assert on_call_at([WEEKENDS], [], _utc(2026, 1, 8)) is None


def test_an_override_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        Override("dee", _utc(2026, 1, 7), _utc(2026, 1, 6))
