"""Paging in a real browser against ``orgplane serve``: the on-call page lists an open
page, its page view shows the ladder and the timeline, and a notification's signed link
acknowledges it with one press — on a laptop and on a phone. Screenshots go to
``test-artifacts/web/``.

The database is made before the server starts: the paging test org applied, pages
opened, and an engine (with a recording channel, one of whose addresses fails) run over
them, so the timeline has notifications sent and failed. The links are minted as the
engine mints them, with the server's secret (the installation's, in its database).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from orgplane.integrations.channels import DeliveryError
from orgplane.services import pages as page_service
from orgplane.services.workers import engine_secret
from orgplane.settings import get_settings
from orgplane.store import create_engine, upgrade
from tests.paging.engine_kit import FakeClock, Recorder, apply_org, make_engine
from tests.web.servers import ServerProcess

SUMMARY = "Disk full on db-1"
PHONE_SUMMARY = "Replication lag on db-2"


@dataclass
class Served:
    server: ServerProcess
    secret: str
    #: The page the laptop test acknowledges, and the one the phone test opens.
    page_id: str
    phone_page_id: str

    def ack_url(
        self,
        page_id: str,
        person: str = "ana",
        lifetime: timedelta = page_service.ACK_LINK_LIFETIME,
    ) -> str:
        token = page_service.ack_token(
            secret=self.secret, page_id=page_id, person=person, expires=datetime.now(UTC) + lifetime
        )
        return f"{self.server.url}/pages/{page_id}/ack?token={token}"


def _open(session: Session, summary: str, at: datetime) -> str:
    page = page_service.open_page(
        session=session,
        org_code="OPS",
        target="ops",
        summary=summary,
        component="postgres",
        actor="cli:ops",
        now=at,
    )
    return page.id


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("paging-serve")
    url = f"sqlite:///{folder / 't.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        apply_org(engine)
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20))
        recorder = Recorder(
            fail={"http://hooks.test/bo-1": DeliveryError("answered 410 Gone", retryable=False)}
        )
        worker = make_engine(engine, clock, recorder)
        with Session(engine) as session:
            page_id = _open(session, SUMMARY, clock())
            phone_page_id = _open(session, PHONE_SUMMARY, clock())
        for _ in range(2):
            while worker.run_due():
                pass
            clock.advance(minutes=15)
        secret = engine_secret(get_settings({}), engine)
    finally:
        engine.dispose()
    server = ServerProcess(["--no-apply", "--db", url], cwd=folder, log=folder / "server.log")
    try:
        server.start()
        yield Served(server, secret, page_id, phone_page_id)
    finally:
        server.stop()


def test_an_open_page_is_followed_and_acknowledged_from_its_link(
    served: Served, page: Page, artifacts: Path
) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto(f"{served.server.url}/orgs/OPS/oncall")
    card = page.locator("#open-pages")
    expect(card).to_contain_text(SUMMARY)
    expect(card.locator(".pg-status").first).to_have_text("triggered")
    page.screenshot(path=artifacts / "paging-oncall-desktop.png", full_page=True)
    card.get_by_role("link", name=SUMMARY).click()
    expect(page.locator("h1")).to_contain_text(SUMMARY)
    expect(page.locator("h1 .pg-status")).to_have_text("triggered")
    expect(page.locator(".oc-ladder li")).to_have_count(3)
    notes = page.locator(".pg-notes tbody tr")
    expect(notes).to_have_count(3)
    failed = notes.filter(has=page.locator(".pg-status.failed"))
    expect(failed).to_contain_text("Bo")
    expect(failed).to_contain_text("answered 410 Gone")
    expect(page.locator(".pg-timeline")).to_contain_text("Notified ana by webhook.")
    page.screenshot(path=artifacts / "paging-page-desktop.png", full_page=True)

    page.goto(served.ack_url(served.page_id))
    expect(page.locator(".lede")).to_have_text(
        "This link is for Ana: what you do here is recorded as theirs."
    )
    page.screenshot(path=artifacts / "paging-ack-desktop.png", full_page=True)
    page.get_by_role("button", name="Acknowledge").click()
    outcome = page.locator(".pg-outcome")
    expect(outcome).to_contain_text("Acknowledged by Ana at")
    expect(outcome).to_contain_text("Nothing more is sent for this page.")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    page.screenshot(path=artifacts / "paging-ack-done-desktop.png", full_page=True)

    page.get_by_role("link", name="The page, its ladder and its timeline").click()
    expect(page.locator("h1 .pg-status")).to_have_text("acknowledged")
    expect(page.locator(".facts")).to_contain_text("by Ana")
    expect(page.locator(".pg-event").last).to_contain_text("Acknowledged by ana (link)")
    page.screenshot(path=artifacts / "paging-page-acknowledged-desktop.png", full_page=True)
    assert violations == []


def test_the_page_view_and_the_link_fit_a_phone(
    served: Served, phone_page: Page, artifacts: Path
) -> None:
    phone_page.goto(f"{served.server.url}/orgs/OPS/pages/{served.phone_page_id}")
    expect(phone_page.locator("h1")).to_contain_text(PHONE_SUMMARY)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifacts / "paging-page-phone.png", full_page=True)
    phone_page.goto(served.ack_url(served.phone_page_id, "bo"))
    expect(phone_page.locator(".lede")).to_contain_text("This link is for Bo")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifacts / "paging-ack-phone.png", full_page=True)
    phone_page.get_by_role("button", name="Resolve").click()
    expect(phone_page.locator(".pg-outcome")).to_contain_text("Resolved by Bo at")
    phone_page.screenshot(path=artifacts / "paging-ack-resolved-phone.png", full_page=True)
    expired = phone_page.goto(served.ack_url(served.phone_page_id, "bo", -timedelta(hours=1)))
    assert expired is not None
    assert expired.status == 403
    expect(phone_page.locator("h1")).to_have_text("This link has expired")
    expect(phone_page.locator(".how-to")).to_contain_text("orgplane pages ack")
    phone_page.screenshot(path=artifacts / "paging-link-expired-phone.png", full_page=True)
    phone_page.goto(f"{served.server.url}/orgs/OPS/pages?status=resolved")
    expect(phone_page.locator(".pg-table tbody tr")).to_have_count(1)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifacts / "paging-list-phone.png", full_page=True)
