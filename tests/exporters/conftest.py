"""Shared fixtures of the exporter tests: the small org in ``fixtures/small.yaml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplane.model import Org, OrgIndex
from orgplane.spec import load_spec

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"
#: The bundled example orgs (each folder of spec YAML under examples/).
EXAMPLE_SPECS = sorted(
    folder for folder in EXAMPLES.iterdir() if folder.is_dir() and any(folder.glob("*.yaml"))
)


@pytest.fixture(scope="module")
def small_org() -> Org:
    return load_spec(FIXTURES / "small.yaml")


@pytest.fixture(scope="module", params=EXAMPLE_SPECS, ids=lambda path: path.name)
def example_org(request: pytest.FixtureRequest) -> Org:
    path: Path = request.param
    return load_spec(path)


@pytest.fixture(scope="module")
def small_index(small_org: Org) -> OrgIndex:
    return OrgIndex(small_org)
