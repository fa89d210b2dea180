"""Who holds a rotation now, computed over the shortest window that answers it, gives the
answer the full schedule gives; an RRULE layer skips whole weeks before the asked time
and still counts its turns from its start."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from orgplane.oncall import Layer, Override, Restriction, TurnUnit, final_schedule, shifts
from orgplane.oncall.holding import HORIZON, first_matching, holding_at
from orgplane.oncall.zones import to_utc, zone_named

BERLIN = zone_named("Europe/Berlin")
NEW_YORK = zone_named("America/New_York")
BUSINESS = Restriction(frozenset(range(5)), time(9), time(17))


def _utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _layers(kind: int) -> list[Layer]:
    weekly = Layer(("ana", "bo", "cy"), datetime(2025, 1, 6, 9), BERLIN, 1, TurnUnit.WEEKS)
    daily = Layer(("dee", "eli"), datetime(2025, 6, 1, 8), NEW_YORK, restrictions=(BUSINESS,))
    lone = Layer(("fay",), datetime(2024, 1, 1, 0), BERLIN, 12, TurnUnit.HOURS)
    return [[weekly], [weekly, daily], [lone], [lone, daily], [daily]][kind]


@settings(max_examples=150, deadline=None)
@given(
    kind=st.integers(0, 4),
    hours=st.integers(0, 24 * 500),
    overrides=st.lists(st.tuples(st.integers(0, 24 * 500), st.integers(1, 72)), max_size=4),
)
def test_holding_at_agrees_with_the_full_schedule(
    kind: int, hours: int, overrides: list[tuple[int, int]]
) -> None:
    layers = _layers(kind)
    base = _utc(2026, 1, 1)
    made = [
        Override(f"stand-in-{n}", base + timedelta(hours=h), base + timedelta(hours=h + length))
        for n, (h, length) in enumerate(overrides)
    ]
    at = base + timedelta(hours=hours, minutes=17)
    held = holding_at(layers, made, at)
    full = final_schedule(layers, made, at, at + HORIZON)
    first = full[0] if full else None
    if first is None or first.start > at:
        assert held.member is None
        assert held.until == (first.start if first else None)
        assert held.next == (first.member if first else None)
    else:
        assert (held.member, held.source) == (first.member, first.source)
        assert held.until == (None if first.end >= at + HORIZON else first.end)
        if held.until is not None and len(full) > 1 and full[1].start == first.end:
            assert held.next == full[1].member


def test_a_one_member_layer_holds_until_further_notice() -> None:
    held = holding_at(_layers(2), [], _utc(2030, 5, 5))
    assert (held.member, held.until) == ("fay", None)
    # One turn, however long the window: no work per handoff.
    assert len(shifts(_layers(2)[0], _utc(2026, 1, 1), _utc(2027, 1, 1))) == 1


def test_first_matching_finds_when_someone_is_next_on_and_how_long() -> None:
    layers = _layers(0)
    found = first_matching(layers, [], _utc(2026, 3, 3), lambda member: member == "cy")
    assert found is not None
    assert found.start.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 16, 9)
    assert found.end - found.start == timedelta(weeks=1)


def _naive_handoffs(layer: Layer, after: datetime, count: int) -> list[tuple[int, datetime]]:
    rule = rrulestr(layer.rrule or "", dtstart=layer.start)
    out: list[tuple[int, datetime]] = []
    for n, local in enumerate(rule):
        instant = to_utc(local, layer.zone)
        if instant > after:
            out.append((n, instant))
            if len(out) == count:
                break
    return out


@settings(max_examples=120, deadline=None)
@given(
    rule=st.sampled_from(
        [
            "FREQ=WEEKLY;BYDAY=MO,TH",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,21",
            "FREQ=HOURLY;INTERVAL=5",
            "FREQ=MONTHLY;BYMONTHDAY=1,15",  # not cyclic: counted from the start
        ]
    ),
    members=st.integers(2, 5),
    days=st.integers(0, 3 * 365),
)
def test_an_rrule_layer_gives_each_turn_to_the_member_its_count_says(
    rule: str, members: int, days: int
) -> None:
    layer = Layer(
        tuple(f"m{i}" for i in range(members)), datetime(2025, 2, 3, 9, 30), BERLIN, rrule=rule
    )
    at = _utc(2025, 2, 1) + timedelta(days=days, hours=7)
    expected = _naive_handoffs(layer, at, 3)
    found = [s for s in shifts(layer, at, expected[-1][1]) if s.start > at]
    assert [s.start for s in found] == [instant for _, instant in expected[:-1]]
    assert [s.member for s in found] == [f"m{n % members}" for n, _ in expected[:-1]]


def test_a_long_running_hourly_rrule_is_not_walked_from_its_start() -> None:
    layer = Layer(("a", "b", "c"), datetime(2000, 1, 3, 0, 0), BERLIN, rrule="FREQ=HOURLY")
    at = _utc(2026, 6, 1, 12)
    found = list(islice(shifts(layer, at, at + timedelta(hours=3)), 3))
    # An RRULE counts wall-clock hours (the rule runs on local times), 26 years of them.
    wall = at.astimezone(BERLIN).replace(tzinfo=None)
    hours = (wall - layer.start) // timedelta(hours=1)
    assert [shift.member for shift in found] == ["abc"[(hours + k) % 3] for k in range(3)]


def test_an_answer_near_the_last_supported_moment_does_not_overflow() -> None:
    at = datetime(9998, 12, 31, 23, tzinfo=UTC)
    held = holding_at(_layers(1), [], at)
    assert held.member is not None
    assert first_matching(_layers(0), [], at, lambda member: member == "nobody") is None
