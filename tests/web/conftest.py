"""Fixtures of the web tests: the real server with the example orgs, and a real browser.

``example_server`` is ``orgplane serve`` itself, started once per session in a folder of
its own, serving the bundled example orgs from a SQLite file. ``browser`` (from
``tests/conftest.py``, shared with the attack tests) is Debian's Chromium driven by
Playwright, headless. Every page a browser test opens is a fresh context; when a test fails, a
screenshot of its page is saved next to the ones the tests take on purpose, in
``test-artifacts/web/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from tests.web.servers import ServerProcess

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember on the test item whether its call failed (the ``page`` fixture asks)."""
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``orgplane serve`` with the bundled example orgs (CIPO, DIT, PI, IOT)."""
    folder = tmp_path_factory.mktemp("serve")
    server = ServerProcess(
        ["--db", f"sqlite:///{folder / 't.db'}"], cwd=folder, log=folder / "server.log"
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _new_page(browser: Browser, *, phone: bool = False, dark: bool = False) -> Page:
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        color_scheme="dark" if dark else "light",
        locale="en-US",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, artifacts: Path) -> Iterator[Page]:
    """A fresh desktop-sized page (1280×900, light)."""
    page = _new_page(browser)
    try:
        yield page
    finally:
        if request.node.stash.get(_FAILED, False):
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=artifacts / f"FAILED-{name}.png", full_page=True)
        page.context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (390×844 CSS pixels, touch, light)."""
    page = _new_page(browser, phone=True)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture
def dark_page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page that prefers a dark colour scheme."""
    page = _new_page(browser, dark=True)
    try:
        yield page
    finally:
        page.context.close()
