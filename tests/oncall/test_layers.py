"""A layer's shifts: turns on the wall clock, exact through DST in every zone, members in
order, restrictions cutting each shift to its windows."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgplane.oncall import Layer, Restriction, Shift, TurnUnit, shifts, to_utc, zone_named

BERLIN = zone_named("Europe/Berlin")
#: The horizon every zone is checked over: two years.
FROM = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2028, 1, 1, tzinfo=UTC)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_daily_berlin_handoff_stays_at_nine_local_through_both_transitions() -> None:
    layer = Layer(("ana", "ben"), datetime(2026, 3, 1, 9, 0), BERLIN)
    found = shifts(layer, _utc(2026, 3, 27), _utc(2026, 11, 1))
    for shift in found[1:]:
        assert shift.start.astimezone(BERLIN).time() == time(9, 0)
    spring = next(s for s in found if s.start.date() == datetime(2026, 3, 28).date())
    assert (spring.start, spring.end) == (_utc(2026, 3, 28, 8), _utc(2026, 3, 29, 7))  # 23 h
    autumn = next(s for s in found if s.start.date() == datetime(2026, 10, 24).date())
    assert (autumn.start, autumn.end) == (_utc(2026, 10, 24, 7), _utc(2026, 10, 25, 8))  # 25 h
    # The turn from 26 March (the layer's 26th, counted from 1 March) is ben's.
    assert [s.member for s in found[:3]] == ["ben", "ana", "ben"]


def test_members_take_turns_in_order_from_the_layers_start() -> None:
    layer = Layer(("a", "b", "c"), datetime(2026, 1, 5, 9, 0), ZoneInfo("UTC"), 1, TurnUnit.WEEKS)
    found = shifts(layer, _utc(2026, 1, 1), _utc(2026, 2, 9, 9))
    assert found[0] == Shift("a", _utc(2026, 1, 5, 9), _utc(2026, 1, 12, 9))  # none before
    assert [s.member for s in found] == ["a", "b", "c", "a", "b"]
    # A window that starts mid-turn sees the turn's holder, cut to it.
    later = shifts(layer, _utc(2026, 1, 14), _utc(2026, 1, 15))
    assert later == [Shift("b", _utc(2026, 1, 14), _utc(2026, 1, 15))]


def test_an_hourly_turn_that_dst_skips_is_left_out() -> None:
    layer = Layer(("a", "b"), datetime(2026, 3, 29, 0, 0), BERLIN, 1, TurnUnit.HOURS)
    found = shifts(layer, _utc(2026, 3, 28, 23), _utc(2026, 3, 29, 3))
    # 02:00 local does not exist: the 02:00 turn (b's) is empty; 03:00 goes to a.
    assert [(s.member, s.start.hour, s.end.hour) for s in found] == [
        ("a", 23, 0),
        ("b", 0, 1),
        ("b", 1, 2),
        ("a", 2, 3),
    ]


def test_an_rrule_turns_at_its_occurrences() -> None:
    # Handoffs on Monday and Thursday at 09:00 local.
    layer = Layer(("a", "b"), datetime(2026, 1, 5, 9, 0), BERLIN, rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    found = shifts(layer, _utc(2026, 1, 5), _utc(2026, 1, 15))
    assert [(s.member, s.start.astimezone(BERLIN).strftime("%a %H:%M")) for s in found] == [
        ("a", "Mon 09:00"),
        ("b", "Thu 09:00"),
        ("a", "Mon 09:00"),  # until the window's end, before Thursday's handoff
    ]
    # Counted from the layer's start, wherever the window begins.
    assert shifts(layer, _utc(2026, 1, 13), _utc(2026, 1, 14))[0].member == "a"


def test_restrictions_keep_business_hours_only() -> None:
    weekdays = Restriction(frozenset(range(5)), time(9), time(17))
    layer = Layer(
        ("a",), datetime(2026, 3, 23, 9, 0), BERLIN, 1, TurnUnit.WEEKS, restrictions=(weekdays,)
    )
    found = shifts(layer, _utc(2026, 3, 23), _utc(2026, 3, 31))
    local = [(s.start.astimezone(BERLIN), s.end.astimezone(BERLIN)) for s in found]
    assert [(a.strftime("%a %H:%M"), b.strftime("%H:%M")) for a, b in local] == [
        (day, "17:00")
        for day in (
            "Mon 09:00",
            "Tue 09:00",
            "Wed 09:00",
            "Thu 09:00",
            "Fri 09:00",
            "Mon 09:00",  # the window ends at midnight UTC on Tuesday
        )
    ]


def test_an_overnight_restriction_runs_past_midnight() -> None:
    nights = Restriction(frozenset(range(7)), time(22), time(6))
    layer = Layer(("a",), datetime(2026, 1, 1, 0, 0), ZoneInfo("UTC"), restrictions=(nights,))
    found = shifts(layer, _utc(2026, 1, 2), _utc(2026, 1, 3))
    assert [(s.start.hour, s.end.hour) for s in found] == [(0, 6), (22, 0)]
    assert found[-1].end == _utc(2026, 1, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"members": ()}, "at least one member"),
        ({"turn": 0}, "at least 1"),
        ({"start": datetime(2026, 1, 1, tzinfo=UTC)}, "naive"),
    ],
)
def test_a_bad_layer_is_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"members": ("a",), "start": datetime(2026, 1, 1), "zone": BERLIN}
    with pytest.raises(ValueError, match=message):
        Layer(**{**fields, **kwargs})  # type: ignore[arg-type]


# -- every zone that changes its offset, over two years -----------------------------------


@cache
def _zones_with_transitions() -> list[str]:
    """The IANA zones whose offset changes between FROM and UNTIL."""
    names = []
    for name in sorted(available_timezones()):
        zone = ZoneInfo(name)
        offsets = {
            (FROM + timedelta(days=d)).astimezone(zone).utcoffset() for d in range(0, 731, 7)
        }
        if len(offsets) > 1:
            names.append(name)
    return names


def test_the_horizon_has_zones_with_transitions() -> None:
    assert len(_zones_with_transitions()) > 100
    assert "Europe/Berlin" in _zones_with_transitions()


def _check_exact(layer: Layer, found: list[Shift], start: datetime, end: datetime) -> None:
    # Consecutive shifts: no gap, no overlap; together they cover the window.
    assert found[0].start == max(start, to_utc(layer.start, layer.zone))
    assert found[-1].end == end
    for before, after in pairwise(found):
        assert before.end == after.start
        assert before.start < before.end
    # Each handoff is at the handoff time on the wall clock, or where DST put it.
    handoff = layer.start.time()
    for shift in found[1:]:
        wall = shift.start.astimezone(layer.zone)
        if wall.time() != handoff:
            # The handoff time did not exist that day: the first valid instant after it.
            wanted = datetime.combine(wall.date(), handoff)
            assert to_utc(wanted, layer.zone) == shift.start
            just_before = (shift.start - timedelta(seconds=1)).astimezone(layer.zone)
            assert just_before.replace(tzinfo=None) < wanted
        else:
            assert wall.fold == 0  # the first occurrence of an ambiguous time


@pytest.mark.parametrize("name", _zones_with_transitions())
def test_a_daily_handoff_is_exact_in_every_zone(name: str) -> None:
    zone = ZoneInfo(name)
    layer = Layer(("a", "b", "c"), datetime(2025, 12, 31, 9, 0), zone)
    found = shifts(layer, FROM, UNTIL)
    _check_exact(layer, found, FROM, UNTIL)
    # The members take one turn each, in order, however long DST made a day.
    cycle = "abc"
    for before, after in pairwise(found):
        assert cycle.index(after.member) == (cycle.index(before.member) + 1) % 3
    assert len(found) in (730, 731)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(_zones_with_transitions()),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    turn=st.integers(1, 3),
    unit=st.sampled_from([TurnUnit.DAYS, TurnUnit.WEEKS]),
    offset_days=st.integers(0, 700),
    length_days=st.integers(1, 60),
)
def test_handoffs_are_exact_at_any_time_of_day_in_any_zone(
    name: str, hour: int, minute: int, turn: int, unit: TurnUnit, offset_days: int, length_days: int
) -> None:
    zone = ZoneInfo(name)
    layer = Layer(("a", "b"), datetime(2025, 12, 1, hour, minute), zone, turn, unit)
    start = FROM + timedelta(days=offset_days, hours=hour)
    end = start + timedelta(days=length_days)
    found = shifts(layer, start, end)
    _check_exact(layer, found, start, end)
    # The same instant belongs to the same member whichever window asked.
    wider = shifts(layer, start - timedelta(days=30), end + timedelta(days=30))
    for shift in found:
        holder = next(s for s in wider if s.start <= shift.start < s.end)
        assert holder.member == shift.member


def test_a_handoff_in_the_gap_moves_to_the_transition_and_in_the_fold_takes_the_first() -> None:
    layer = Layer(("a", "b"), datetime(2026, 3, 1, 2, 30), BERLIN)
    found = shifts(layer, _utc(2026, 3, 28), _utc(2026, 10, 27))
    starts = {s.start.astimezone(BERLIN).date().isoformat(): s.start for s in found}
    assert starts["2026-03-29"] == _utc(2026, 3, 29, 1)  # 03:00 CEST: 02:30 did not exist
    assert starts["2026-03-30"] == _utc(2026, 3, 30, 0, 30)  # 02:30 CEST again
    assert starts["2026-10-25"] == _utc(2026, 10, 25, 0, 30)  # 02:30 CEST, not CET
    _check_exact(layer, found, _utc(2026, 3, 28), _utc(2026, 10, 27))
