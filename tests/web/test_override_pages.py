"""Overriding who is on call from the web, in-process on SQLite and PostgreSQL: the form
adds an override in the rotation's local time with an editor's token, the week view and
"on call now" count it at once, the audit log keeps the token as the actor, and a missing,
unknown or viewer's token, a bad time or a form from another site changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orgplane.services import overrides as override_service
from orgplane.services.tokens import create_token
from orgplane.settings import get_settings
from orgplane.store import audit
from orgplane.web import create_app
from tests.paging.engine_kit import apply_org

FORM = "/orgs/OPS/oncall/ops/overrides"


@dataclass
class Site:
    client: TestClient
    engine: Engine
    editor: str
    viewer: str

    def add(self, token: str | None = None, **fields: str) -> Response:
        data = {
            "action": "add",
            "person": "dee",
            "start": "2030-01-07T09:00",
            "end": "2030-01-08T09:00",
            "note": "covering for ana",
            "token": self.editor if token is None else token,
            **fields,
        }
        response: Response = self.client.post(FORM, data=data)
        return response

    def overrides(self) -> list[tuple[str, datetime, datetime, str]]:
        with Session(self.engine) as session:
            found = override_service.list_overrides(
                session=session,
                org_code="OPS",
                rotation_id="ops",
                start=datetime(2029, 1, 1, tzinfo=UTC),
                end=datetime(2031, 1, 1, tzinfo=UTC),
            )
        return [(o.person_id, o.start_at, o.end_at, o.created_by) for o in found]


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    apply_org(engine)
    with Session(engine) as session:
        editor = create_token(session=session, role="editor", actor="tests").secret
        viewer = create_token(session=session, role="viewer", actor="tests").secret
    client = TestClient(
        create_app(get_settings({}), engine), base_url="http://127.0.0.1", follow_redirects=False
    )
    with client:
        yield Site(client, engine, editor, viewer)


def _text(response: Response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_the_rotation_page_links_to_the_form_which_lists_people_and_nothing_yet(
    site: Site,
) -> None:
    assert f'href="{FORM}"' in site.client.get("/orgs/OPS/oncall/ops").text
    page = site.client.get(FORM)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = _text(page)
    assert "Override who is on call" in text
    assert "Times are UTC local time" in text
    assert 'value="dee"' in page.text
    assert "No override in the next 90 days" in text


def test_an_editor_adds_an_override_that_counts_at_once_and_is_audited(site: Site) -> None:
    response = site.add()
    assert response.status_code == 303
    assert response.headers["location"] == "/orgs/OPS/oncall/ops?week=2030-01-07"
    ((person, start, end, by),) = site.overrides()
    assert (person, start, end) == (
        "dee",
        datetime(2030, 1, 7, 9, tzinfo=UTC),
        datetime(2030, 1, 8, 9, tzinfo=UTC),
    )
    assert by.startswith("token:")
    with Session(site.engine) as session:
        entries = audit.list_audit(session, action="oncall.override")
    assert [entry.actor for entry in entries] == [by]
    week = _text(site.client.get("/orgs/OPS/oncall/ops?week=2030-01-07"))
    assert "Overrides" in week
    assert "Dee" in week
    now = site.client.get("/api/orgs/OPS/oncall/now?target=ops&at=2030-01-07T12:00:00Z")
    assert now.json()["primary"]["who"]["people"][0]["id"] == "dee"


def test_an_editor_cancels_an_override(site: Site) -> None:
    site.add()
    ((_person, _start, _end, _by),) = site.overrides()
    with Session(site.engine) as session:
        (made,) = override_service.list_overrides(
            session=session,
            org_code="OPS",
            rotation_id="ops",
            start=datetime(2029, 1, 1, tzinfo=UTC),
            end=datetime(2031, 1, 1, tzinfo=UTC),
        )
    response = site.client.post(
        FORM, data={"action": "cancel", "override": str(made.id), "token": site.editor}
    )
    assert response.status_code == 200
    assert f"Override {made.id} (dee) cancelled." in _text(response)
    assert site.overrides() == []


@pytest.mark.parametrize(
    ("token", "fields", "status", "says"),
    [
        ("", {}, 401, "paste an editor's API token"),
        ("nope", {}, 401, "not an orgplane API token"),
        ("viewer", {}, 403, "this needs editor or higher"),
        (None, {"end": "2030-01-06T09:00"}, 422, "ends"),
        (None, {"start": "next tuesday"}, 422, "from: write a date and time"),
        (None, {"person": "nobody"}, 404, "nobody"),
    ],
)
def test_a_refused_form_says_why_keeps_what_was_typed_and_changes_nothing(
    site: Site, token: str | None, fields: dict[str, str], status: int, says: str
) -> None:
    given = site.viewer if token == "viewer" else token
    response = site.add(given, **fields)
    assert response.status_code == status, response.text[:500]
    text = _text(response)
    assert says in text
    assert 'value="covering for ana"' in response.text  # what was typed stays
    assert 'name="token" autocomplete="off" required>' in response.text  # the token does not
    assert site.overrides() == []


def test_a_form_from_another_site_is_refused(site: Site) -> None:
    response = site.client.post(
        FORM,
        data={
            "action": "add",
            "person": "dee",
            "start": "2030-01-07T09:00",
            "end": "2030-01-08T09:00",
            "token": site.editor,
        },
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert "sent from another site" in _text(response)
    assert site.overrides() == []
