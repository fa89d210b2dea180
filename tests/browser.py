"""The one real browser of the test session: Debian's Chromium (``/usr/bin/chromium``,
which ``scripts/test`` installs) driven by Playwright, headless.

The ``browser`` fixture (``tests/conftest.py``) is shared by every folder that needs a
browser: Playwright's sync API runs one instance per thread, so two session fixtures
would not start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launched"]

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking switches Chromium phones home at start, and a
#: machine with a closed network refuses the connections (slowly).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launched() -> Iterator[Browser]:
    """Chromium, started headless, closed on leaving."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run ./scripts/test (it installs Debian's chromium), "
            "or apt-get install chromium",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
