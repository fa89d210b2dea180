"""On-call schedules as iCalendar feeds (RFC 5545), for calendar applications.

Imports ``oncall`` and icalendar. A feed holds one VEVENT per stretch someone is on
call, in the rotation's own time zone (``DTSTART;TZID=Europe/Berlin:…``) so that a
calendar shows 09:00 handoffs at 09:00 on both sides of a DST change, and one VTIMEZONE
per zone used, covering the feed's stretch of time. Each event's UID is derived from
what it is (org, rotation, tier, start), so a calendar that fetches the feed again
updates its events instead of adding copies. DTSTAMP is the moment the caller gives
(the feed's data version), never the clock, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vDuration

from orgplane.oncall.zones import zone_named

__all__ = ["CalendarEvent", "calendar_feed", "event_uid"]

PRODUCT = "-//orgplane//on-call//EN"


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
    for item in made:
        zone = zone_named(item.timezone)
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", item.end.astimezone(zone))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")  # on call is not busy
        calendar.add_component(event)
    if made:
        first = min(e.start for e in made).date() - timedelta(days=1)
        last = max(e.end for e in made).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    feed: bytes = calendar.to_ical()
    return feed
