"""Wall-clock times as instants: a time in a DST gap moves to the first valid instant,
one in a fold takes its first occurrence, and every other time is itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orgplane.oncall.zones import UnknownZoneError, to_utc, zone_named

BERLIN = zone_named("Europe/Berlin")


def test_an_ordinary_time_is_itself() -> None:
    assert to_utc(datetime(2026, 7, 1, 9, 0), BERLIN) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert to_utc(datetime(2026, 1, 5, 9, 0), BERLIN) == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def test_a_time_in_the_spring_gap_is_the_transition() -> None:
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST, at 01:00 UTC.
    transition = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert to_utc(datetime(2026, 3, 29, 2, 0), BERLIN) == transition
    assert to_utc(datetime(2026, 3, 29, 2, 30), BERLIN) == transition
    assert to_utc(datetime(2026, 3, 29, 2, 59, 59), BERLIN) == transition
    assert to_utc(datetime(2026, 3, 29, 3, 0), BERLIN) == transition


def test_a_time_in_the_autumn_fold_is_its_first_occurrence() -> None:
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    assert to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_skipped_day_moves_to_the_transition() -> None:
    # Samoa skipped 2011-12-30 (UTC-10 to UTC+14) at 10:00 UTC on the 30th.
    apia = zone_named("Pacific/Apia")
    assert to_utc(datetime(2011, 12, 30, 12, 0), apia) == datetime(2011, 12, 30, 10, 0, tzinfo=UTC)


def test_an_unknown_zone_names_a_close_one() -> None:
    with pytest.raises(
        UnknownZoneError, match=r"unknown time zone 'Europe/Berln' .*'Europe/Berlin'"
    ):
        zone_named("Europe/Berln")


def test_an_aware_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 1, 1, tzinfo=UTC), BERLIN)


def test_later_wall_times_are_never_earlier_instants() -> None:
    wall = datetime(2026, 3, 29, 0, 0)
    previous = to_utc(wall, BERLIN)
    for _ in range(4 * 24 * 60):
        wall += timedelta(minutes=1)
        instant = to_utc(wall, BERLIN)
        assert instant >= previous
        previous = instant
