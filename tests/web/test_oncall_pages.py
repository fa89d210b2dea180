"""The on-call pages in a real browser: the org's on-call page, a rotation's week (each
layer, the final row, the secondary) through a DST change, and the "on call now" card
that group and catalog pages load — on a laptop and on a phone. Screenshots go to
``test-artifacts/web/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.oncall_spec import ONCALL_SPEC
from tests.web.servers import ServerProcess


@pytest.fixture(scope="module")
def acme_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``orgplane serve`` with the on-call test org."""
    folder = tmp_path_factory.mktemp("oncall-serve")
    (folder / "acme.yaml").write_text(ONCALL_SPEC, encoding="utf-8")
    server = ServerProcess(
        [str(folder / "acme.yaml"), "--db", f"sqlite:///{folder / 't.db'}"],
        cwd=folder,
        log=folder / "server.log",
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_the_on_call_page_lists_every_rotation_with_who_holds_it(
    acme_server: ServerProcess, page: Page, artifacts: Path
) -> None:
    page.goto(f"{acme_server.url}/orgs/ACME/oncall")
    expect(page).to_have_title("On call · Acme · orgplane")
    rows = page.locator("table.oc-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Network on call")
    expect(rows.nth(0)).to_contain_text("Network Engineer (nobody holds it)")
    expect(rows.nth(1)).to_contain_text("SRE on call")
    expect(rows.nth(1)).to_contain_text("until")
    page.screenshot(path=artifacts / "oncall-desktop.png", full_page=True)
    page.get_by_role("link", name="SRE on call").click()
    expect(page.locator("h1")).to_contain_text("SRE on call")


def test_a_rotation_week_shows_each_layer_and_the_final_row_in_local_time(
    acme_server: ServerProcess, page: Page, artifacts: Path
) -> None:
    # The week of the 29 March 2026 change to summer time in Berlin.
    page.goto(f"{acme_server.url}/orgs/ACME/oncall/sre?week=2026-03-25")
    expect(page.locator("#week-h")).to_have_text("Week of Mon 23 Mar 2026")
    labels = page.locator(".oc-row .oc-label")
    expect(labels).to_have_text(
        ["Layer", "Layer 1: weekly", "Layer 2: weekends", "On call (final)", "Secondary"]
    )
    final = page.locator(".oc-final .oc-block")
    expect(final.first).to_contain_text("Ana Alves")
    # Handoffs stay at 09:00 and midnight local on both sides of the change.
    handoffs = page.locator(".oc-handoffs li").all_inner_texts()
    assert any(text.startswith("Mon 23 Mar 09:00") for text in handoffs), handoffs
    assert any(text.startswith("Sat 28 Mar 00:00") for text in handoffs), handoffs
    assert any("Mon 30 Mar 00:00" in text for text in handoffs), handoffs
    expect(page.locator(".oc-ladder li")).to_have_count(2)
    expect(page.locator(".oc-ladder li").nth(1)).to_contain_text(
        "Database Administrator (Ana Alves)"
    )
    page.screenshot(path=artifacts / "oncall-week-desktop.png", full_page=True)
    page.get_by_role("link", name="Next week →").click()
    expect(page.locator("#week-h")).to_have_text("Week of Mon 30 Mar 2026")
    page.get_by_role("link", name="← Previous week").click()
    expect(page.locator("#week-h")).to_have_text("Week of Mon 23 Mar 2026")


def test_the_week_and_the_on_call_page_fit_a_phone(
    acme_server: ServerProcess, phone_page: Page, artifacts: Path
) -> None:
    phone_page.goto(f"{acme_server.url}/orgs/ACME/oncall/sre?week=2026-03-25")
    # The week scrolls inside its panel; the page itself does not scroll sideways.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    phone_page.screenshot(path=artifacts / "oncall-week-phone.png", full_page=True)
    phone_page.goto(f"{acme_server.url}/orgs/ACME/oncall")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifacts / "oncall-phone.png", full_page=True)


def test_group_and_catalog_pages_load_the_on_call_now_card(
    acme_server: ServerProcess, page: Page, artifacts: Path
) -> None:
    page.goto(f"{acme_server.url}/orgs/ACME/groups/OPS/DB")
    card = page.locator("#oncall-now")
    expect(card).to_contain_text("SRE on call")
    expect(card).to_contain_text("OPS/DB has no rotation; the one of OPS, above it")
    expect(card).to_contain_text("primary until")
    page.screenshot(path=artifacts / "oncall-card-group.png", full_page=False)
    page.goto(f"{acme_server.url}/orgs/ACME/catalog")
    expect(page.locator("#oncall-now")).to_contain_text("in Acme")
    expect(page.locator("#oncall-now .oc-list > li")).to_have_count(2)
    page.goto(f"{acme_server.url}/orgs/ACME/catalog?owner=OPS/NET")
    expect(page.locator("#oncall-now")).to_contain_text("the rotation of OPS/NET")
