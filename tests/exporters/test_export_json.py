"""JSON export: the whole org, references resolved, valid against its published schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from orgplane.exporters import export, export_json_schema
from orgplane.model import Org


@pytest.fixture(scope="module")
def document(small_org: Org) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(export(small_org, "json"))
    return loaded


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(export_json_schema())


def _walk(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for group in groups:
        out.append(group)
        out.extend(_walk(group["children"]))
    return out


def _group(document: dict[str, Any], path: str) -> dict[str, Any]:
    return next(group for group in _walk(document["groups"]) if group["path"] == path)


def test_the_schema_is_a_valid_draft_2020_12_schema_with_its_published_id() -> None:
    schema = export_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://orgplane.dev/schemas/org-export.json"


def test_each_call_returns_a_fresh_schema() -> None:
    export_json_schema()["$id"] = "changed"
    assert export_json_schema()["$id"] == "https://orgplane.dev/schemas/org-export.json"


def test_the_export_validates_against_the_schema(
    document: dict[str, Any], validator: Draft202012Validator
) -> None:
    assert list(validator.iter_errors(document)) == []
    assert document["$schema"] == "https://orgplane.dev/schemas/org-export.json"


def test_every_bundled_example_validates(example_org: Org, validator: Draft202012Validator) -> None:
    validator.validate(json.loads(export(example_org, "json")))


def test_a_minimal_org_validates_too(validator: Draft202012Validator) -> None:
    validator.validate(json.loads(export(Org(code="X", name="Tiny"), "json")))


def test_the_schema_refuses_an_internal_id_on_a_role(
    document: dict[str, Any], validator: Draft202012Validator
) -> None:
    leaked = json.loads(json.dumps(document))
    leaked["roles"][0]["internal_id"] = "INF-001"
    assert not validator.is_valid(leaked)


def test_text_is_pretty_printed_and_keeps_unicode(small_org: Org) -> None:
    text = export(small_org, "json")
    assert text.startswith('{\n  "$schema": ')
    assert "Cost Savings ≥ 8%" in text


def test_nesting_round_trips_in_spec_order(small_org: Org, document: dict[str, Any]) -> None:
    exported = [
        (group["path"], group["code"], group["name"]) for group in _walk(document["groups"])
    ]
    assert exported == [(path, group.code, group.name) for path, group in small_org.walk()]
    assert [child["code"] for child in _group(document, "1B/B-1/U-C1")["children"]] == ["U-C1a"]


def test_kpis_keep_their_text_exactly_with_name_and_weight(document: dict[str, Any]) -> None:
    assert _group(document, "1A/A-1")["kpis"] == [
        {"text": "Cost Savings ≥ 8%", "name": None, "weight": 1.0, "note": ""},
        {"text": "Lead Time ≤ 90 days", "name": "lead-time", "weight": 2.0, "note": ""},
    ]
    assert _group(document, "1B/B-1")["stack"][0] == {
        "name": "Kubernetes",
        "version": "v1.30",
        "note": "",
    }


def test_dependency_targets_are_kept_as_written_and_resolved(document: dict[str, Any]) -> None:
    dependencies = _group(document, "1B/B-1")["dependencies"]
    by_target = {dep["target"]: dep for dep in dependencies}
    assert [dep["target"] for dep in dependencies] == [
        "1A",
        "A-2",
        "1A/A-1",
        "1A/A-2",
        "U-RE1",
        "1Z",
    ]
    assert by_target["A-2"] == {
        "target": "A-2",
        "target_path": "1A/A-2",
        "target_code": "A-2",
        "target_status": "resolved",
        "target_candidates": ["1A/A-2"],
        "provides": "Spare parts",
        "direction": "with",
        "note": "",
    }
    ambiguous = by_target["U-RE1"]
    assert (ambiguous["target_path"], ambiguous["target_code"]) == (None, None)
    assert ambiguous["target_status"] == "ambiguous"
    assert ambiguous["target_candidates"] == ["1A/A-1/U-RE1", "1B/B-1/U-RE1"]
    assert by_target["1Z"]["target_status"] == "unknown"
    assert by_target["1Z"]["target_candidates"] == []


def test_people_roles_catalog_and_policies_are_exported(document: dict[str, Any]) -> None:
    assert document["people"][1] == {
        "id": "ana",
        "name": "Ana Ops",
        "email": "ana@example.com",
        "chat": None,
        "timezone": None,
        "roles": ["lead"],
        "contacts": [],
    }
    sre = document["roles"][1]
    assert "internal_id" not in sre
    assert sre["headcount"] == {"min": 2, "max": 3}
    assert (sre["group"], sre["group_path"], sre["escalation_order"]) == ("1B", "1B", 1)
    catalog = {entry["id"]: entry for entry in document["catalog"]}
    assert (catalog["k8s"]["owner"], catalog["k8s"]["owner_path"]) == ("B-1", "1B/B-1")
    assert catalog["orphan"]["owner_path"] is None
    assert catalog["cluster-api"]["depends_on"] == ["k8s", "racks", "nowhere"]
    assert _group(document, "1A/A-2")["catalog"] == ["racks"]
    assert document["policies"]["lead_threshold"] == {"size": 3, "kinds": ["squad"]}
    assert document["policies"]["forbidden_interfaces"][0]["groups"] == ["1A", "1B/B-1/U-C1"]
