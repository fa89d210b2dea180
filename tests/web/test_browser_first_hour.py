"""The first hour in a real browser: the API documentation without internet, the front
door, and the findings page, on a laptop and on a phone.

Chromium (Playwright) against ``orgplane serve`` with the bundled example orgs; each test
saves screenshots to ``test-artifacts/web/``.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.web.servers import ServerProcess


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def _offline(page: Page, server: ServerProcess) -> list[str]:
    """Refuse every request that leaves the server, as a machine without internet would;
    the refused URLs, and the console's errors, are collected in the list returned."""
    refused: list[str] = []

    def route(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: (
            refused.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    return refused


def test_api_docs_work_without_internet(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    refused = _offline(page, example_server)
    page.goto(f"{example_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("orgplane")
    groups = page.locator(".opblock-summary-path", has_text="/api/orgs/{org}/groups/{ref}")
    expect(groups.first).to_be_visible()
    # An operation opens, with its parameters.
    groups.first.click()
    expect(page.locator(".opblock.is-open .parameters").first).to_be_visible()
    _shot(page, artifacts, "api-docs-offline")
    assert refused == []


def _fits_the_screen(page: Page) -> None:
    """Nothing is wider than the screen, but a frame meant to scroll."""
    screen = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= screen
    too_wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *')).filter((el) => {
             const r = el.getBoundingClientRect();
             return r.right > window.innerWidth + 1 && !el.closest('.table-wrap, .graph-wrap');
           }).map((el) => el.tagName + '.' + el.className)"""
    )
    assert not too_wide, too_wide


def test_the_front_door_shows_every_org_at_a_glance(
    page: Page, phone_page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(example_server.url)
    expect(page.locator("h1")).to_have_text("Every org")
    cards = page.locator("li.org-card")
    expect(cards).to_have_count(4)
    cipo = cards.filter(has_text="Chief Infrastructure & Platform Officer")
    expect(cipo.locator("dd").nth(1)).to_have_text("2 errors · 1 warning · 2 info")
    expect(cipo).to_contain_text("104 groups")
    iot = cards.filter(has_text="Infrastructure & Operations Team")
    expect(iot.get_by_role("link", name="On-Call Rotation")).to_be_visible()
    expect(iot).to_contain_text("Site Reliability Engineer")
    dit = cards.filter(has_text="Data Infrastructure Team")
    expect(dit).to_contain_text("9 people")
    expect(dit.get_by_role("link", name="62 catalog entries")).to_be_visible()
    _shot(page, artifacts, "front-door")
    cipo.locator("dd").nth(1).get_by_role("link").click()
    page.wait_for_url(f"{example_server.url}/orgs/CIPO/findings")

    phone_page.goto(example_server.url)
    expect(phone_page.locator("li.org-card")).to_have_count(4)
    _fits_the_screen(phone_page)
    _shot(phone_page, artifacts, "phone-front-door")


def test_findings_are_counted_filtered_linked_and_fit_a_phone(
    page: Page, phone_page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/CIPO/findings")
    findings = page.locator("li.finding")
    expect(findings).to_have_count(5)
    # Worst first: the two errors, the warning, then the infos.
    severities = findings.locator(".sev").all_inner_texts()
    assert [s.lower() for s in severities] == ["error", "error", "warning", "info", "info"]
    # Files as the spec names them; never the server's paths.
    where = " ".join(findings.locator(".finding-where").all_inner_texts())
    assert "examples/cipo/1d.yaml:31:7" in where
    body = page.locator("main").inner_text()
    for private in ("/work/", "/tmp/", "/home/", "/root/"):
        assert private not in body
    # Group codes are links to their pages.
    first = findings.first
    expect(first.locator(".finding-message").get_by_role("link", name="D-1")).to_have_attribute(
        "href", "/orgs/CIPO/groups/1D/D-1"
    )
    expect(first.get_by_role("link", name="1D/D-1")).to_be_visible()  # what it is about
    _shot(page, artifacts, "findings")
    # Filters: by severity, then by rule; the counts say how many each has.
    facets = page.locator("nav.facets")
    expect(facets.get_by_role("link", name="warning 1")).to_be_visible()
    facets.get_by_role("link", name="info 2").click()
    expect(findings).to_have_count(2)
    expect(page.locator("nav.facets a[aria-current]").first).to_have_text("info 2")
    page.locator("nav.facets").get_by_role("link", name="OP113 2").click()
    expect(findings).to_have_count(2)
    page.goto(f"{example_server.url}/orgs/CIPO/findings?rule=OP104")
    expect(findings).to_have_count(2)
    _shot(page, artifacts, "findings-op104")

    phone_page.goto(f"{example_server.url}/orgs/CIPO/findings")
    expect(phone_page.locator("li.finding")).to_have_count(5)
    _fits_the_screen(phone_page)
    # A rule's code never breaks across lines.
    heights = phone_page.locator("li.finding a.rule").evaluate_all(
        "(els) => els.map((e) => e.getClientRects().length)"
    )
    assert heights == [1] * 5
    _shot(phone_page, artifacts, "phone-findings")


def test_search_finds_word_forms_across_orgs_and_says_why(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/CIPO")
    page.get_by_role("searchbox").fill("databases")
    results = page.locator("#search-results li")
    expect(results.first).to_contain_text("DB-aaS (Vitess)")  # this org's answers first
    expect(page.locator("#search-results")).to_contain_text("owns service 'Database management'")
    expect(page.locator("#search-results")).to_contain_text("Database Administrator")
    expect(results.filter(has_text="IOT").first).to_be_visible()  # another org, badged
    _shot(page, artifacts, "org-search-databases")
