"""/healthz, /readyz and /metrics: what an orchestrator and Prometheus see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from orgplane.services.pages import open_page
from orgplane.store import create_engine, head_revision, upgrade
from orgplane.store.timers import cancel_timers
from orgplane.web import create_app
from tests.api.conftest import DEV_SETTINGS, Server, assert_problem, client_for
from tests.db import PostgresServer
from tests.paging.engine_kit import apply_org


def test_healthz_answers_ok(served: Server) -> None:
    response = served.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_on_a_migrated_database(served: Server) -> None:
    response = served.client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["revision"] == head_revision()
    assert "password" not in body["database"]


@pytest.fixture
def unmigrated_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database that exists but was never migrated."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


def test_readyz_is_a_503_problem_on_a_database_never_migrated(
    unmigrated_url: str, portal: BlockingPortal
) -> None:
    engine = create_engine(unmigrated_url)
    try:
        client = client_for(create_app(DEV_SETTINGS, engine), portal)
        problem = assert_problem(client.get("/readyz"), 503)
        assert "orgplane db upgrade" in problem["detail"]
        assert "none" in problem["detail"]
        assert client.get("/healthz").status_code == 200
    finally:
        engine.dispose()


@pytest.fixture
def unreachable_url(backend: str, tmp_path: Path, postgres: PostgresServer) -> str:
    """A database URL nothing answers at."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'orgplane.db'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/no_such_database"


def test_an_unreachable_database_is_a_503_problem_for_readyz_and_reads(
    unreachable_url: str, portal: BlockingPortal
) -> None:
    engine = create_engine(unreachable_url)
    try:
        client = client_for(create_app(DEV_SETTINGS, engine), portal)
        assert_problem(client.get("/readyz"), 503)
        problem = assert_problem(client.get("/api/orgs"), 503)
        assert problem["detail"] == "the database is not available"
        assert client.get("/healthz").status_code == 200
    finally:
        engine.dispose()


def _requests_total(server: Server, route: str, status: str = "200") -> float:
    response = server.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        if family.name == "orgplane_http_requests":
            for sample in family.samples:
                labels = sample.labels
                if (
                    sample.name == "orgplane_http_requests_total"
                    and labels["route"] == route
                    and labels["status"] == status
                    and labels["method"] == "GET"
                ):
                    return sample.value
    return 0.0


def test_metrics_count_each_request_by_its_route_template(served: Server) -> None:
    route = "/api/orgs/{org}/groups/{ref}"
    before = _requests_total(served, route)
    served.client.get("/api/orgs/CIPO/groups/1B/B-2")
    served.client.get("/api/orgs/DIT/groups/mlops-team")
    assert _requests_total(served, route) == before + 2
    missing = _requests_total(served, "/api/orgs/{org}", "404")
    served.client.get("/api/orgs/NOPE")
    assert _requests_total(served, "/api/orgs/{org}", "404") == missing + 1


def test_metrics_tell_api_routes_from_page_routes(served: Server) -> None:
    api_before = _requests_total(served, "/api/orgs/{org}")
    page_before = _requests_total(served, "/orgs/{org}")
    served.client.get("/api/orgs/CIPO")
    assert _requests_total(served, "/api/orgs/{org}") == api_before + 1
    assert _requests_total(served, "/orgs/{org}") == page_before


def test_every_answer_carries_a_request_id(served: Server) -> None:
    first = served.client.get("/healthz").headers["x-request-id"]
    second = served.client.get("/api/orgs/NOPE").headers["x-request-id"]
    assert first
    assert second
    assert first != second


def _gauges(client: httpx.Client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith(("orgplane_pages_", "orgplane_timer", "orgplane_paging_"))
    }


def test_the_escalation_auditor_reports_through_readyz_and_metrics(
    unmigrated_url: str, portal: BlockingPortal
) -> None:
    upgrade(unmigrated_url)
    engine = create_engine(unmigrated_url)
    try:
        apply_org(engine)
        client = client_for(create_app(DEV_SETTINGS, engine), portal)
        healthy = client.get("/readyz").json()
        assert healthy["status"] == "ready"
        assert healthy["paging"]["healthy"] is True
        assert _gauges(client)["orgplane_paging_healthy"] == 1

        # A page opened an hour ago that no engine ever fired: its timer is late.
        with Session(engine) as session:
            page = open_page(
                session=session,
                org_code="OPS",
                target="ops",
                summary="Disk full",
                actor="tests",
                now=datetime.now(UTC) - timedelta(hours=1),
            )
        client = client_for(create_app(DEV_SETTINGS, engine), portal)  # nothing kept
        response = client.get("/readyz")
        assert response.status_code == 200  # the API is how people acknowledge pages
        body = response.json()
        assert body["status"] == "degraded"
        assert body["paging"]["open_pages"] == 1
        assert body["paging"]["late_timers"] == 1
        assert body["paging"]["stuck_pages"] == 0
        assert "is an engine running" in body["paging"]["detail"]
        gauges = _gauges(client)
        assert gauges["orgplane_paging_healthy"] == 0
        assert gauges["orgplane_timers_late"] == 1
        assert 3500 < gauges["orgplane_timer_lateness_seconds"] < 3700
        assert gauges["orgplane_pages_open"] == 1

        # The same page with no timer at all is stuck: nothing would ever page again.
        with Session(engine) as session:
            cancel_timers(session, [page.id])
            session.commit()
        client = client_for(create_app(DEV_SETTINGS, engine), portal)
        body = client.get("/readyz").json()
        assert body["paging"]["stuck_pages"] == 1
        assert body["paging"]["late_timers"] == 0
        assert page.id[:8] in body["paging"]["detail"]
        assert _gauges(client)["orgplane_pages_stuck"] == 1
    finally:
        engine.dispose()
