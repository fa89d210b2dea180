"""The hot reads — a group by code or path, who owns an entry, who to contact — answered
from the answers a server keeps (``api/snapshots.py``): the same body and ETag as a
fresh answer, never older than the database, whoever wrote to it, and never to a caller
the server would refuse."""

from __future__ import annotations

import re
import time
from collections.abc import Hashable
from pathlib import Path

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from orgplane.api.change_signals import change_signal
from orgplane.api.groups import KpiOut
from orgplane.api.snapshots import AnswerCache
from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.settings import get_settings
from orgplane.spec import load_spec_text
from orgplane.store import create_engine
from orgplane.store.tables import CatalogRow, GroupRow, PersonRow
from orgplane.web import create_app
from tests.api.conftest import DEV_SETTINGS, Server, assert_problem, client_for, elsewhere
from tests.small_specs import one_group_spec

HOT = [
    "/api/orgs/CIPO/groups/B-2",
    "/api/orgs/CIPO/groups/1B/B-2",
    "/api/orgs/DIT/lookups/owner?entry=airflow",
    "/api/orgs/DIT/lookups/owner?entry=kafka",
    "/api/orgs/DIT/lookups/contact?group=mlops-team",
]


def _answers(server: Server) -> AnswerCache:
    answers: AnswerCache = server.app.state.orgplane.answers
    return answers


def _seen(app: FastAPI, before: Hashable) -> None:
    """Wait until ``app`` has seen another process's write: its change signal is no longer
    ``before``. At once on SQLite; on PostgreSQL when the write's notice has come, a
    moment after its commit (``api/change_signals.py``)."""
    answers: AnswerCache = app.state.orgplane.answers
    deadline = time.monotonic() + 10
    while answers._signal.read() in (before, None):
        assert time.monotonic() < deadline, "the write was never seen"
        time.sleep(0.005)


def _marker(app: FastAPI) -> Hashable:
    answers: AnswerCache = app.state.orgplane.answers
    answers._signal.ready()  # starts listening on PostgreSQL
    return answers._signal.read()


@pytest.mark.parametrize("path", HOT)
def test_a_hot_read_is_kept_and_answered_as_built(served: Server, path: str) -> None:
    answers = _answers(served)
    first = served.client.get(path)
    assert first.status_code == 200, first.text
    # On PostgreSQL the signal is the whole server's: a background write there (an
    # autovacuum's ANALYZE) may drop the kept answers between two requests.
    hits = answers.hits
    repeats = [served.client.get(path) for _ in range(3)]
    assert answers.hits > hits
    for again in repeats:
        assert again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-type"] == "application/json"
    cached = served.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [
        (name, value) for name, value in response.headers.multi_items() if name != "x-request-id"
    ]


@pytest.mark.parametrize("path", HOT)
def test_a_kept_answer_is_sent_before_routing_exactly_as_the_app_sends_it(
    served: Server, path: str
) -> None:
    answers = _answers(served)
    made = served.client.get(path)  # made, or kept by an earlier test: through the app
    assert made.status_code == 200
    early = answers.early_hits
    again = served.client.get(path)
    if answers.early_hits == early:  # PostgreSQL: a background write dropped it
        again = served.client.get(path)
    assert answers.early_hits > early
    assert again.content == made.content
    assert _headers(again) == _headers(made)
    tag = made.headers["etag"]
    routed = served.client.get(path, headers={"If-None-Match": tag, "Authorization": ""})
    kept = served.client.get(path, headers={"If-None-Match": f'"x", {tag}'})
    assert kept.status_code == routed.status_code == 304
    assert kept.content == routed.content == b""
    assert _headers(kept) == _headers(routed)


def test_a_kept_answer_is_counted_under_its_route(served: Server) -> None:
    path = "/api/orgs/CIPO/groups/1B/B-2"
    for _ in range(3):
        assert served.client.get(path).status_code == 200
    metrics = served.client.get("/metrics").text
    counted = re.search(
        r'^orgplane_http_requests_total\{method="GET",route="/api/orgs/\{org\}/groups/\{ref\}",'
        r'status="200"\} (\d+)',
        metrics,
        re.MULTILINE,
    )
    assert counted is not None
    assert float(counted.group(1)) >= 3


def test_only_the_path_and_query_an_answer_was_made_for_get_it(served: Server) -> None:
    """Near misses of a kept request reach the app and get its own answers."""
    group = served.client.get("/api/orgs/CIPO/groups/1B/B-2")
    owner = served.client.get("/api/orgs/DIT/lookups/owner?entry=airflow")
    assert group.status_code == owner.status_code == 200
    others = {
        "/api/orgs/CIPO/groups/1B/B-2/dependencies": 200,
        "/api/orgs/CIPO/groups/1B/B-2/children": 200,
        "/api/orgs/DIT/lookups/owner?entry=airflow&entry=kafka": 200,
        "/api/orgs/DIT/lookups/owner?entry=": 422,
    }
    for path, status in others.items():
        answer = served.client.get(path)
        assert answer.status_code == status, (path, answer.text)
        assert answer.content != group.content
    assert isinstance(served.client.get("/api/orgs/CIPO/groups/1B/B-2/children").json(), list)
    head = served.client.head("/api/orgs/CIPO/groups/1B/B-2")
    assert head.content == b""
    assert_problem(
        served.client.get("/api/orgs/CIPO/groups/1B/B-2", headers={"Authorization": "Bearer no"}),
        401,
    )


def test_errors_are_never_kept(served: Server) -> None:
    answers = _answers(served)
    kept, misses = len(answers), answers.misses
    for _ in range(2):
        assert_problem(served.client.get("/api/orgs/CIPO/groups/9Z"), 404)
        assert_problem(served.client.get("/api/orgs/CIPO/groups/U-RE1"), 409)
        assert_problem(served.client.get("/api/orgs/NOPE/lookups/owner?entry=x"), 404)
        assert_problem(served.client.get("/api/orgs/DIT/lookups/contact?group=9Z"), 404)
    assert answers.misses == misses + 8
    assert len(answers) <= kept  # fewer when a write elsewhere dropped them all


def _write_elsewhere(url: str) -> None:
    """Rename group 1B/B-2, the airflow entry and the people of DIT, through a connection
    of another engine: what another server process would do."""
    with elsewhere(url) as connection:
        connection.execute(
            update(GroupRow)
            .where(GroupRow.org_code == "CIPO", GroupRow.path == "1B/B-2")
            .values(name="Renamed elsewhere")
        )
        connection.execute(
            update(CatalogRow)
            .where(CatalogRow.org_code == "DIT", CatalogRow.entry_id == "airflow")
            .values(name="Airflow, renamed")
        )
        connection.execute(
            update(PersonRow).where(PersonRow.org_code == "DIT").values(name="Someone Else")
        )


def test_a_write_by_another_process_is_seen_by_the_next_read(fresh: Server) -> None:
    before = {path: fresh.client.get(path) for path in HOT}
    for path in HOT:
        fresh.client.get(path)  # kept now
    marker = _marker(fresh.app)
    _write_elsewhere(fresh.url)
    _seen(fresh.app, marker)
    after = {path: fresh.client.get(path) for path in HOT}
    untouched = "/api/orgs/DIT/lookups/owner?entry=kafka"
    for path in HOT:
        assert after[path].status_code == 200
        old_tag = before[path].headers["etag"]
        if path == untouched:  # built again, from the same data: the same answer
            assert after[path].content == before[path].content
            assert after[path].headers["etag"] == old_tag
            continue
        assert after[path].headers["etag"] != old_tag, path
        stale = fresh.client.get(path, headers={"If-None-Match": old_tag})
        assert stale.status_code == 200, path
    assert after["/api/orgs/CIPO/groups/B-2"].json()["name"] == "Renamed elsewhere"
    entries = after["/api/orgs/DIT/lookups/owner?entry=airflow"].json()["entries"]
    assert [entry["name"] for entry in entries] == ["Airflow, renamed"]
    contacts = after["/api/orgs/DIT/lookups/contact?group=mlops-team"].json()["contacts"]
    assert contacts
    assert {contact["name"] for contact in contacts} == {"Someone Else"}


def test_two_servers_on_one_database_see_each_others_applies(
    fresh: Server, portal: BlockingPortal
) -> None:
    """Two apps, each with its own engine: two ``orgplane serve`` processes."""
    engine = create_engine(fresh.url)
    try:
        other_app = create_app(DEV_SETTINGS, engine)
        other = client_for(other_app, portal)
        headers = {**fresh.auth("editor"), "Content-Type": "application/yaml"}
        for name in ("First", "Second", "Third"):
            before = _marker(fresh.app)
            applied = other.post(
                "/api/apply", content=one_group_spec("TWO", "Two servers", name), headers=headers
            )
            assert applied.status_code == 200, applied.text
            _seen(fresh.app, before)
            for client in (fresh.client, other, fresh.client):
                group = client.get("/api/orgs/TWO/groups/A")
                assert group.json()["name"] == name
                owner = client.get("/api/orgs/TWO/lookups/owner", params={"entry": "svc"})
                assert [o["name"] for o in owner.json()["owners"]] == [name]
                contact = client.get("/api/orgs/TWO/lookups/contact", params={"group": "A"})
                assert contact.json()["group"]["name"] == name
        # and an apply through this process's own engine, a session outside the server
        before = _marker(other_app)
        with Session(fresh.engine) as session:
            org = load_spec_text(one_group_spec("TWO", "Two servers", "Fourth"), "two.yaml")
            apply_spec(
                session=session, org=org, findings=default_registry().check(org), actor="tests"
            )
        _seen(other_app, before)
        for client in (fresh.client, other):
            assert client.get("/api/orgs/TWO/groups/A").json()["name"] == "Fourth"
    finally:
        engine.dispose()


@pytest.mark.parametrize("path", HOT)
def test_a_kept_answer_is_never_given_to_a_caller_without_a_token(
    served: Server, path: str
) -> None:
    closed = served.with_settings(get_settings({"ORGPLANE_OPEN_READS": "0"}))
    viewer = closed.get(path, headers=served.auth("viewer"))
    assert viewer.status_code == 200
    again = closed.get(path, headers=served.auth("viewer"))
    assert again.content == viewer.content
    refused = closed.get(path)
    assert_problem(refused, 401)
    assert refused.headers["www-authenticate"] == "Bearer"
    assert_problem(closed.get(path, headers={"Authorization": "Bearer nonsense"}), 401)


def test_an_in_memory_database_has_no_signal_and_keeps_nothing() -> None:
    engine = create_engine("sqlite://")
    try:
        assert change_signal(engine).read() is None
    finally:
        engine.dispose()


def _request(path: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "headers": []})


def test_the_kept_answers_stay_within_their_byte_budget(
    tmp_path: Path, portal: BlockingPortal
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    kpi = KpiOut(text="x" * 1000, name=None, weight=1.0, note="")
    answers = AnswerCache(engine, sessionmaker(engine), max_bytes=4 * 1400)

    async def ask(key: str) -> bytes:
        response = await answers.respond(_request("/"), key, lambda _session: kpi)
        return bytes(response.body)

    for key in ("a", "b", "c", "d", "e", "a"):
        # On the portal's own loop: a browser test's sync API may leave one on this thread.
        assert portal.call(ask, key) == kpi.model_dump_json().encode()
    assert len(answers) == 4
    assert answers.misses == 6  # "a" was dropped to make room for "e"
    portal.call(ask, "e")
    assert answers.hits == 1
    engine.dispose()
