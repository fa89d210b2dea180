"""The package surface the CLI calls: ``FORMATS``, ``export`` and ``export_json_schema``."""

from __future__ import annotations

import pytest

import orgplane.exporters
from orgplane.errors import UsageError
from orgplane.exporters import FORMATS, export
from orgplane.model import Org, OrgIndex


def test_public_surface_is_small_and_sorted() -> None:
    assert orgplane.exporters.__all__ == ["FORMATS", "export", "export_json_schema"]
    assert sorted(orgplane.exporters.__all__) == orgplane.exporters.__all__


def test_formats_are_the_six_documented_ones() -> None:
    assert FORMATS == ("markdown", "mermaid", "dot", "json", "backstage", "openslo")


def test_unknown_format_is_a_usage_error_naming_every_format(small_org: Org) -> None:
    with pytest.raises(UsageError) as caught:
        export(small_org, "pdf")
    message = str(caught.value)
    assert "'pdf'" in message
    for fmt in FORMATS:
        assert fmt in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_text_ending_in_a_newline(
    small_org: Org, small_index: OrgIndex, fmt: str
) -> None:
    first = export(small_org, fmt)
    assert first.endswith("\n")
    assert not first.endswith("\n\n")
    assert export(small_org, fmt) == first
    assert export(small_org, fmt, small_index) == first


def test_an_index_of_another_org_is_refused(small_org: Org) -> None:
    other = Org(code="X", name="Other")
    with pytest.raises(ValueError, match="different org"):
        export(small_org, "json", OrgIndex(other))
