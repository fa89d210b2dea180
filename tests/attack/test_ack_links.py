"""A notification's acknowledgement link is the one write without an API token, so its
token must be the whole credential and nothing more: with reads closed, the link still
works for the page it was signed for and shows nothing else, the pages around it stay
closed, a link of one page does nothing to another, and neither the token nor the
answer is kept by a cache or sent on as a referrer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orgplane.services import pages as page_service
from orgplane.services.workers import engine_secret
from orgplane.settings import get_settings
from orgplane.store import pages
from orgplane.web import create_app
from tests.paging.engine_kit import FakeClock, apply_org

SECRET_SUMMARY = "Payroll database leaking"


@pytest.fixture
def closed(engine: Engine) -> Iterator[tuple[TestClient, str, str, str]]:
    """A server with reads closed, two pages, and a link of the first for Ana."""
    apply_org(engine)
    settings = get_settings({"ORGPLANE_OPEN_READS": "0"})
    ids = []
    with Session(engine) as session:
        for summary in ("Disk full on db-1", SECRET_SUMMARY):
            page = page_service.open_page(
                session=session,
                org_code="OPS",
                target="ops",
                summary=summary,
                actor="cli:ops",
                now=FakeClock()(),
            )
            ids.append(page.id)
    token = page_service.ack_token(
        secret=engine_secret(settings, engine),
        page_id=ids[0],
        person="ana",
        expires=datetime.now(UTC) + timedelta(hours=1),
    )
    client = TestClient(create_app(settings, engine), base_url="http://127.0.0.1")
    with client:
        yield client, ids[0], ids[1], token


def test_with_reads_closed_the_link_works_for_its_page_alone(
    closed: tuple[TestClient, str, str, str], engine: Engine
) -> None:
    client, page_id, other_id, token = closed
    for path in ("/orgs/OPS/pages", f"/orgs/OPS/pages/{page_id}", "/orgs/OPS/oncall"):
        assert client.get(path).status_code == 401, path
    shown = client.get(f"/pages/{page_id}/ack", params={"token": token})
    assert shown.status_code == 200
    assert "Disk full on db-1" in shown.text
    assert SECRET_SUMMARY not in shown.text
    assert "Escalates by" not in shown.text  # the timeline is a read: it stays closed
    for response in (shown, client.get(f"/pages/{page_id}/ack", params={"token": "x.1.y"})):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
    # The link of one page opens and changes nothing of another.
    other = client.get(f"/pages/{other_id}/ack", params={"token": token})
    assert other.status_code == 403
    assert SECRET_SUMMARY not in other.text
    pressed = client.post(f"/pages/{other_id}/ack", data={"token": token, "action": "resolve"})
    assert pressed.status_code == 403
    done = client.post(f"/pages/{page_id}/ack", data={"token": token, "action": "ack"})
    assert done.status_code == 200
    with Session(engine) as session:
        first, second = pages.get_page(session, page_id), pages.get_page(session, other_id)
    assert first is not None
    assert second is not None
    assert (first.status, first.acknowledged_by) == ("acknowledged", "ana")
    assert second.status == "triggered"
