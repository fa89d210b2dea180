"""On-call calendar feeds: iCalendar a calendar application opens (it parses back, its
events expand with their time zones), local handoff times kept across DST, and a token
in the URL for applications that cannot send headers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from anyio.from_thread import BlockingPortal

from tests.api.conftest import Server, assert_problem, serving, settings_with
from tests.api.test_oncall import set_clock
from tests.oncall_spec import apply_oncall_spec, sqlite_url

FEED = "/api/orgs/ACME/rotations/sre/calendar.ics"
BERLIN = "Europe/Berlin"


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory, portal: BlockingPortal) -> Iterator[Server]:
    url = sqlite_url(tmp_path_factory.mktemp("calendars"))
    apply_oncall_spec(url)
    with serving("sqlite", url, portal) as server:
        set_clock(server, lambda: datetime(2026, 3, 20, 12, tzinfo=UTC))
        yield server


def _calendar(server: Server, path: str, **params: str) -> icalendar.Calendar:
    response = server.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_a_rotation_feed_opens_in_a_calendar_and_keeps_local_handoffs_across_dst(
    acme: Server,
) -> None:
    calendar = _calendar(acme, FEED)
    assert calendar["X-WR-CALNAME"] == "SRE on call (on call)"
    zones = [tz["TZID"] for tz in calendar.walk("VTIMEZONE")]
    assert zones == [BERLIN]
    # What a calendar application shows for the days around the 29 March change.
    shown = recurring_ical_events.of(calendar).between(date(2026, 3, 23), date(2026, 4, 7))
    weekly = [
        e for e in shown if "(primary)" in str(e["SUMMARY"]) and "layer 1" in str(e["DESCRIPTION"])
    ]
    starts = [e["DTSTART"].dt for e in weekly]
    assert all(str(start.tzinfo) == BERLIN for start in starts)
    mondays = [start for start in starts if start.weekday() == 0]
    # Handoffs at 09:00 local (and the weekday layer back at 00:00 after the weekend's).
    assert {start.time() for start in mondays} == {time(0, 0), time(9, 0)}
    handoffs = [start for start in mondays if start.time() == time(9, 0)]
    offsets = {start.utcoffset().total_seconds() / 3600 for start in handoffs}
    assert offsets == {1.0, 2.0}  # CET before the change, CEST after
    # Events name people by name, and say who holds a role.
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert "SRE on call: Bo Berg (primary)" in summaries
    assert "SRE on call: Cy Chen (secondary)" in summaries


def test_every_event_has_a_stable_uid_and_the_feed_is_the_same_for_the_same_data(
    acme: Server,
) -> None:
    first = acme.client.get(FEED).content
    second = acme.client.get(FEED).content
    assert first == second
    events = icalendar.Calendar.from_ical(first).walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    assert all(e.get("DTSTAMP") is not None for e in events)


def test_a_person_feed_holds_only_their_stints(acme: Server) -> None:
    calendar = _calendar(acme, "/api/orgs/ACME/people/dee/oncall.ics")
    events = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    assert events
    assert all("Dee" in str(e["SUMMARY"]) or "dee" in str(e["SUMMARY"]) for e in events)
    assert all(e.start.weekday() == 5 for e in events)  # the weekend layer
    assert_problem(acme.client.get("/api/orgs/ACME/people/nobody/oncall.ics"), 404)


def test_a_feed_takes_a_read_token_in_the_url_and_refuses_a_wrong_one(acme: Server) -> None:
    closed = acme.with_settings(settings_with(open_reads=False))
    assert_problem(closed.get(FEED), 401)
    assert_problem(closed.get(FEED, params={"token": "orgp_nope_nope"}), 401)
    assert_problem(closed.get(FEED, params={"token": "not a token"}), 401)
    response = closed.get(FEED, params={"token": acme.tokens["viewer"]})
    assert response.status_code == 200
    icalendar.Calendar.from_ical(response.content)
    assert_problem(
        closed.get(
            "/api/orgs/ACME/rotations/nope/calendar.ics", params={"token": acme.tokens["viewer"]}
        ),
        404,
    )
