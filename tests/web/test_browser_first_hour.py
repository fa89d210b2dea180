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
