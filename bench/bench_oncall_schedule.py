"""Benchmark: the final schedule of one rotation over a year.

Run from the repository root::

    uv run python bench/bench_oncall_schedule.py [--layers N] [--overrides N] [--repeat N]

Builds one GENERATED rotation in Europe/Berlin (so both DST transitions are in the
year): ``--layers`` layers of four members each, turning daily, weekly or every 12
hours in turn, every third one restricted to business hours or weekends, and
``--overrides`` overrides of one to three days spread over the year. Times
``final_schedule`` over the whole year (best of ``--repeat`` runs, ``time.perf_counter``)
and prints its segments and gaps; then the rotation's iCalendar feed over that year
(``exporters.ical.calendar_feed``: an event per segment in the rotation's zone, with its
VTIMEZONE), and ``holding_at`` (who holds it now and until when) at 1,000 moments of the
year. ``--compare`` also times the feed as icalendar's own writer makes it (each event
an ``icalendar.Event``, as ``exporters/ical.py`` did before it wrote the events' content
lines itself), interleaved with the feed, and checks both read back as the same events.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import UTC, datetime, time, timedelta

import icalendar

from orgplane.exporters.ical import PRODUCT, CalendarEvent, calendar_feed, event_uid
from orgplane.oncall import (
    Layer,
    Override,
    Restriction,
    TurnUnit,
    final_schedule,
    gaps,
    zone_named,
)
from orgplane.oncall.holding import holding_at

ZONE = zone_named("Europe/Berlin")
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
BUSINESS = Restriction(frozenset(range(5)), time(9), time(17))
WEEKENDS = Restriction(frozenset({5, 6}), time(0), time(0))


def rotation(layers: int, overrides: int, seed: int = 7) -> tuple[list[Layer], list[Override]]:
    """A generated rotation: ``layers`` layers and ``overrides`` overrides."""
    rng = random.Random(seed)
    turns = [(1, TurnUnit.DAYS), (1, TurnUnit.WEEKS), (12, TurnUnit.HOURS)]
    built = []
    for i in range(layers):
        turn, unit = turns[i % len(turns)]
        restrictions = () if i % 3 else ((BUSINESS,) if i % 2 else (WEEKENDS,))
        members = tuple(f"person-{i}-{m}" for m in range(4))
        start = datetime(2025, 12, 1 + i % 28, 9, 0)
        built.append(Layer(members, start, ZONE, turn, unit, restrictions=restrictions))
    made = []
    for n in range(overrides):
        opened = YEAR_START + timedelta(hours=rng.randrange(0, 364 * 24))
        made.append(Override(f"stand-in-{n}", opened, opened + timedelta(days=rng.randint(1, 3))))
    return built, made


def icalendar_feed(name: str, events: list[CalendarEvent], stamp: datetime) -> bytes:
    """The feed as icalendar's writer makes it: the code before the change, for the
    comparison."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(timedelta(hours=1)))
    for item in sorted(events, key=lambda e: (e.start, e.uid)):
        zone = zone_named(item.timezone)
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(zone))
        event.add("dtend", item.end.astimezone(zone))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    first = min(e.start for e in events).date() - timedelta(days=1)
    last = max(e.end for e in events).date() + timedelta(days=1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    feed: bytes = calendar.to_ical()
    return feed


def read_back(feed: bytes) -> list[tuple[str, float, float, str, str]]:
    """Each event as a calendar application reads it."""
    seen = []
    for event in icalendar.Calendar.from_ical(feed).walk("VEVENT"):
        assert isinstance(event, icalendar.Event)
        start, end = event.start, event.end
        assert isinstance(start, datetime)
        assert isinstance(end, datetime)
        summary, description = str(event["SUMMARY"]), str(event.get("DESCRIPTION", ""))
        seen.append((str(event["UID"]), start.timestamp(), end.timestamp(), summary, description))
    return sorted(seen)


def feed_events(layers: list[Layer], overrides: list[Override]) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            event_uid("GEN", "bench", s.start.isoformat()),
            f"{s.member} on call",
            s.start,
            s.end,
            "Europe/Berlin",
            s.source,
        )
        for s in final_schedule(layers, overrides, YEAR_START, YEAR_END)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--overrides", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best counts")
    parser.add_argument(
        "--compare", action="store_true", help="time icalendar's own writer too, interleaved"
    )
    args = parser.parse_args(argv)
    layers, overrides = rotation(args.layers, args.overrides)
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        started = clock.perf_counter()
        segments = final_schedule(layers, overrides, YEAR_START, YEAR_END)
        best = min(best, clock.perf_counter() - started)
    holes = gaps(segments, YEAR_START, YEAR_END)
    feed_best, size = float("inf"), 0
    written_best, before_best = float("inf"), float("inf")
    events = feed_events(layers, overrides)
    for _ in range(max(1, args.repeat)):
        started = clock.perf_counter()
        feed = calendar_feed("bench", feed_events(layers, overrides), stamp=YEAR_START)
        feed_best = min(feed_best, clock.perf_counter() - started)
        size = len(feed)
        if args.compare:  # the writers alone, on the same events, one after the other
            started = clock.perf_counter()
            calendar_feed("bench", events, stamp=YEAR_START)
            written_best = min(written_best, clock.perf_counter() - started)
            started = clock.perf_counter()
            before = icalendar_feed("bench", events, YEAR_START)
            before_best = min(before_best, clock.perf_counter() - started)
    if args.compare and read_back(feed) != read_back(before):
        raise SystemExit("the two feeds do not read back as the same events")
    moments = [YEAR_START + (YEAR_END - YEAR_START) * i / 1000 for i in range(1000)]
    started = clock.perf_counter()
    for moment in moments:
        holding_at(layers, overrides, moment)
    per_now = (clock.perf_counter() - started) / len(moments)
    print(
        f"GENERATED rotation: {args.layers} layers, {args.overrides} overrides, one year "
        f"(Europe/Berlin): {len(segments):,} segments, {len(holes)} gaps; "
        f"final_schedule best of {max(1, args.repeat)}: {best * 1000:.1f} ms; "
        f"iCalendar feed of the year (schedule included, {size / 1024:.0f} KiB): "
        f"{feed_best * 1000:.1f} ms; holding_at (who now, until when): "
        f"{per_now * 1e6:.0f} µs per moment"
    )
    if args.compare:
        print(
            f"writing the {len(events)} events alone: {written_best * 1000:.1f} ms; with "
            f"icalendar's own writer (before): {before_best * 1000:.1f} ms; "
            f"now ÷ before: {written_best / before_best:.2f}× (both read back the same)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
