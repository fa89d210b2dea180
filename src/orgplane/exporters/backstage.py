"""Backstage catalog export: the org as ``backstage.io/v1alpha1`` entities in one YAML stream.

Imports ``orgplane.model``, the exporters' ``_common`` and PyYAML only. The output is a
``catalog-info.yaml`` Backstage can ingest as is:

- a root ``Group`` for the org (``spec.type: organization``) and a ``Group`` per group,
  whose ``spec.type`` is the group's kind, with ``parent``, ``children`` and ``members``;
- a ``User`` per person, ``memberOf`` the groups that list them as lead or member;
- per catalog entry a ``System`` (system), ``Component`` (service, offering, library,
  website) or ``Resource`` (resource), owned by its group.

Backstage names must be 1–63 characters of letters and digits separated by ``-``, ``_``
or ``.``, unique per kind (case-insensitively). Group names are built from the org code and
the group's path, so ``1C/C-5/U-RE1`` and ``1F/F-6/U-RE1`` stay distinct; names that come
out too long are cut and end in a hash of what they stand for, so they stay stable and
unique. Where the names cannot carry a fact (the original path, an owner that does not
resolve), an ``orgplane.dev/…`` annotation does.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from orgplane.exporters._common import MAX_NAME_LENGTH, NameAllocator, fitted_name, one_line
from orgplane.model import CatalogEntry, CatalogKind, Org, OrgIndex, Person

__all__ = ["API_VERSION", "MAX_NAME_LENGTH", "entity_name", "export_backstage"]

# libyaml's emitter writes the same text as PyYAML's pure-Python one, about five times
# faster; a large org is megabytes of YAML.
_DUMPER: type[yaml.SafeDumper] | type[yaml.CSafeDumper] = (
    yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
)

API_VERSION = "backstage.io/v1alpha1"
_ANNOTATION = "orgplane.dev"

_INVALID_NAME_CHARS = re.compile(r"[^a-z0-9._-]+")
_SEPARATOR_RUN = re.compile(r"[._-]{2,}")
_INVALID_TAG_CHARS = re.compile(r"[^a-z0-9]+")

#: Backstage kind and ``spec.type`` for each kind of catalog entry (``None``: no type).
_ENTRY_KINDS: dict[CatalogKind, tuple[str, str | None]] = {
    CatalogKind.SYSTEM: ("System", None),
    CatalogKind.SERVICE: ("Component", "service"),
    CatalogKind.OFFERING: ("Component", "service"),
    CatalogKind.LIBRARY: ("Component", "library"),
    CatalogKind.WEBSITE: ("Component", "website"),
    CatalogKind.RESOURCE: ("Resource", "infrastructure"),
}


def entity_name(text: str, key: str | None = None) -> str:
    """A valid Backstage ``metadata.name`` for ``text``: lowercase, invalid characters
    replaced by ``-``, separators not doubled, at most 63 characters. When ``text`` has to
    be cut, or has nothing usable left, a hash of ``key`` (default: ``text``) ends it."""
    name = _SEPARATOR_RUN.sub("-", _INVALID_NAME_CHARS.sub("-", text.lower())).strip("._-")
    return fitted_name(name, key if key is not None else text, "._-")


def _names() -> NameAllocator:
    """Entity names of one kind, never the same one twice."""
    return NameAllocator(entity_name, "._-")


def export_backstage(org: Org, index: OrgIndex) -> str:
    """The org as a multi-document YAML stream of Backstage entities."""
    return yaml.dump_all(
        _entities(org, index),
        Dumper=_DUMPER,
        explicit_start=True,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=120,
    )


def _ref(kind: str, name: str) -> str:
    return f"{kind.lower()}:default/{name}"


def _entities(org: Org, index: OrgIndex) -> list[dict[str, Any]]:
    group_names = _names()
    root = group_names.allocate(org.code, f"org:{org.code}")
    groups = {path: group_names.allocate(f"{org.code}-{path}", path) for path in index.groups}
    # A person id written twice is a finding for the validator; here the first one wins.
    people = _first_of_each_id(org.people)
    user_names = _names()
    users = {person.id: user_names.allocate(person.id, person.id) for person in people}

    member_of: dict[str, list[str]] = {person_id: [] for person_id in users}
    root_members = _known(org.leads, users)
    for person_id in root_members:
        member_of[person_id].append(_ref("Group", root))
    entities = [
        _group_entity(
            name=root,
            title=org.name,
            description=org.description,
            spec={
                "type": "organization",
                "children": [_ref("Group", groups[path]) for path in index.children(None)],
                "members": [_ref("User", users[pid]) for pid in root_members],
            },
            annotations={"org": org.code},
        )
    ]
    for path, group in index.groups.items():
        parent = index.parent(path)
        members = _known([*group.leads, *group.members], users)
        for person_id in members:
            member_of[person_id].append(_ref("Group", groups[path]))
        spec: dict[str, Any] = {
            "type": group.kind,
            "profile": {"displayName": one_line(f"{group.code} {group.name}")},
            "parent": _ref("Group", root if parent is None else groups[parent]),
            "children": [_ref("Group", groups[child]) for child in index.children(path)],
            "members": [_ref("User", users[pid]) for pid in members],
        }
        entities.append(
            _group_entity(
                name=groups[path],
                title=group.name,
                description=group.description,
                spec=spec,
                annotations={"path": path, "code": group.code},
            )
        )
    for person in people:
        profile = {"displayName": one_line(person.name)}
        if person.email:
            profile["email"] = person.email
        entities.append(
            {
                "apiVersion": API_VERSION,
                "kind": "User",
                "metadata": {
                    "name": users[person.id],
                    "title": one_line(person.name),
                    "annotations": _annotations({"id": person.id}),
                },
                "spec": {"profile": profile, "memberOf": member_of[person.id]},
            }
        )
    entities.extend(_catalog_entities(org, index, groups, root))
    return entities


def _first_of_each_id(people: list[Person]) -> list[Person]:
    seen: set[str] = set()
    out: list[Person] = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            out.append(person)
    return out


def _known(person_ids: list[str], users: dict[str, str]) -> list[str]:
    """The ids that name a person of the org, once each: a reference to a User that is not
    in the catalog would dangle, and the validator already reports unknown people."""
    return list(dict.fromkeys(pid for pid in person_ids if pid in users))


def _group_entity(
    *, name: str, title: str, description: str, spec: dict[str, Any], annotations: dict[str, str]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "title": one_line(title)}
    if description.strip():
        metadata["description"] = description.strip()
    metadata["annotations"] = _annotations(annotations)
    return {"apiVersion": API_VERSION, "kind": "Group", "metadata": metadata, "spec": spec}


def _catalog_entities(
    org: Org, index: OrgIndex, groups: dict[str, str], root: str
) -> list[dict[str, Any]]:
    allocators: dict[str, NameAllocator] = {}
    names: list[str] = []
    refs: dict[str, str] = {}
    for entry in org.catalog:
        kind = _ENTRY_KINDS[entry.kind][0]
        name = allocators.setdefault(kind, _names()).allocate(entry.id, entry.id)
        names.append(name)
        # An id written twice is a finding for the validator; references go to the first.
        refs.setdefault(entry.id, _ref(kind, name))
    entities: list[dict[str, Any]] = []
    for entry, name in zip(org.catalog, names, strict=True):
        kind, spec_type = _ENTRY_KINDS[entry.kind]
        annotations = _entry_annotations(entry)
        owner_path = None
        if entry.owner is None:
            annotations["owner-unresolved"] = "(no owner in the spec)"
        else:
            resolution = index.resolve(entry.owner)
            owner_path = resolution.path
            if resolution.ambiguous:
                candidates = ", ".join(resolution.paths)
                annotations["owner-unresolved"] = f"{entry.owner} (ambiguous: {candidates})"
            elif owner_path is None:
                annotations["owner-unresolved"] = f"{entry.owner} (no such group)"
        spec: dict[str, Any] = {}
        if spec_type is not None:
            spec["type"] = spec_type
        if kind == "Component":
            spec["lifecycle"] = entry.lifecycle.strip() or "unknown"
        spec["owner"] = _ref("Group", root if owner_path is None else groups[owner_path])
        depends_on = [refs[dep] for dep in entry.depends_on if dep in refs]
        unknown = [dep for dep in entry.depends_on if dep not in refs]
        # System has no dependsOn in Backstage's schema; the annotation keeps the fact.
        if depends_on and kind != "System":
            spec["dependsOn"] = depends_on
        elif depends_on:
            annotations["depends-on"] = ", ".join(depends_on)
        if unknown:
            annotations["depends-on-unresolved"] = ", ".join(unknown)
        metadata: dict[str, Any] = {
            "name": name,
            "title": one_line(entry.name),
        }
        if entry.description.strip():
            metadata["description"] = entry.description.strip()
        tags = _tags(entry.tags)
        if tags:
            metadata["tags"] = tags
        metadata["annotations"] = _annotations(annotations)
        entities.append(
            {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}
        )
    return entities


def _entry_annotations(entry: CatalogEntry) -> dict[str, str]:
    annotations = {"id": entry.id, "kind": entry.kind.value}
    if entry.tier is not None:
        annotations["tier"] = str(entry.tier)
    for key, value in (("sla", entry.sla), ("contact", entry.contact), ("intake", entry.intake)):
        if value.strip():
            annotations[key] = value.strip()
    if entry.escalation:
        annotations["escalation"] = " → ".join(one_line(step) for step in entry.escalation)
    if entry.tools:
        annotations["tools"] = ", ".join(entry.tools)
    return annotations


def _annotations(values: dict[str, str]) -> dict[str, str]:
    return {f"{_ANNOTATION}/{key}": value for key, value in values.items()}


def _tags(tags: list[str]) -> list[str]:
    """Backstage tags are DNS labels: lowercase letters and digits joined by single ``-``."""
    out: list[str] = []
    for tag in tags:
        clean = _INVALID_TAG_CHARS.sub("-", tag.lower()).strip("-")[:MAX_NAME_LENGTH].rstrip("-")
        if clean and clean not in out:
            out.append(clean)
    return out
