"""Each package's public surface is a curated, sorted ``__all__`` of names that exist."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "orgplane.api",
    "orgplane.cli",
    "orgplane.exporters",
    "orgplane.importers",
    "orgplane.kpis",
    "orgplane.model",
    "orgplane.queries",
    "orgplane.rules",
    "orgplane.services",
    "orgplane.spec",
    "orgplane.store",
    "orgplane.web",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"


def test_rich_is_only_imported_by_the_cli() -> None:
    import sys

    for name in PACKAGES:
        importlib.import_module(name)
    importers = [
        mod
        for mod, module in sys.modules.items()
        if mod.startswith("orgplane.")
        and not mod.startswith("orgplane.cli")
        and any(getattr(v, "__name__", "").startswith("rich") for v in vars(module).values())
    ]
    assert importers == []
