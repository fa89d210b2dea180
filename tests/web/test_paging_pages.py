"""The paging pages in-process (no browser), on SQLite and PostgreSQL: an org's pages,
one page with its ladder and timeline, and the one-click link — its GET changes
nothing, its POST acknowledges or resolves as the person it was signed for, and a
forged, malformed or expired link is refused with a page that says which."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from orgplane.integrations.channels import DeliveryError
from orgplane.services import pages as page_service
from orgplane.services.workers import engine_secret
from orgplane.settings import get_settings
from orgplane.store import audit, pages
from orgplane.store.paging_tables import NotificationRow
from orgplane.web import create_app, paging
from tests.paging.engine_kit import FakeClock, Recorder, apply_org, make_engine


@dataclass
class Paged:
    """The server in-process over the paging test org, and what the tests need of it."""

    client: TestClient
    engine: Engine
    secret: str

    def open(self, summary: str = "Disk full on db-1", at: datetime | None = None) -> str:
        with Session(self.engine) as session:
            page = page_service.open_page(
                session=session,
                org_code="OPS",
                target="ops",
                summary=summary,
                component="postgres",
                actor="cli:ops",
                now=at or FakeClock()(),
            )
        return page.id

    def link(self, page_id: str, person: str = "ana", *, expires: timedelta | None = None) -> str:
        return page_service.ack_token(
            secret=self.secret,
            page_id=page_id,
            person=person,
            expires=datetime.now(UTC) + (expires or timedelta(hours=1)),
        )

    def close(self, page_id: str, person: str, *, resolve: bool = False) -> None:
        action = page_service.resolve_page if resolve else page_service.acknowledge_page
        with Session(self.engine) as session:
            action(session=session, page_id=page_id, actor=person, now=datetime.now(UTC))

    def state(self, page_id: str) -> tuple[str, int, int, int]:
        """The page's status and version, its timeline's length and its audit entries."""
        with Session(self.engine) as session:
            page = pages.get_page(session, page_id)
            assert page is not None
            events = len(pages.events_of(session, page_id))
            entries = len(audit.list_audit(session, target=f"page:{page_id}"))
        return page.status, page.version, events, entries

    def post(
        self, page_id: str, token: str, action: str = "ack", headers: dict[str, str] | None = None
    ) -> Response:
        response: Response = self.client.post(
            f"/pages/{page_id}/ack", data={"token": token, "action": action}, headers=headers
        )
        return response


@pytest.fixture
def paged(engine: Engine) -> Iterator[Paged]:
    apply_org(engine)
    settings = get_settings({})
    client = TestClient(
        create_app(settings, engine), base_url="http://127.0.0.1", follow_redirects=False
    )
    with client:
        yield Paged(client, engine, engine_secret(settings, engine))


def _text(response: Response) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _page(response: Response, status: int) -> str:
    assert response.status_code == status, response.text[:800]
    assert response.headers["content-type"].startswith("text/html")
    return _text(response)


# -- the list and the on-call card -------------------------------------------------------


def test_the_list_shows_pages_newest_first_a_state_at_a_time(
    paged: Paged, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = FakeClock()()
    first = paged.open("First: disk full", start)
    second = paged.open("Second: replica lag", start + timedelta(minutes=5))
    third = paged.open("Third: backups late", start + timedelta(minutes=9))
    paged.close(first, "ana", resolve=True)
    paged.close(second, "bo")
    every = _page(paged.client.get("/orgs/OPS/pages"), 200)
    assert every.index("Third") < every.index("Second") < every.index("First")
    assert "acknowledged by Bo" in every
    assert "resolved by Ana" in every
    open_only = _page(paged.client.get("/orgs/OPS/pages?status=open"), 200)
    assert "Third" in open_only
    assert "Second" in open_only
    assert "First" not in open_only
    resolved = paged.client.get("/orgs/OPS/pages?status=resolved")
    assert f'href="/orgs/OPS/pages/{first}"' in resolved.text
    assert third not in resolved.text
    triggered = paged.client.get("/orgs/OPS/pages?status=triggered").text
    assert third in triggered
    assert second not in triggered
    bad = _page(paged.client.get("/orgs/OPS/pages?status=lost"), 400)
    assert "status" in bad
    # Paginated like the catalog: a signed cursor, the rest on the next page.
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    one = paged.client.get("/orgs/OPS/pages")
    assert third in one.text
    assert second in one.text
    assert first not in one.text
    found = re.search(r'href="([^"]+)" rel="next"', one.text)
    assert found is not None
    two = paged.client.get(unescape(found.group(1)))
    assert first in two.text
    assert third not in two.text
    assert 'rel="next"' not in two.text
    assert _page(paged.client.get("/orgs/NOPE/pages"), 404)


def test_the_on_call_page_lists_open_pages_only_when_there_are_some(paged: Paged) -> None:
    quiet = paged.client.get("/orgs/OPS/oncall")
    assert quiet.status_code == 200
    assert 'id="open-pages"' not in quiet.text
    assert 'href="/orgs/OPS/pages"' in quiet.text
    page_id = paged.open()
    done = paged.open("Old: fixed already")
    paged.close(done, "ana", resolve=True)
    busy = paged.client.get("/orgs/OPS/oncall")
    card = busy.text[busy.text.index('id="open-pages"') :]
    assert f'href="/orgs/OPS/pages/{page_id}"' in card
    assert "Disk full on db-1" in card
    assert "Old: fixed already" not in card


# -- one page ------------------------------------------------------------------------------


def test_a_page_shows_its_state_ladder_timeline_and_notifications(paged: Paged) -> None:
    clock = FakeClock()
    recorder = Recorder(
        fail={"http://hooks.test/bo-1": DeliveryError("answered 410 Gone", retryable=False)}
    )
    worker = make_engine(paged.engine, clock, recorder)
    page_id = paged.open("Disk <b>full</b> on db-1", clock())
    while worker.run_due():
        pass
    clock.advance(minutes=15)
    while worker.run_due():
        pass
    with Session(paged.engine) as session:
        session.execute(
            update(NotificationRow)
            .where(NotificationRow.address == "http://hooks.test/ana")
            .values(possible_repeat=True)
        )
        session.commit()
    paged.close(page_id, "bo")
    response = paged.client.get(f"/orgs/OPS/pages/{page_id}")
    text = _page(response, 200)
    assert "Disk &lt;b&gt;full&lt;/b&gt; on db-1" in response.text  # shown, never markup
    assert "acknowledged" in text
    assert re.search(r"Acknowledged \d{4}-\d\d-\d\d \d\d:\d\d UTC by Bo", text), text
    assert "Opened 2026-03-02 10:00 UTC by cli:ops" in text
    # The ladder, step by step, and its repeat.
    assert "0 min rotation:ops" in text
    assert "15 min rotation:ops/secondary" in text
    assert "30 min Component Owner" in text
    assert "Then 1 more round, 10 min after the last step." in text
    # The timeline, each line timed from the opening.
    assert "+0 min Paged ops: Disk <b>full</b> on db-1" in text
    assert "+15 min" in text
    assert "Acknowledged by bo (cli)" in text
    # Notifications: who, how, where each stands, why one failed.
    rows = re.findall(
        r"<tr>.*?</tr>",
        response.text.split('class="data stack pg-notes"')[1].split("<tbody>")[1],
        re.S,
    )
    assert len(rows) == 3
    # In the order they were made: a person's next method after the one that failed.
    ana, bo_webhook, bo_slack = (_text(Response(200, text=row)) for row in rows)
    assert ana.startswith("Ana webhook 1 sent possible repeat")
    assert bo_webhook.startswith("Bo webhook 2 failed")
    assert "answered 410 Gone" in bo_webhook
    assert bo_slack.startswith("Bo slack 2 sent")
    assert (
        "hooks.test" not in response.text
    )  # a contact's address (a webhook's secret) is not shown


def test_an_unknown_page_is_a_404_page_and_a_prefix_finds_one(paged: Paged) -> None:
    page_id = paged.open()
    assert "Disk full on db-1" in _page(paged.client.get(f"/orgs/OPS/pages/{page_id[:8]}"), 200)
    missing = _page(paged.client.get("/orgs/OPS/pages/00000000-0000-0000-0000-000000000000"), 404)
    assert "no page '00000000-0000-0000-0000-000000000000'" in missing
    assert "no page 'nope'" in _page(paged.client.get("/orgs/OPS/pages/nope"), 404)
    assert _page(paged.client.get(f"/orgs/NOPE/pages/{page_id}"), 404)
    assert "no page" in _page(
        paged.client.get(f"/pages/{'0' * 36}/ack?token={paged.link('0' * 36)}"), 404
    )


# -- the signed link -----------------------------------------------------------------------


def test_opening_the_link_shows_the_page_and_changes_nothing(paged: Paged) -> None:
    page_id = paged.open()
    before = paged.state(page_id)
    response = paged.client.get(f"/pages/{page_id}/ack", params={"token": paged.link(page_id)})
    text = _page(response, 200)
    assert "Disk full on db-1" in text
    assert "This link is for Ana" in text
    assert 'name="action" value="ack"' in response.text
    assert 'name="action" value="resolve"' in response.text
    assert 'method="post"' in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)", response.text) == []  # no inline script
    head = paged.client.head(f"/pages/{page_id}/ack", params={"token": paged.link(page_id)})
    assert head.status_code == 200
    assert paged.state(page_id) == before


def test_the_button_acknowledges_as_the_person_the_link_is_for(paged: Paged) -> None:
    page_id = paged.open()
    response = paged.post(page_id, paged.link(page_id), headers={"Sec-Fetch-Site": "same-origin"})
    text = _page(response, 200)
    assert re.search(r"Acknowledged by Ana at \d\d:\d\d UTC\. Nothing more is sent", text), text
    assert response.headers["cache-control"] == "no-store"
    # The same service as the CLI and the API: the timeline and the audit log say so.
    with Session(paged.engine) as session:
        page = pages.get_page(session, page_id)
        assert page is not None
        assert (page.status, page.acknowledged_by) == ("acknowledged", "ana")
        event = pages.events_of(session, page_id)[-1]
        assert (event.kind, event.actor, event.data["via"]) == ("acknowledged", "ana", "link")
        (entry,) = audit.list_audit(session, target=f"page:{page_id}", action="page.ack")
    assert (entry.actor, entry.after) == ("ana", {"status": "acknowledged", "via": "link"})
    # Acknowledged, the link still resolves it.
    again = _page(paged.client.get(f"/pages/{page_id}/ack?token={paged.link(page_id)}"), 200)
    assert "Acknowledged" in again
    shown = paged.client.get(f"/pages/{page_id}/ack?token={paged.link(page_id)}").text
    assert 'value="ack"' not in shown
    assert 'value="resolve"' in shown


def test_pressing_it_second_says_who_acknowledged_first(paged: Paged) -> None:
    page_id = paged.open()
    paged.post(page_id, paged.link(page_id, "ana"))
    before = paged.state(page_id)
    text = _page(paged.post(page_id, paged.link(page_id, "bo")), 200)
    assert re.search(r"Ana had already acknowledged it, at \d\d:\d\d UTC: the first", text), text
    same = _page(paged.post(page_id, paged.link(page_id, "ana")), 200)
    assert "You had already acknowledged it" in same
    assert paged.state(page_id) == before


def test_a_resolved_page_says_so_and_changes_no_more(paged: Paged) -> None:
    page_id = paged.open()
    text = _page(paged.post(page_id, paged.link(page_id, "bo"), "resolve"), 200)
    assert re.search(r"Resolved by Bo at \d\d:\d\d UTC\.", text), text
    before = paged.state(page_id)
    assert before[0] == "resolved"
    for action in ("ack", "resolve"):
        refused = _page(paged.post(page_id, paged.link(page_id, "ana"), action), 409)
        assert re.search(r"Already resolved by Bo at \d\d:\d\d UTC: nothing changed\.", refused)
        assert "Nothing more to do here." in refused
    shown = paged.client.get(f"/pages/{page_id}/ack?token={paged.link(page_id)}")
    assert "Nothing more to do here." in _page(shown, 200)
    assert 'method="post"' not in shown.text
    assert paged.state(page_id) == before


@pytest.mark.parametrize(
    ("make", "heading", "said"),
    [
        (lambda p, i: p.link(i, expires=-timedelta(minutes=1)), "This link has expired", "work for 2 days"),
        (lambda p, i: page_service.ack_token(secret="x" * 43, page_id=i, person="ana", expires=datetime.now(UTC) + timedelta(hours=1)), "This link does not work", "not valid for this page"),
        (lambda p, i: p.link("another-page"), "This link does not work", "not valid for this page"),
        (lambda p, i: p.link(i, "ana").replace("YW5h", "Ym8"), "This link does not work", "not valid for this page"),
        (lambda p, i: p.link(i)[:-6], "This link does not work", "not valid for this page"),
        (lambda p, i: "", "This link does not work", "malformed"),
        (lambda p, i: "garbage", "This link does not work", "malformed"),
        (lambda p, i: "YW5h.99999999999999999999999.x", "This link does not work", "not valid for this page"),
        (lambda p, i: "YW5h.1.sígnature", "This link does not work", "not valid for this page"),
    ],
    ids=["expired", "other-secret", "other-page", "other-person", "cut", "none", "garbage", "huge-stamp", "non-ascii"],
)  # fmt: skip
def test_a_forged_malformed_or_expired_link_is_refused_and_changes_nothing(
    paged: Paged, make: object, heading: str, said: str
) -> None:
    page_id = paged.open()
    token: str = make(paged, page_id)  # type: ignore[operator]
    before = paged.state(page_id)
    shown = _page(paged.client.get(f"/pages/{page_id}/ack", params={"token": token}), 403)
    assert shown.startswith(f"{heading} · orgplane"), shown[:200]
    assert said in shown
    assert "Disk full" not in shown  # a link that does not work shows nothing of the page
    pressed = _page(paged.post(page_id, token), 403)
    assert said in pressed
    assert f"orgplane pages ack {page_id[:8]}" in pressed
    assert f"POST /api/pages/{page_id}/ack" in pressed
    assert paged.state(page_id) == before


def test_a_form_sent_from_another_site_or_saying_nothing_is_refused(paged: Paged) -> None:
    page_id = paged.open()
    token = paged.link(page_id)
    before = paged.state(page_id)
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ):
        refused = _page(paged.post(page_id, token, headers=headers), 403)
        assert "sent from a page of another site" in refused
    assert "did not say what to do" in _page(paged.post(page_id, token, "delete"), 400)
    as_json = paged.client.post(f"/pages/{page_id}/ack", json={"token": token, "action": "ack"})
    assert "application/x-www-form-urlencoded" in _page(as_json, 415)
    assert paged.state(page_id) == before
    # A browser's same-origin form under Referrer-Policy: no-referrer says Origin: null.
    done = paged.post(page_id, token, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert "Acknowledged by Ana" in _page(done, 200)
