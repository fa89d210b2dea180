"""Groups in the database: the org tree, with KPIs, dependencies and memberships.

Imports ``model``, ``store.tables``, ``store.sync`` and ``store.search``. A group is
found by org code + path; its KPIs, dependencies and memberships are child rows keyed by
that path, which the database moves along when the group's path changes (ON UPDATE
CASCADE) and deletes with the group. Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from orgplane.model import Group, Org, OrgIndex
from orgplane.store.search import match_clause, search_text, words
from orgplane.store.sync import Row, RowDiff, fetch_keys, fetch_rows, write_diff
from orgplane.store.tables import DependencyRow, GroupRow, KpiRow, MembershipRow

__all__ = [
    "DependencyView",
    "GroupSnapshot",
    "GroupSummary",
    "GroupView",
    "KpiView",
    "child_groups",
    "dependents_of",
    "diff_groups",
    "fetch_snapshot",
    "follow_moves",
    "follow_moves_keys",
    "get_group",
    "groups_by_code",
    "groups_by_kind",
    "groups_of_person",
    "search_groups",
    "spec_snapshot",
    "write_children",
    "write_groups",
]

CHILD_KEY = ("org_code", "group_path", "position")
MEMBERSHIP_KEY = ("org_code", "group_path", "relation", "person_id")


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group in a list: enough to show it and link to it."""

    org_code: str
    path: str
    code: str
    kind: str
    name: str
    parent_path: str | None
    depth: int
    position: int


@dataclass(frozen=True, slots=True)
class KpiView:
    text: str
    name: str | None
    weight: float
    note: str


@dataclass(frozen=True, slots=True)
class DependencyView:
    """A dependency as written by ``group_path``, with the path its target resolved to."""

    group_path: str
    target: str
    target_path: str | None
    provides: str
    direction: str
    note: str


@dataclass(frozen=True, slots=True)
class GroupView:
    """One group in full, for output."""

    summary: GroupSummary
    description: str
    leads: list[str]
    members: list[str]
    oncall: list[str] | None
    responsibilities: list[str]
    stack: list[dict[str, Any]]
    stakeholders: list[str]
    boundaries: list[str]
    notes: list[str]
    kpis: list[KpiView]
    dependencies: list[DependencyView]


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


# -- reads ------------------------------------------------------------------------------------


def _summaries(
    session: Session,
    *where: ColumnElement[bool],
    order_by: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...],
    limit: int | None = None,
) -> list[GroupSummary]:
    statement = select(GroupRow).where(*where).order_by(*order_by).limit(limit)
    return [_summary(row) for row in session.scalars(statement)]


def _summary(row: GroupRow) -> GroupSummary:
    return GroupSummary(
        org_code=row.org_code,
        path=row.path,
        code=row.code,
        kind=row.kind,
        name=row.name,
        parent_path=row.parent_path,
        depth=row.depth,
        position=row.position,
    )


def _dependency(row: DependencyRow) -> DependencyView:
    return DependencyView(
        group_path=row.group_path,
        target=row.target,
        target_path=row.target_path,
        provides=row.provides,
        direction=row.direction,
        note=row.note,
    )


def get_group(session: Session, org_code: str, path: str) -> GroupView | None:
    """One group in full, by path; ``None`` when there is none."""
    row = session.scalars(
        select(GroupRow).where(GroupRow.org_code == org_code, GroupRow.path == path)
    ).first()
    if row is None:
        return None
    kpis = session.scalars(
        select(KpiRow)
        .where(KpiRow.org_code == org_code, KpiRow.group_path == path)
        .order_by(KpiRow.position)
    )
    dependencies = session.scalars(
        select(DependencyRow)
        .where(DependencyRow.org_code == org_code, DependencyRow.group_path == path)
        .order_by(DependencyRow.position)
    )
    return GroupView(
        summary=_summary(row),
        description=row.description,
        leads=row.leads,
        members=row.members,
        oncall=row.oncall,
        responsibilities=row.responsibilities,
        stack=row.stack,
        stakeholders=row.stakeholders,
        boundaries=row.boundaries,
        notes=row.notes,
        kpis=[KpiView(k.text, k.name, k.weight, k.note) for k in kpis],
        dependencies=[_dependency(d) for d in dependencies],
    )


def groups_by_code(session: Session, org_code: str, code: str) -> list[GroupSummary]:
    """Every group with this code (more than one when the code is reused), by path."""
    return _summaries(
        session,
        GroupRow.org_code == org_code,
        GroupRow.code == code,
        order_by=(GroupRow.path,),
    )


def child_groups(session: Session, org_code: str, parent_path: str | None) -> list[GroupSummary]:
    """The groups directly under ``parent_path`` (``None``: the top level), in spec order."""
    parent = (
        GroupRow.parent_path.is_(None)
        if parent_path is None
        else GroupRow.parent_path == parent_path
    )
    return _summaries(session, GroupRow.org_code == org_code, parent, order_by=(GroupRow.position,))


def groups_by_kind(session: Session, org_code: str, kind: str) -> list[GroupSummary]:
    return _summaries(
        session,
        GroupRow.org_code == org_code,
        GroupRow.kind == kind.lower(),
        order_by=(GroupRow.path,),
    )


def search_groups(
    session: Session, org_code: str, query: str, *, limit: int = 50
) -> list[GroupSummary]:
    """Groups whose code, name, description, responsibilities, stack, KPIs or notes contain
    every word of ``query`` (as word prefixes), shallowest first."""
    query_words = words(query)
    if not query_words:
        return []
    dialect = session.get_bind().dialect.name
    matches = match_clause(dialect, "groups", GroupRow.id, GroupRow.search_text, query_words)
    return _summaries(
        session,
        GroupRow.org_code == org_code,
        matches,
        order_by=(GroupRow.depth, GroupRow.path),
        limit=limit,
    )


def groups_of_person(
    session: Session, org_code: str, person_id: str
) -> list[tuple[str, GroupSummary]]:
    """``(relation, group)`` for every group ``person_id`` leads, is a member of or is on
    call for, by path."""
    rows = session.execute(
        select(MembershipRow.relation, GroupRow)
        .join(
            GroupRow,
            (GroupRow.org_code == MembershipRow.org_code)
            & (GroupRow.path == MembershipRow.group_path),
        )
        .where(MembershipRow.org_code == org_code, MembershipRow.person_id == person_id)
        .order_by(GroupRow.path, MembershipRow.relation)
    )
    return [(relation, _summary(group)) for relation, group in rows]


def dependents_of(session: Session, org_code: str, path: str) -> list[DependencyView]:
    """Dependencies whose target resolved to exactly the group at ``path``."""
    rows = session.scalars(
        select(DependencyRow)
        .where(DependencyRow.org_code == org_code, DependencyRow.target_path == path)
        .order_by(DependencyRow.group_path, DependencyRow.position)
    )
    return [_dependency(row) for row in rows]
