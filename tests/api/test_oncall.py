"""The on-call API: who is on call for a rotation, group, catalog entry, person or role;
the rotations; a rotation's schedule; the on-call people in "who to contact"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from orgplane.settings import get_settings
from orgplane.web import create_app
from tests.api.conftest import Server, assert_problem, serving
from tests.conftest import BACKENDS
from tests.db import PostgresServer
from tests.oncall_spec import apply_oncall_spec, sqlite_url
from tests.paging.engine_kit import apply_org

NOW = "/api/orgs/ACME/oncall/now"


@pytest.fixture(scope="module", params=BACKENDS)
def acme(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    portal: BlockingPortal,
) -> Iterator[Server]:
    backend: str = request.param
    if backend == "sqlite":
        url = sqlite_url(tmp_path_factory.mktemp("acme"))
        apply_oncall_spec(url)
        with serving(backend, url, portal) as server:
            yield server
        return
    postgres: PostgresServer = request.getfixturevalue("postgres")
    name = postgres.create_database()
    try:
        apply_oncall_spec(postgres.url(name))
        with serving(backend, postgres.url(name), portal) as server:
            yield server
    finally:
        postgres.drop_database(name)


def set_clock(server: Server, clock: Callable[[], datetime]) -> None:
    """Give the server a fake clock (the clock seam of its context and kept answers)."""
    context = server.app.state.orgplane
    object.__setattr__(context, "clock", clock)
    context.answers.clock = clock


def now(server: Server, target: str, at: str | None = None) -> dict[str, Any]:
    params = {"target": target, **({"at": at} if at else {})}
    response = server.client.get(NOW, params=params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_now_for_a_rotation_names_people_until_when_and_the_ladder(acme: Server) -> None:
    answer = now(acme, "sre", "2026-03-10T08:00:00Z")
    assert answer["kind"] == "rotation"
    assert answer["rotation"] == {
        "id": "sre",
        "name": "SRE on call",
        "timezone": "Europe/Berlin",
        "group": "OPS",
    }
    primary = answer["primary"]
    assert primary["who"]["people"] == [
        {"id": "bo", "name": "Bo Berg", "email": None, "chat": "@bo"}
    ]
    # The weekend layer takes over at Saturday 00:00 Berlin.
    assert primary["until"] == "2026-03-13T23:00:00Z"
    assert primary["next"]["name"] == "dee"
    assert answer["secondary"]["who"]["name"] == "cy"
    assert answer["secondary"]["until"] is None
    ladder = answer["escalation"]
    assert [rung["after_minutes"] for rung in ladder] == [0, 15]
    assert ladder[1]["to"]["kind"] == "role"
    assert [p["id"] for p in ladder[1]["to"]["people"]] == ["ana"]  # she holds the role
    assert answer["how"] == "rotation sre"
    assert answer["changes_at"] == "2026-03-13T23:00:00Z"


@pytest.mark.parametrize(
    ("target", "how"),
    [
        ("OPS/DB", "OPS/DB has no rotation; the one of OPS, above it"),
        ("DB", "OPS/DB has no rotation; the one of OPS, above it"),
        ("PostgreSQL", "PostgreSQL is owned by OPS/DB; OPS/DB has no rotation; the one of OPS"),
        ("postgres", "PostgreSQL is owned by OPS/DB;"),
    ],
)
def test_now_for_a_group_or_catalog_entry_says_how_it_found_the_rotation(
    acme: Server, target: str, how: str
) -> None:
    answer = now(acme, target, "2026-03-04T13:00:00Z")
    assert how in answer["how"]
    assert answer["primary"]["who"]["name"] == "cy"
    assert answer["primary"]["source"] == "override"


def test_a_role_nobody_holds_is_named_as_the_role(acme: Server) -> None:
    answer = now(acme, "NET", "2026-03-04T13:00:00Z")
    assert answer["rotation"]["id"] == "net"
    who = answer["primary"]["who"]
    assert (who["name"], who["kind"], who["people"]) == ("Network Engineer", "role", [])
    assert who["text"] == "Network Engineer (role; no person holds it)"


def test_now_for_a_person_says_when_they_are_next_on(acme: Server) -> None:
    answer = now(acme, "dee", "2026-03-10T08:00:00Z")
    assert answer["kind"] == "holder"
    assert answer["holder"]["people"][0]["name"] == "Dee Diaz"
    (stint,) = answer["on_call"]
    assert (stint["rotation"]["id"], stint["tier"], stint["now"]) == ("sre", "primary", False)
    assert stint["start"] == "2026-03-13T23:00:00Z"
    assert stint["end"] == "2026-03-15T23:00:00Z"
    role = now(acme, "Database Administrator", "2026-03-10T08:00:00Z")
    assert role["holder"]["kind"] == "role"


def test_bad_questions_are_problems(acme: Server) -> None:
    missing = assert_problem(acme.client.get(NOW, params={"target": "nope"}), 404)
    assert "neither a rotation, a group, a catalog entry, a person nor a role" in missing["detail"]
    naive = assert_problem(
        acme.client.get(NOW, params={"target": "sre", "at": "2026-03-10T08:00"}), 422
    )
    assert "offset" in naive["detail"]
    assert_problem(acme.client.get("/api/orgs/NOPE/oncall/now", params={"target": "x"}), 404)


def test_now_without_at_follows_the_clock_and_keeps_its_answer_until_the_handoff(
    acme: Server,
) -> None:
    clock = [datetime(2026, 3, 10, 8, tzinfo=UTC)]
    set_clock(acme, lambda: clock[0])
    try:
        first = now(acme, "sre")
        assert first["at"] is None
        assert first["primary"]["who"]["name"] == "bo"
        clock[0] += timedelta(hours=1)
        assert now(acme, "sre") == first  # kept: nothing changed
        clock[0] = datetime(2026, 3, 14, 10, tzinfo=UTC)  # past the handoff
        later = now(acme, "sre")
        assert later["primary"]["who"]["name"] == "dee"
    finally:
        set_clock(acme, lambda: datetime.now(UTC))


def test_rotations_are_listed_by_id_with_cursors(acme: Server) -> None:
    first = acme.client.get("/api/orgs/ACME/rotations", params={"limit": 1}).json()
    assert [item["id"] for item in first["items"]] == ["net"]
    assert first["items"][0]["group_path"] == "OPS/NET"
    second = acme.client.get(
        "/api/orgs/ACME/rotations", params={"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [item["id"] for item in second["items"]] == ["sre"]
    assert second["items"][0]["layers"] == 2
    assert second["next_cursor"] is None
    detail = acme.client.get("/api/orgs/ACME/rotations/sre").json()
    assert [layer["name"] for layer in detail["layers"]] == ["weekly", "weekends"]
    assert detail["layers"][0]["members"][0]["people"][0]["email"] == "ana@example.org"
    assert detail["overrides"][0]["person"] == "cy"
    assert_problem(acme.client.get("/api/orgs/ACME/rotations/nope"), 404)


def test_the_schedule_keeps_local_handoffs_through_dst(acme: Server) -> None:
    response = acme.client.get(
        "/api/orgs/ACME/rotations/sre/schedule",
        params={"from": "2026-03-23T00:00:00Z", "to": "2026-04-06T12:00:00Z"},
    )
    assert response.status_code == 200, response.text
    schedule = response.json()
    weekly = schedule["layers"][0]
    assert weekly["name"] == "weekly"
    starts = [segment["start"] for segment in weekly["segments"]]
    assert "2026-03-23T08:00:00Z" in starts  # 09:00 CET
    assert "2026-03-30T07:00:00Z" in starts  # 09:00 CEST
    weekend = {(s["start"], s["who"]) for s in schedule["segments"] if s["source"] == "layer 2"}
    assert ("2026-03-27T23:00:00Z", "dee") in weekend
    assert schedule["gaps"] == []
    assert {h["name"] for h in schedule["holders"]} >= {"ana", "bo", "dee", "cy"}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "2026-03-23T00:00:00Z", "to": "2027-06-01T00:00:00Z"}, "at most 366 days"),
        ({"from": "2026-03-23T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "after from"),
        ({"from": "2026-03-23T00:00:00"}, "offset"),
    ],
)
def test_a_schedule_range_out_of_bounds_is_a_422_problem(
    acme: Server, params: dict[str, str], words: str
) -> None:
    body = assert_problem(
        acme.client.get("/api/orgs/ACME/rotations/sre/schedule", params=params), 422
    )
    assert words in body["detail"]


def test_who_to_contact_includes_who_is_on_call_now(acme: Server) -> None:
    set_clock(acme, lambda: datetime(2026, 3, 10, 8, tzinfo=UTC))
    try:
        contact = acme.client.get(
            "/api/orgs/ACME/lookups/contact", params={"group": "OPS/DB"}
        ).json()
    finally:
        set_clock(acme, lambda: datetime.now(UTC))
    assert {c["id"] for c in contact["contacts"]} == {"ana", "bo"}
    on_call = {(c["id"], c["tier"]) for c in contact["on_call"]}
    assert on_call == {("bo", "primary"), ("cy", "secondary")}
    assert contact["on_call_how"] == "OPS/DB has no rotation; the one of OPS, above it"


def test_the_openapi_document_lists_the_on_call_routes(acme: Server) -> None:
    paths = acme.client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/orgs/{org}/oncall/now",
        "/api/orgs/{org}/rotations",
        "/api/orgs/{org}/rotations/{rotation}",
        "/api/orgs/{org}/rotations/{rotation}/schedule",
    ):
        assert path in paths


def test_a_runtime_override_counts_in_every_answer(acme: Server) -> None:
    from sqlalchemy.orm import Session

    from orgplane.store import begin_write, overrides

    at = "2026-03-11T08:00:00Z"
    assert now(acme, "sre", at)["primary"]["who"]["name"] == "bo"
    with Session(acme.engine) as session:
        begin_write(session)
        made = overrides.insert_override(
            session,
            org_code="ACME",
            rotation_id="sre",
            person_id="dee",
            start_at=datetime(2026, 3, 11, 6, tzinfo=UTC),
            end_at=datetime(2026, 3, 11, 18, tzinfo=UTC),
            note="swap",
            created_at=datetime(2026, 3, 1, tzinfo=UTC),
            created_by="tests",
        )
        session.commit()
    try:
        answer = now(acme, "sre", at)  # the kept answer went with the data it came from
        assert (answer["primary"]["who"]["name"], answer["primary"]["source"]) == (
            "dee",
            "override",
        )
        assert answer["primary"]["until"] == "2026-03-11T18:00:00Z"
        schedule = acme.client.get(
            "/api/orgs/ACME/rotations/sre/schedule",
            params={"from": "2026-03-11T00:00:00Z", "to": "2026-03-12T00:00:00Z"},
        ).json()
        assert {
            "person": "dee",
            "start": "2026-03-11T06:00:00Z",
            "end": "2026-03-11T18:00:00Z",
            "note": "",
        } in schedule["overrides"]
    finally:
        with Session(acme.engine) as session:
            begin_write(session)
            overrides.cancel_override(
                session, made.id, at=datetime(2026, 3, 2, tzinfo=UTC), by="tests"
            )
            session.commit()
    assert now(acme, "sre", at)["primary"]["who"]["name"] == "bo"


def test_the_clock_rules_run_at_the_moment_asked_and_never_change_what_an_apply_stored(
    acme: Server,
) -> None:
    stored = acme.client.get("/api/orgs/ACME/findings", params={"limit": 500}).json()["items"]
    assert not {f["code"] for f in stored} & {"OP119", "OP120", "OP121"}
    found = acme.client.get(
        "/api/orgs/ACME/oncall/findings", params={"at": "2026-03-02T00:00:00Z"}
    ).json()
    assert found["weeks"] == 4
    codes = {(f["code"], f["group"]) for f in found["findings"]}
    # Before the weekly layer's first handoff nobody holds sre (an unheld role is OP118's).
    assert ("OP119", "sre") in codes
    assert ("OP119", "net") not in codes
    # The policy asks 2 people on department rotations: sre (OPS) has ana, bo, dee, cy.
    assert ("OP120", "sre") not in codes
    later = acme.client.get(
        "/api/orgs/ACME/oncall/findings", params={"at": "2026-06-01T00:00:00Z", "weeks": 2}
    ).json()
    assert ("OP119", "sre") not in {(f["code"], f["group"]) for f in later["findings"]}
    assert_problem(acme.client.get("/api/orgs/ACME/oncall/findings", params={"weeks": 99}), 422)


def test_now_names_the_escalation_policy_a_page_would_run(engine: Engine) -> None:
    apply_org(engine)  # OPS: rotation ops under the policy ops-ladder
    client = TestClient(create_app(get_settings({}), engine), base_url="http://127.0.0.1")
    answer = client.get("/api/orgs/OPS/oncall/now?target=ops&at=2026-03-02T10:00:00Z").json()
    assert answer["policy"] == "ops-ladder"
    assert [
        (rung["to"]["kind"], rung["to"]["text"], rung["after_minutes"], rung["until_minutes"])
        for rung in answer["escalation"]
    ] == [
        ("rotation", "rotation ops (primary)", 0, 15),
        ("rotation", "rotation ops (secondary)", 15, 30),
        ("owner", "Component Owner (the owner of the paged component)", 30, None),
    ]
