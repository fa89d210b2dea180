"""JSON export: the whole org as one document for other programs, with references resolved.

Imports ``orgplane.model`` and the stdlib only. Named ``jsonexport`` so that nobody reading
``import json`` in this package has to wonder which one is meant.

The shape is published as a JSON Schema (``org-export.schema.json``, draft 2020-12) and is
a contract: every object is built field by field from an allow-list, never by dumping a
model whole, so a field added to the model later (like ``Role.internal_id``, which must
never leave orgplane) cannot leak into the export by accident.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from orgplane.model import (
    CatalogEntry,
    Dependency,
    Group,
    Located,
    Org,
    OrgIndex,
    Person,
    Role,
)
from orgplane.model.notes import shown_notes

__all__ = ["EXPORT_VERSION", "SCHEMA_ID", "export_json", "export_json_schema", "org_document"]

#: Where the schema of this export is published; also written as ``$schema`` in each export.
SCHEMA_ID = "https://orgplane.dev/schemas/org-export.json"
#: Version of the export's shape; bumped on any incompatible change.
EXPORT_VERSION = 1
_SCHEMA_FILE = "org-export.schema.json"


def export_json(org: Org, index: OrgIndex) -> str:
    """The org as pretty-printed JSON text, in spec order, ending with a newline."""
    return json.dumps(org_document(org, index), indent=2, ensure_ascii=False) + "\n"


def export_json_schema() -> dict[str, object]:
    """The published JSON Schema of ``export_json``'s output (a fresh copy on each call)."""
    text = resources.files("orgplane.exporters").joinpath(_SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def org_document(org: Org, index: OrgIndex) -> dict[str, Any]:
    """The export as plain dicts and lists, before it is turned into text."""
    return {
        "$schema": SCHEMA_ID,
        "version": EXPORT_VERSION,
        "code": org.code,
        "name": org.name,
        "description": org.description,
        "leads": list(org.leads),
        "groups": [_group(group, group.code, index) for group in org.groups],
        "people": [_person(person) for person in org.people],
        "roles": [_role(role, index) for role in org.roles],
        "catalog": [_catalog_entry(entry, index) for entry in org.catalog],
        "policies": org.policies.model_dump(mode="json"),
        "oncall": _dump_all(org.oncall),
        "escalation_policies": _dump_all(org.escalation_policies),
        "templates": _dump_all(org.templates),
        "gates": _dump_all(org.gates),
        "workflows": _dump_all(org.workflows),
        "roadmap": _dump_all(org.roadmap),
        "glossary": _dump_all(org.glossary),
        "notes": shown_notes(org.notes),
    }


def _dump_all(items: Sequence[Located]) -> list[dict[str, Any]]:
    # Process definitions carry no internal ids; their model shape is their export shape.
    return [item.model_dump(mode="json") for item in items]


def _group(group: Group, path: str, index: OrgIndex) -> dict[str, Any]:
    # Recursion depth is bounded by the spec reader's nesting limit.
    return {
        "code": group.code,
        "kind": group.kind,
        "name": group.name,
        "path": path,
        "description": group.description,
        "leads": list(group.leads),
        "members": list(group.members),
        "oncall": None if group.oncall is None else list(group.oncall),
        "responsibilities": list(group.responsibilities),
        "stack": [
            {"name": item.name, "version": item.version, "note": item.note} for item in group.stack
        ],
        "kpis": [
            {"text": kpi.text, "name": kpi.name, "weight": kpi.weight, "note": kpi.note}
            for kpi in group.kpis
        ],
        "dependencies": [_dependency(dep, index) for dep in group.dependencies],
        "stakeholders": list(group.stakeholders),
        "boundaries": list(group.boundaries),
        "notes": shown_notes(group.notes),
        "catalog": [entry.id for entry in index.catalog_by_owner.get(path, [])],
        "children": [_group(child, f"{path}/{child.code}", index) for child in group.groups],
    }


def _dependency(dependency: Dependency, index: OrgIndex) -> dict[str, Any]:
    resolution = index.resolve(dependency.target)
    target_path = resolution.path
    if target_path is not None:
        status = "resolved"
    elif resolution.ambiguous:
        status = "ambiguous"
    else:
        status = "unknown"
    return {
        "target": dependency.target,
        "target_path": target_path,
        "target_code": None if target_path is None else index.groups[target_path].code,
        "target_status": status,
        "target_candidates": list(resolution.paths),
        "provides": dependency.provides,
        "direction": dependency.direction.value,
        "note": dependency.note,
    }


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "chat": person.chat,
        "timezone": person.timezone,
        "roles": list(person.roles),
        "contacts": [contact.model_dump(mode="json") for contact in person.contacts],
    }


def _role(role: Role, index: OrgIndex) -> dict[str, Any]:
    # Role.internal_id is deliberately absent: it must never appear in any output.
    headcount = role.headcount
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "specialty": role.specialty,
        "group": role.group,
        "group_path": None if role.group is None else index.resolve(role.group).path,
        "reports_to": role.reports_to,
        "responsibilities": list(role.responsibilities),
        "headcount": None if headcount is None else {"min": headcount.min, "max": headcount.max},
        "escalation_order": role.escalation_order,
    }


def _catalog_entry(entry: CatalogEntry, index: OrgIndex) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "kind": entry.kind.value,
        "owner": entry.owner,
        "owner_path": None if entry.owner is None else index.resolve(entry.owner).path,
        "owner_role": entry.owner_role,
        "description": entry.description,
        "tier": entry.tier,
        "lifecycle": entry.lifecycle,
        "sla": entry.sla,
        "contact": entry.contact,
        "intake": entry.intake,
        "escalation": list(entry.escalation),
        "tools": list(entry.tools),
        "depends_on": list(entry.depends_on),
        "tags": list(entry.tags),
    }
