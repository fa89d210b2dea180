"""The attack suite: every test under tests/attack/ reproduces an attack on orgplane and
asserts that it fails. Each is marked ``attack`` so the suite can run alone
(``uv run pytest -m attack``); it also runs with every other test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.attack)
