"""Groups in the database: the org tree, with KPIs, dependencies and memberships.
This module writes them (the snapshot and its sync); ``store.group_queries`` reads them,
and its read models and queries are re-exported here.

Imports ``model``, ``store.tables``, ``store.sync`` and ``store.search``. A group is
found by org code + path; its KPIs, dependencies and memberships are child rows keyed by
that path, which the database moves along when the group's path changes (ON UPDATE
CASCADE) and deletes with the group. Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from orgplane.model import Group, Org, OrgIndex
from orgplane.store.group_queries import (
    DependencyView,
    GroupSummary,
    GroupView,
    KpiView,
    all_summaries,
    child_groups,
    count_groups,
    dependents_of,
    get_group,
    groups_by_code,
    groups_by_kind,
    groups_of_person,
    page_groups,
    search_groups,
)
from orgplane.store.search import search_text
from orgplane.store.sync import Row, RowDiff, fetch_keys, fetch_rows, write_diff
from orgplane.store.tables import DependencyRow, GroupRow, KpiRow, MembershipRow

__all__ = [
    "DependencyView",
    "GroupSnapshot",
    "GroupSummary",
    "GroupView",
    "KpiView",
    "all_summaries",
    "child_groups",
    "count_groups",
    "dependents_of",
    "diff_groups",
    "fetch_snapshot",
    "follow_moves",
    "follow_moves_keys",
    "get_group",
    "groups_by_code",
    "groups_by_kind",
    "groups_of_person",
    "page_groups",
    "search_groups",
    "spec_snapshot",
    "write_children",
    "write_groups",
]

CHILD_KEY = ("org_code", "group_path", "position")
MEMBERSHIP_KEY = ("org_code", "group_path", "relation", "person_id")


# -- the snapshot: rows the spec wants, rows the database has -------------------------------


@dataclass(slots=True)
class GroupSnapshot:
    """One org's group rows and their child rows, keyed by identity."""

    #: by path
    groups: dict[str, Row] = field(default_factory=dict)
    #: by (org code, path, position)
    kpis: dict[Any, Row] = field(default_factory=dict)
    #: by (org code, path, position)
    dependencies: dict[Any, Row] = field(default_factory=dict)
    #: (org code, path, relation, person id): a membership row is its key
    memberships: set[tuple[str, ...]] = field(default_factory=set)


def _group_row(org_code: str, path: str, group: Group, parent: str | None, position: int) -> Row:
    return {
        "org_code": org_code,
        "path": path,
        "code": group.code,
        "kind": group.kind,
        "name": group.name,
        "description": group.description,
        "parent_path": parent,
        "depth": path.count("/"),
        "position": position,
        "leads": list(group.leads),
        "members": list(group.members),
        "oncall": list(group.oncall) if group.oncall is not None else None,
        "responsibilities": list(group.responsibilities),
        "stack": [item.model_dump(mode="json") for item in group.stack],
        "stakeholders": list(group.stakeholders),
        "boundaries": list(group.boundaries),
        "notes": list(group.notes),
        "search_text": search_text(
            [
                group.code,
                group.name,
                group.description,
                *group.responsibilities,
                *(str(item) for item in group.stack),
                *(kpi.text for kpi in group.kpis),
                *group.stakeholders,
                *group.boundaries,
                *group.notes,
            ]
        ),
    }


def spec_snapshot(org: Org, index: OrgIndex) -> GroupSnapshot:
    """The rows ``org`` wants (``index`` is its ``OrgIndex``)."""
    code = org.code
    snapshot = GroupSnapshot()
    for path, group in index.groups.items():
        snapshot.groups[path] = _group_row(code, path, group, index.parent(path), 0)
        for i, kpi in enumerate(group.kpis):
            snapshot.kpis[(code, path, i)] = {
                "org_code": code,
                "group_path": path,
                "position": i,
                "text": kpi.text,
                "name": kpi.name,
                "weight": kpi.weight,
                "note": kpi.note,
            }
        for i, dependency in enumerate(group.dependencies):
            snapshot.dependencies[(code, path, i)] = {
                "org_code": code,
                "group_path": path,
                "position": i,
                "target": dependency.target,
                "target_path": index.resolve(dependency.target).path,
                "provides": dependency.provides,
                "direction": dependency.direction.value,
                "note": dependency.note,
            }
        for relation, people in (
            ("lead", group.leads),
            ("member", group.members),
            ("oncall", group.oncall or []),
        ):
            for person in people:
                snapshot.memberships.add((code, path, relation, person))
    # Positions among siblings, in one pass (``list.index`` per group would be quadratic).
    for parent in {row["parent_path"] for row in snapshot.groups.values()}:
        for position, path in enumerate(index.children(parent)):
            snapshot.groups[path]["position"] = position
    return snapshot


def fetch_snapshot(session: Session, org_code: str) -> GroupSnapshot:
    """The rows the database has for ``org_code``."""
    return GroupSnapshot(
        groups=fetch_rows(session, GroupRow, org_code, ("path",)),
        kpis=fetch_rows(session, KpiRow, org_code, CHILD_KEY),
        dependencies=fetch_rows(session, DependencyRow, org_code, CHILD_KEY),
        memberships=fetch_keys(session, MembershipRow, org_code, MEMBERSHIP_KEY),
    )


def diff_groups(
    old: Mapping[str, Row], new: Mapping[str, Row], moves: Mapping[str, str]
) -> RowDiff:
    """Group writes: ``moves`` (old path → new path) update a row in place, keeping its id."""
    moved_from = {new_path: old_path for old_path, new_path in moves.items()}
    diff = RowDiff()
    for path, row in new.items():
        before = old.get(moved_from.get(path, path))
        if before is None:
            diff.inserts.append(row)
        elif any(before[name] != value for name, value in row.items()):
            diff.updates.append({"id": before["id"], **row})
    diff.deletes.extend(row for path, row in old.items() if path not in new and path not in moves)
    return diff


def write_groups(session: Session, diff: RowDiff) -> None:
    write_diff(session, GroupRow, diff, ("id",))


def follow_moves(
    old: Mapping[Any, Row], moves: Mapping[str, str], alive: set[str]
) -> Mapping[Any, Row]:
    """Child rows as the database holds them once group writes are done: rows of moved
    groups under their new path (ON UPDATE CASCADE), rows of deleted groups gone."""
    if not moves and all(row["group_path"] in alive for row in old.values()):
        return old
    out: dict[Any, Row] = {}
    for key, row in old.items():
        path = row["group_path"]
        path = moves.get(path, path)
        if path not in alive:
            continue
        out[(key[0], path, *key[2:])] = {**row, "group_path": path}
    return out


def follow_moves_keys(
    old: set[tuple[str, ...]], moves: Mapping[str, str], alive: set[str]
) -> set[tuple[str, ...]]:
    """``follow_moves`` for membership keys."""
    if not moves and all(key[1] in alive for key in old):
        return old
    return {
        (key[0], moves.get(key[1], key[1]), *key[2:])
        for key in old
        if moves.get(key[1], key[1]) in alive
    }


def write_children(
    session: Session, kpis: RowDiff, dependencies: RowDiff, memberships: RowDiff
) -> None:
    write_diff(session, KpiRow, kpis, CHILD_KEY)
    write_diff(session, DependencyRow, dependencies, CHILD_KEY)
    write_diff(session, MembershipRow, memberships, MEMBERSHIP_KEY)
