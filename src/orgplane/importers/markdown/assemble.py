"""Turn an import draft into a validated ``Org``: resolve dependency targets, choose
between the documents' two renderings of the same facts, and write the policies.

Imports ``importers.markdown.draft``, ``importers.markdown.phrases.grammar``, ``importers.report``,
``importers.textlimit`` and ``model``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from orgplane.importers.markdown.draft import Draft, OrgDraft, match_name
from orgplane.importers.markdown.phrases.grammar import authority_terms, slug
from orgplane.importers.report import ImportReport
from orgplane.importers.textlimit import bound_texts, cut_too_long
from orgplane.model import Org

__all__ = ["to_org"]

_SUB_CODE = re.compile(r"^(?P<parent>[A-Z0-9]+)-(?P<number>\d+)$")


def _paths(groups: dict[str, Draft], prefix: str = "") -> dict[str, list[str]]:
    by_code: dict[str, list[str]] = {}
    stack = [(prefix, group) for group in groups.values()]
    while stack:
        parent, group = stack.pop()
        path = f"{parent}/{group.code}" if parent else group.code
        by_code.setdefault(group.code, []).append(path)
        stack.extend((path, child) for child in group.children.values())
    return by_code


def _resolve(target: str, by_code: dict[str, list[str]], top: dict[str, Draft]) -> str:
    """A dependency target as the spec should write it: the bare code where it is unique,
    "1F/F-2" for the documents' "1F-2" (squad 2 of department 1F), else as written."""
    if target in by_code:
        return target
    found = _SUB_CODE.match(target)
    if found and found["parent"] in top:
        parent = top[found["parent"]]
        matches = [code for code in parent.children if code.endswith(f"-{found['number']}")]
        if len(matches) == 1:
            return f"{parent.code}/{matches[0]}"
    return target


def _group(
    draft: Draft, by_code: dict[str, list[str]], top: dict[str, Draft], paths: set[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {"code": draft.code, "kind": draft.kind, "name": draft.name or draft.code}
    if draft.description:
        out["description"] = "\n".join(draft.description)
    # The documents itemize responsibilities in their trees and summarize them in the
    # table; the itemized form wins, the table's text stays as the description.
    responsibilities = draft.responsibilities or draft.table_responsibilities
    if responsibilities:
        out["responsibilities"] = responsibilities
    if draft.stack:
        out["stack"] = draft.stack
    notes = list(draft.notes)
    # KPIs as the table writes them (the typed form later issues parse); the tree's
    # wording of the same KPIs is kept as a note when it differs.
    kpis = draft.kpis or draft.tree_kpis
    if kpis:
        out["kpis"] = kpis
    if draft.kpis and draft.tree_kpis and draft.tree_kpis != draft.kpis:
        notes.append("KPIs also written as: " + "; ".join(draft.tree_kpis))
    if draft.dependencies:
        dependencies: list[dict[str, Any]] = []
        for dep in draft.dependencies:
            # "1B/1C" names two groups, "1F/F-2" one group by its path: the org decides.
            target = dep.written if dep.written in paths else _resolve(dep.target, by_code, top)
            entry = {
                "target": target,
                **({"provides": dep.provides} if dep.provides else {}),
                **({"direction": dep.direction} if dep.direction != "from" else {}),
            }
            if entry not in dependencies:
                dependencies.append(entry)
        out["dependencies"] = dependencies
    if draft.boundaries:
        out["boundaries"] = draft.boundaries
    if draft.stakeholders:
        out["stakeholders"] = merged_stakeholders(draft.stakeholders)
    if draft.leads:
        out["leads"] = draft.leads
    if draft.members:
        out["members"] = draft.members
    if notes:
        out["notes"] = notes
    if draft.children:
        out["groups"] = [_group(child, by_code, top, paths) for child in draft.children.values()]
    return out


def to_org(draft: OrgDraft, report: ImportReport | None = None) -> Org:
    """The draft as a validated org (a bug, not bad input, if it does not validate); a
    text longer than the spec allows is split or cut, with a finding in ``report``."""
    by_code = _paths(draft.groups)
    paths = {path for found in by_code.values() for path in found}
    name = draft.name or "Imported organization"
    code = draft.code or _acronym(name)
    policies: dict[str, Any] = {}
    if draft.forbidden:
        policies["forbidden_interfaces"] = [
            {"groups": [a, _resolve(b, by_code, draft.groups)], "note": note}
            for a, b, note in draft.forbidden
        ]
    policies.update(draft.planning)
    if draft.change_classes:
        policies["change_classes"] = draft.change_classes
    if draft.review_cadences:
        policies["review_cadences"] = draft.review_cadences
    if draft.career_ladder:
        policies["career_ladder"] = draft.career_ladder
    if draft.authorities:
        policies["authorities"] = [
            {
                "group": group,
                "subjects": [{"name": s, "match": authority_terms(s)} for s in subjects],
                "note": note,
            }
            for group, subjects, note in draft.authorities
        ]
    groups = [_group(group, by_code, draft.groups, paths) for group in draft.groups.values()]
    kpis = [{"text": text, **({"note": note} if note else {})} for text, note in draft.kpis]
    team_facts = {
        "responsibilities": draft.responsibilities,
        "kpis": kpis,
        "boundaries": draft.boundaries,
        "stakeholders": merged_stakeholders(draft.stakeholders),
    }
    owner = ""
    if not groups and (any(team_facts.values()) or draft.roles):
        # A team document: the team is the one group; what it does, measures and
        # bounds, and who it works with, are the team's.
        team: dict[str, Any] = {"code": code, "kind": "team", "name": name}
        team.update({key: value for key, value in team_facts.items() if value})
        groups, owner = [team], code
    else:
        draft.notes.extend(draft.responsibilities)
        draft.notes.extend(f"KPI: {k['text']}" for k in kpis)
        draft.notes.extend(draft.boundaries)
        draft.notes.extend(f"Stakeholder: {s}" for s in draft.stakeholders)
    roles = [
        {**role, "description": "\n".join(role["description"])} if "description" in role else role
        for role in draft.roles.values()
    ]
    catalog: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in draft.catalog:
        base = slug(entry["name"])[:56]
        ident, n = base, 1
        while ident in seen:  # two entries of one name: number the later ones
            n += 1
            ident = f"{base}-{n}"
        seen.add(ident)
        entry = {"owner": owner, **{k: v for k, v in entry.items() if v}}
        catalog.append({"id": ident, **{k: v for k, v in entry.items() if v}})
    role_names = {key: role["name"] for key, role in draft.roles.items()}
    document: dict[str, Any] = {
        "code": code,
        "catalog": catalog,
        "name": name,
        "groups": groups,
        "roles": roles,
        "people": list(draft.people.values()),
        "leads": draft.leads,
        "workflows": draft.workflows,
        "templates": draft.templates,
        "gates": draft.gates,
        "oncall": [
            _named_rotation({"group": owner, **r} if owner else r, role_names)
            for r in draft.rotations
        ],
        "roadmap": draft.roadmap,
        "policies": policies,
        "glossary": [{"term": t, "definition": d} for t, d in draft.glossary.items()],
        "notes": draft.notes,
    }
    if draft.description:
        document["description"] = "\n".join(draft.description)
    try:
        return Org.model_validate(document)
    except ValidationError as exc:
        # Bound texts only when one is too long: walking every org's document costs time.
        if not any(error["type"] == "string_too_long" for error in exc.errors()):
            raise
    report = report if report is not None else ImportReport()
    bounded = bound_texts(document, report)
    try:
        return Org.model_validate(bounded)
    except ValidationError as exc:
        if not cut_too_long(bounded, exc.errors(), report):
            raise
    return Org.model_validate(bounded)


def _named_rotation(rotation: dict[str, Any], roles: dict[str, str]) -> dict[str, Any]:
    """A rotation whose people are written as roles ("SRE") names them as the roles do
    ("Site Reliability Engineer"); what it was written as stays in the step's note."""

    def named(text: str) -> str:
        key = match_name(text, roles)
        return roles[key] if key is not None else text

    out = dict(rotation)
    for field in ("primary", "secondary"):
        if out.get(field):
            out[field] = named(out[field])
    steps = []
    for step in out.get("escalation", []):
        name = named(step["to"])
        if name != step["to"] and not step.get("note"):
            step = {**step, "to": name, "note": f"Written as {step['to']!r}."}
        steps.append(step)
    if steps:
        out["escalation"] = steps
    return out


def _acronym(name: str) -> str:
    letters = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", name) if word[0].isupper())
    return letters[:12] or slug(name)[:12].upper() or "ORG"


def merged_stakeholders(items: list[str]) -> list[str]:
    """Stakeholders with one entry each: documents often name one twice, in an
    "Interfaces" list and a "Collaboration" table ("Development: deployment targets" and
    "Development: environment provisioning"); those become one entry, "Development:
    deployment targets; environment provisioning", in the place of the first."""
    merged: dict[str, str] = {}
    for item in items:
        label, colon, what = item.partition(":")
        key = label.strip().casefold() if colon else item.strip().casefold()
        if key not in merged:
            merged[key] = item
        elif colon and what.strip() and what.strip() not in merged[key]:
            merged[key] = f"{merged[key].rstrip()}; {what.strip()}"
    return list(merged.values())
