"""Role internal ids (seed 004's INF-00x) must never leave orgplane, in any format."""

from __future__ import annotations

import pytest

from orgplane.exporters import FORMATS, export
from orgplane.model import Org


def test_fixture_roles_do_carry_internal_ids(small_org: Org) -> None:
    assert [role.internal_id for role in small_org.roles] == ["INF-001", "INF-002"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_outputs_an_internal_id(small_org: Org, fmt: str) -> None:
    text = export(small_org, fmt)
    assert "INF-0" not in text
    assert "internal_id" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_outputs_an_internal_id_of_a_bundled_example(example_org: Org, fmt: str) -> None:
    text = export(example_org, fmt)
    for role in example_org.roles:
        if role.internal_id:
            assert role.internal_id not in text
