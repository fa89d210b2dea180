"""Backstage export: entities Backstage accepts (required fields, valid unique names) whose
references all point at entities in the same export."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from orgplane.exporters import export
from orgplane.exporters.backstage import MAX_NAME_LENGTH, entity_name
from orgplane.model import Group, Org

NAME = r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
_DNS_LABEL = r"[a-z0-9]+(-[a-z0-9]+)*"
ANNOTATION_KEY = rf"^({_DNS_LABEL}(\.{_DNS_LABEL})*/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

#: Backstage's documented envelope rules and each kind's required spec fields
#: (catalog-model's kind schemas, backstage.io/v1alpha1).
ENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "backstage.io/v1alpha1"},
        "kind": {"enum": ["Group", "User", "System", "Component", "Resource"]},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": NAME, "maxLength": 63},
                "title": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "tags": {"type": "array", "items": {"pattern": f"^{_DNS_LABEL}$", "maxLength": 63}},
                "annotations": {
                    "type": "object",
                    "propertyNames": {"pattern": ANNOTATION_KEY},
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    },
    "allOf": [
        {
            "if": {"properties": {"kind": {"const": kind}}},
            "then": {"properties": {"spec": {"type": "object", "required": required}}},
        }
        for kind, required in {
            "Group": ["type", "children"],
            "User": ["memberOf"],
            "System": ["owner"],
            "Component": ["type", "lifecycle", "owner"],
            "Resource": ["type", "owner"],
        }.items()
    ],
}


def _entities(org: Org) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all(export(org, "backstage")))


@pytest.fixture(scope="module")
def entities(small_org: Org) -> list[dict[str, Any]]:
    return _entities(small_org)


def _refs(entities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        f"{entity['kind'].lower()}:default/{entity['metadata']['name']}": entity
        for entity in entities
    }


def _by_path(entities: list[dict[str, Any]], path: str) -> dict[str, Any]:
    return next(
        entity
        for entity in entities
        if entity["metadata"]["annotations"].get("orgplane.dev/path") == path
    )


def _assert_valid_catalog(entities: list[dict[str, Any]]) -> None:
    validator = Draft202012Validator(ENTITY_SCHEMA)
    for entity in entities:
        assert list(validator.iter_errors(entity)) == [], entity["metadata"]["name"]
    keys = [(e["kind"], e["metadata"]["name"].lower()) for e in entities]
    assert len(keys) == len(set(keys)), "kind + name must be unique"
    refs = _refs(entities)
    for entity in entities:
        spec = entity["spec"]
        pointed = [*spec.get("children", []), *spec.get("members", []), *spec.get("memberOf", [])]
        pointed += [spec[key] for key in ("parent", "owner") if key in spec]
        pointed += spec.get("dependsOn", [])
        for ref in pointed:
            assert ref in refs, f"{entity['metadata']['name']} points at missing {ref}"
        for child in spec.get("children", []) if entity["kind"] == "Group" else []:
            name = entity["metadata"]["name"]
            assert refs[child]["spec"]["parent"] == f"group:default/{name}"


def test_the_export_is_a_valid_backstage_catalog(entities: list[dict[str, Any]]) -> None:
    _assert_valid_catalog(entities)
    assert [entity["kind"] for entity in entities].count("Group") == 1 + 10


def test_every_bundled_example_is_a_valid_backstage_catalog(example_org: Org) -> None:
    _assert_valid_catalog(_entities(example_org))


def test_the_org_is_the_root_group(entities: list[dict[str, Any]]) -> None:
    root = entities[0]
    assert root["metadata"] == {
        "name": "acme",
        "title": "Chief Infrastructure Officer",
        "description": "The infrastructure organization of ACME.",
        "annotations": {"orgplane.dev/org": "ACME"},
    }
    assert root["spec"] == {
        "type": "organization",
        "children": ["group:default/acme-1a", "group:default/acme-1b"],
        "members": ["user:default/ceo"],
    }
    assert "parent" not in root["spec"]


def test_groups_carry_kind_title_parent_children_and_members(
    entities: list[dict[str, Any]],
) -> None:
    squad = _by_path(entities, "1A/A-1")
    assert squad["metadata"]["name"] == "acme-1a-a-1"
    assert squad["metadata"]["title"] == "Procurement & Vendor Ops"
    assert squad["spec"] == {
        "type": "squad",
        "profile": {"displayName": "A-1 Procurement & Vendor Ops"},
        "parent": "group:default/acme-1a",
        "children": ["group:default/acme-1a-a-1-u-v1", "group:default/acme-1a-a-1-u-re1"],
        "members": ["user:default/ana", "user:default/ben"],
    }
    assert _by_path(entities, "1B/B-1/U-C1/U-C1a")["spec"]["children"] == []


def test_one_code_under_two_parents_gives_two_names(entities: list[dict[str, Any]]) -> None:
    names = {
        _by_path(entities, path)["metadata"]["name"] for path in ("1A/A-1/U-RE1", "1B/B-1/U-RE1")
    }
    assert names == {"acme-1a-a-1-u-re1", "acme-1b-b-1-u-re1"}


def test_users_are_members_of_the_groups_that_list_them(entities: list[dict[str, Any]]) -> None:
    users = {e["metadata"]["name"]: e for e in entities if e["kind"] == "User"}
    assert users["ana"]["spec"] == {
        "profile": {"displayName": "Ana Ops", "email": "ana@example.com"},
        "memberOf": ["group:default/acme-1a-a-1"],
    }
    assert users["ceo"]["spec"]["memberOf"] == ["group:default/acme"]
    for group in (e for e in entities if e["kind"] == "Group"):
        for member in group["spec"]["members"]:
            user = users[member.rpartition("/")[2]]
            assert f"group:default/{group['metadata']['name']}" in user["spec"]["memberOf"]


def test_catalog_entries_map_to_backstage_kinds(entities: list[dict[str, Any]]) -> None:
    entries = {
        e["metadata"]["annotations"]["orgplane.dev/id"]: e
        for e in entities
        if e["kind"] in ("System", "Component", "Resource")
    }
    assert entries["racks"]["kind"] == "Resource"
    assert entries["racks"]["spec"] == {
        "type": "infrastructure",
        "owner": "group:default/acme-1a-a-2",
    }
    assert entries["racks"]["metadata"]["tags"] == ["hardware", "dc-ops"]
    assert entries["k8s"]["kind"] == "System"
    assert entries["k8s"]["spec"] == {"owner": "group:default/acme-1b-b-1"}
    assert entries["k8s"]["metadata"]["annotations"]["orgplane.dev/depends-on"] == (
        "resource:default/racks"
    )
    service = entries["cluster-api"]
    assert service["kind"] == "Component"
    assert service["spec"] == {
        "type": "service",
        "lifecycle": "production",
        "owner": "group:default/acme-1b-b-1-u-c1",
        "dependsOn": ["system:default/k8s", "resource:default/racks"],
    }
    annotations = service["metadata"]["annotations"]
    assert annotations["orgplane.dev/depends-on-unresolved"] == "nowhere"
    assert annotations["orgplane.dev/escalation"] == "B-1 on-call → 1B head"
    assert annotations["orgplane.dev/sla"] == "99.95% monthly"
    assert (entries["orphan"]["kind"], entries["orphan"]["spec"]["type"]) == (
        "Component",
        "website",
    )


def test_an_unresolvable_owner_falls_back_to_the_org_and_says_why(
    entities: list[dict[str, Any]],
) -> None:
    orphan = next(e for e in entities if e["metadata"]["name"] == "orphan")
    assert orphan["spec"]["owner"] == "group:default/acme"
    assert orphan["metadata"]["annotations"]["orgplane.dev/owner-unresolved"] == (
        "U-RE1 (ambiguous: 1A/A-1/U-RE1, 1B/B-1/U-RE1)"
    )


def test_names_that_differ_only_in_separators_stay_distinct() -> None:
    org = Org(
        code="O",
        name="Org",
        groups=[
            Group(
                code="1C",
                name="C",
                groups=[Group(code="C-5", name="a"), Group(code="C_5", name="b")],
            )
        ],
    )
    entities = _entities(org)
    _assert_valid_catalog(entities)
    assert _by_path(entities, "1C/C-5")["metadata"]["name"] == "o-1c-c-5"
    assert _by_path(entities, "1C/C_5")["metadata"]["name"] != "o-1c-c-5"


def test_deep_paths_of_long_codes_give_short_unique_names() -> None:
    group = Group(code="U" * 60, name="leaf")
    for depth in range(6):
        group = Group(code=f"{'L' * 58}-{depth}", name=f"level {depth}", groups=[group])
    entities = _entities(Org(code="O", name="Org", groups=[group]))
    _assert_valid_catalog(entities)
    assert all(len(e["metadata"]["name"]) <= MAX_NAME_LENGTH for e in entities)


def test_entity_names_are_cleaned_cut_and_hashed_stably() -> None:
    assert entity_name("1C/C-5/U-RE1") == "1c-c-5-u-re1"
    assert entity_name("jane.doe@example.com") == "jane.doe-example.com"
    assert entity_name("--A__b..c--") == "a-b-c"
    long = entity_name("x" * 100)
    assert len(long) == MAX_NAME_LENGTH
    assert re.fullmatch(r"x{54}-[0-9a-f]{8}", long)
    assert entity_name("x" * 100) == long
    assert entity_name("x" * 100, key="other") != long
    assert re.fullmatch(r"[0-9a-f]{8}", entity_name("ü/ß"))


@given(st.text(max_size=200))
def test_any_text_gives_a_valid_entity_name(text: str) -> None:
    name = entity_name(text)
    assert re.fullmatch(NAME, name)
    assert len(name) <= MAX_NAME_LENGTH


def test_ids_written_twice_still_give_a_valid_catalog() -> None:
    org = Org.model_validate(
        {
            "code": "O",
            "name": "Org",
            "groups": [{"code": "1A", "name": "A", "members": ["p"]}],
            "people": [{"id": "p", "name": "First"}, {"id": "p", "name": "Second"}],
            "catalog": [
                {"id": "svc", "name": "One", "owner": "1A"},
                {"id": "svc", "name": "Two", "owner": "1A"},
            ],
        }
    )
    entities = _entities(org)
    _assert_valid_catalog(entities)
    users = [e for e in entities if e["kind"] == "User"]
    assert [user["metadata"]["title"] for user in users] == ["First"]
    assert [e["metadata"]["title"] for e in entities if e["kind"] == "Component"] == ["One", "Two"]
