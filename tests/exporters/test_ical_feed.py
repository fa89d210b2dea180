"""The iCalendar writer (``exporters/ical.py``): its events are written as content lines
by orgplane, so every feed is read back the way calendar applications read it —
icalendar parses it and recurring-ical-events expands it — and must give the same events
that icalendar's own writer gives, with RFC 5545's escaping and 75-octet folding."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from orgplane.exporters.ical import CalendarEvent, calendar_feed, escape_text, fold_line
from orgplane.oncall import Layer, Override, Restriction, TurnUnit, final_schedule, zone_named

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def _year_of_berlin() -> list[CalendarEvent]:
    """A rotation's year in Europe/Berlin (both DST changes): three layers, one restricted
    to business hours, and overrides."""
    zone = zone_named("Europe/Berlin")
    business = Restriction(frozenset(range(5)), time(9), time(17))
    layers = [
        Layer(("ana", "bo", "cy"), datetime(2025, 12, 1, 9), zone, 1, TurnUnit.WEEKS),
        Layer(("dee", "eli"), datetime(2025, 12, 2, 9), zone, 1, TurnUnit.DAYS),
        Layer(
            ("fay",), datetime(2025, 12, 3, 0), zone, 12, TurnUnit.HOURS, restrictions=(business,)
        ),
    ]
    rng = random.Random(3)
    overrides = []
    for n in range(30):
        start = YEAR[0] + timedelta(hours=rng.randrange(0, 360 * 24))
        overrides.append(Override(f"stand-in-{n}", start, start + timedelta(hours=30)))
    return [
        CalendarEvent(
            uid=f"{segment.start.timestamp():.0f}@orgplane",
            summary=f"SRE on call: {segment.member} (primary)",
            start=segment.start,
            end=segment.end,
            timezone="Europe/Berlin",
            description=f"{segment.source}; handoff, then the next one",
            categories=("on call", "primary"),
        )
        for segment in final_schedule(layers, overrides, *YEAR)
    ]


def _written_by_icalendar(events: list[CalendarEvent]) -> bytes:
    """The same feed as icalendar's own writer makes it (the reference)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//reference//EN")
    calendar.add("version", "2.0")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", STAMP)
        event.add("dtstart", item.start.astimezone(zone_named(item.timezone)))
        event.add("dtend", item.end.astimezone(zone_named(item.timezone)))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(2025, 12, 1), last_date=date(2027, 1, 2))
    written: bytes = calendar.to_ical()
    return written


def _events(feed: bytes) -> list[dict[str, Any]]:
    """What a calendar application sees of each event, sorted by start."""
    calendar = icalendar.Calendar.from_ical(feed)
    seen = []
    for event in calendar.walk("VEVENT"):
        assert isinstance(event, icalendar.Event)
        start, end = event.start, event.end
        assert isinstance(start, datetime)
        assert isinstance(end, datetime)
        categories = event.get("CATEGORIES")
        seen.append(
            {
                "uid": str(event["UID"]),
                "start": start,
                "zone": str(start.tzinfo),
                "end": end,
                "end_zone": str(end.tzinfo),
                "summary": str(event["SUMMARY"]),
                "description": str(event.get("DESCRIPTION", "")),
                "categories": [str(c) for c in categories.cats] if categories else [],
                "transp": str(event["TRANSP"]),
            }
        )
    return sorted(seen, key=lambda e: (e["start"], e["uid"]))


def _physical_lines(feed: bytes) -> list[bytes]:
    assert feed.endswith(b"\r\n")
    return feed[:-2].split(b"\r\n")


def test_a_year_of_a_rotation_reads_back_as_the_same_events_icalendar_writes() -> None:
    events = _year_of_berlin()
    assert len(events) > 300
    feed = calendar_feed("SRE on call", events, stamp=STAMP)
    ours, theirs = _events(feed), _events(_written_by_icalendar(events))
    assert ours == theirs
    assert [e["start"] for e in ours] == sorted(e.start for e in events)
    assert {e["zone"] for e in ours} == {"Europe/Berlin"}
    # Local handoffs at 09:00 on both sides of each DST change.
    weekly = [e["start"] for e in ours if e["start"].time() == time(9)]
    assert {start.utcoffset() for start in weekly} == {timedelta(hours=1), timedelta(hours=2)}


def test_recurring_ical_events_expands_the_feed_to_the_same_instants() -> None:
    events = _year_of_berlin()
    calendar = icalendar.Calendar.from_ical(calendar_feed("SRE", events, stamp=STAMP))
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    shown = recurring_ical_events.of(calendar).between(date(2026, 3, 23), date(2026, 4, 7))
    expected = [
        e
        for e in events
        if e.end > datetime(2026, 3, 22, 23, tzinfo=UTC)
        and e.start < datetime(2026, 4, 6, 22, tzinfo=UTC)
    ]
    assert sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in shown) == [
        (e.start, e.end) for e in expected
    ]


def test_every_line_fits_75_octets_and_holds_whole_characters() -> None:
    long_name = "Zoë Øster-Łukasiewicz 😀, «on call»; back\\slash " * 6
    event = CalendarEvent(
        "u@orgplane", long_name, YEAR[0], YEAR[0] + timedelta(days=1), "Europe/Berlin"
    )
    feed = calendar_feed("n", [event], stamp=STAMP)
    for line in _physical_lines(feed):
        assert len(line) <= 75
        line.decode()  # no character cut in two
    (seen,) = _events(feed)
    assert seen["summary"] == long_name


def test_folding_starts_at_76_octets_and_keeps_an_escape_whole() -> None:
    assert fold_line("X" * 75) == b"X" * 75
    assert fold_line("X" * 76) == b"X" * 75 + b"\r\n X"
    # A two-octet character that would straddle the 75th octet moves to the next line.
    assert fold_line("X" * 74 + "é") == b"X" * 74 + b"\r\n " + "é".encode()
    # "\," must not be split after its backslash; "\\" before it is a whole escape.
    assert fold_line("X" * 74 + "\\,") == b"X" * 74 + b"\r\n \\,"
    assert fold_line("X" * 73 + "\\\\,") == b"X" * 73 + b"\\\\" + b"\r\n ,"
    assert fold_line("X" * 200).replace(b"\r\n ", b"") == b"X" * 200


def test_text_is_escaped_as_rfc_5545_says() -> None:
    assert escape_text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert escape_text("one\r\ntwo\nthree\rfour") == "one\\ntwo\\nthree\\nfour"
    assert escape_text("tab\tbell\x07null\x00") == "tab\tbellnull"


def test_utc_events_are_written_in_utc_without_a_vtimezone() -> None:
    start = datetime(2026, 3, 28, 8, tzinfo=UTC)
    events = [
        CalendarEvent("a@o", "in UTC", start, start + timedelta(hours=1), "UTC"),
        CalendarEvent("b@o", "in Etc/UTC", start, start + timedelta(hours=1), "Etc/UTC"),
        CalendarEvent("c@o", "in New York", start, start + timedelta(hours=1), "America/New_York"),
    ]
    feed = calendar_feed("n", events, stamp=STAMP)
    lines = _physical_lines(feed)
    assert lines.count(b"DTSTART:20260328T080000Z") == 2
    assert b"DTSTART;TZID=America/New_York:20260328T040000" in lines
    calendar = icalendar.Calendar.from_ical(feed)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert [e["start"] for e in _events(feed)] == [start] * 3


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=300,
)


def _as_read_back(text: str) -> str:
    """What a TEXT value is after the trip: line breaks as LF, control characters out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))


def test_an_instant_in_the_repeated_hour_of_a_fall_back_keeps_its_place() -> None:
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, an hour later
    events = [
        CalendarEvent("a@o", "first", first, first + timedelta(minutes=30), "Europe/Berlin"),
        CalendarEvent("b@o", "second", second, second + timedelta(hours=1), "Europe/Berlin"),
    ]
    lines = _physical_lines(calendar_feed("n", events, stamp=STAMP))
    assert b"DTSTART;TZID=Europe/Berlin:20261025T023000" in lines
    assert b"DTSTART:20261025T013000Z" in lines
    seen = _events(calendar_feed("n", events, stamp=STAMP))
    # Instants in the repeated hour never compare equal across zones (PEP 495).
    assert [(e["start"].timestamp(), e["end"].timestamp()) for e in seen] == [
        (first.timestamp(), first.timestamp() + 1800),
        (second.timestamp(), second.timestamp() + 3600),
    ]


@settings(max_examples=200, deadline=None)
@given(
    summary=_TEXT,
    description=_TEXT,
    categories=st.lists(_TEXT.filter(bool), max_size=3),
    minutes=st.integers(min_value=0, max_value=4 * 60),
)
def test_any_text_reads_back_as_written(
    summary: str, description: str, categories: list[str], minutes: int
) -> None:
    # Around the night Berlin falls back, 00:00 to 04:00 UTC.
    start = datetime(2026, 10, 25, tzinfo=UTC) + timedelta(minutes=minutes)
    event = CalendarEvent(
        "uid-1@orgplane",
        summary,
        start,
        start + timedelta(hours=2),
        "Europe/Berlin",
        description,
        tuple(categories),
    )
    feed = calendar_feed("n", [event], stamp=STAMP)
    for line in _physical_lines(feed):
        assert len(line) <= 75
        line.decode()
    (seen,) = _events(feed)
    assert seen["summary"] == _as_read_back(summary)
    assert seen["description"] == _as_read_back(description)
    assert (seen["start"].timestamp(), seen["end"].timestamp()) == (
        start.timestamp(),
        start.timestamp() + 7200,
    )
    if categories and all(_as_read_back(c) for c in categories):
        assert seen["categories"] == [_as_read_back(c) for c in categories]
