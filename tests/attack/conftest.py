"""The attack suite: every test under tests/attack/ reproduces an attack on orgplane and
asserts that it fails. Each is marked ``attack`` so the suite can run alone
(``uv run pytest -m attack``); it also runs with every other test.

The in-process servers of the API tests (``served``, ``fresh``) are shared with this
folder: an attack runs against the whole server, as the API tests do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import (  # noqa: F401  (fixtures, by name)
    fresh,
    portal,
    postgres_examples,
    served,
    sqlite_examples,
)

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.attack)
