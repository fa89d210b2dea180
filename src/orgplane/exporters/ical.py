"""On-call schedules as iCalendar feeds (RFC 5545), for calendar applications.

Imports ``oncall`` and icalendar. A feed holds one VEVENT per stretch someone is on
call, in the rotation's own time zone (``DTSTART;TZID=Europe/Berlin:…``) so that a
calendar shows 09:00 handoffs at 09:00 on both sides of a DST change, and one VTIMEZONE
per zone used, covering the feed's stretch of time. Each event's UID is derived from
what it is (org, rotation, tier, start), so a calendar that fetches the feed again
updates its events instead of adding copies. DTSTAMP is the moment the caller gives
(the feed's data version), never the clock, so the same data gives the same bytes.

icalendar writes the calendar's own properties and its VTIMEZONE components (the part
that is easy to get wrong: transitions and offsets from ``zoneinfo``). The events, a
few hundred to thousands of them with the same eight properties, are written here as
content lines (``_event_lines``): icalendar builds a property object, a parameter
dictionary and a folded line for each value, which took most of a year's feed time.
Text is escaped as RFC 5545 section 3.3.11 says and lines are folded at 75 octets,
never inside a UTF-8 character nor between a backslash and the character it escapes;
tests parse every feed back with icalendar and recurring-ical-events.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration
from icalendar.timezone.tzid import is_utc

from orgplane.oncall.zones import zone_named

__all__ = ["CalendarEvent", "calendar_feed", "escape_text", "event_uid", "fold_line"]

PRODUCT = "-//orgplane//on-call//EN"
#: The longest a content line may be, in octets, without its CRLF (RFC 5545 3.1).
LINE_OCTETS = 75
_FOLD = b"\r\n "
# Control characters other than HTAB have no place in a TEXT value (RFC 5545 3.3.11);
# line breaks are escaped as \n before this runs.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """``summary`` from ``start`` until ``end`` (aware instants), shown in ``timezone``
    (an IANA name); ``uid`` stays the same for the same stretch of on-call."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    timezone: str
    description: str = ""
    categories: tuple[str, ...] = ()


def event_uid(*parts: str) -> str:
    """A stable UID from what an event is (org, rotation, tier, start …)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f"{digest}@orgplane"


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 writes it: backslash, semicolon and comma escaped, each
    line break (CRLF, LF or CR) as ``\\n``, other control characters left out."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold_line(line: str) -> bytes:
    """One content line as UTF-8, folded (CRLF and a space) so that no line is longer
    than 75 octets; a fold never splits a character's bytes, nor an escape."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data
    pieces = []
    start, room = 0, LINE_OCTETS
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: not here
            end -= 1
        backslashes = len(data[start:end]) - len(data[start:end].rstrip(b"\\"))
        if backslashes % 2:  # the last one begins an escape: keep it with its letter
            end -= 1
        pieces.append(data[start:end])
        start, room = end, LINE_OCTETS - 1  # a continuation line begins with the space
    pieces.append(data[start:])
    return _FOLD.join(pieces)


@cache
def _zone(name: str) -> tuple[ZoneInfo, bool]:
    zone = zone_named(name)
    return zone, is_utc(zone)


def _stamp(moment: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 (half an f-string's time)
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


def _when(name: str, moment: datetime, zone: ZoneInfo, utc: bool) -> str:
    if not utc:
        local = moment.astimezone(zone)
        # A local time in the hour a fall-back repeats means its first occurrence (RFC
        # 5545 3.3.5): an instant in the second one is written in UTC instead.
        if not local.fold or local.replace(fold=0).utcoffset() == local.utcoffset():
            return f"{name};TZID={zone.key}:{_stamp(local)}"
    return f"{name}:{_stamp(moment.astimezone(UTC))}Z"


def _event_lines(item: CalendarEvent, dtstamp: str) -> list[str]:
    zone, utc = _zone(item.timezone)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(item.uid)}",
        dtstamp,
        _when("DTSTART", item.start, zone, utc),
        _when("DTEND", item.end, zone, utc),
        f"SUMMARY:{escape_text(item.summary)}",
    ]
    if item.description:
        lines.append(f"DESCRIPTION:{escape_text(item.description)}")
    if item.categories:
        lines.append(f"CATEGORIES:{','.join(escape_text(c) for c in item.categories)}")
    lines.append("TRANSP:TRANSPARENT")  # on call is not busy
    lines.append("END:VEVENT")
    return lines


def calendar_feed(
    name: str,
    events: Iterable[CalendarEvent],
    *,
    stamp: datetime,
    description: str = "",
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """An iCalendar feed named ``name`` holding ``events``, each stamped ``stamp``.
    Refreshed by calendar applications every ``refresh`` (a hint they may honour)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    made: Sequence[CalendarEvent] = sorted(events, key=lambda e: (e.start, e.uid))
    if made:
        first = min(e.start for e in made).date() - timedelta(days=1)
        last = max(e.end for e in made).date() + timedelta(days=1)
        for zone_name in sorted({e.timezone for e in made}):
            zone, utc = _zone(zone_name)
            if not utc:
                calendar.add_component(
                    Timezone.from_tzid(zone.key, first_date=first, last_date=last)
                )
    head: bytes = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    dtstamp = _when("DTSTAMP", stamp, *_zone("UTC")) if stamp.tzinfo else f"DTSTAMP:{_stamp(stamp)}"
    lines = [fold_line(line) for item in made for line in _event_lines(item, dtstamp)]
    lines.append(end)
    return head[: -len(end)] + b"\r\n".join(lines)
