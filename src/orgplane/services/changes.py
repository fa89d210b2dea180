"""The change report of an apply: what a new spec changes, compared with the stored snapshot.

Imports ``store`` (its row snapshots) only. A group's identity is its path, so a group
whose path changed is, to the database, one row gone and one new; the report recognizes
the two cases people mean:

* **moved**: a group disappears from one place and a group with the same code appears
  under another parent. The code must be unambiguous among the removed and the added
  groups (one of each); groups below a moved group move with it and are counted, not
  listed ("A-1 moved from 1A to 1B, with 2 groups below it").
* **renamed**: the same path with a new name.

Everything else is added, removed, leads changed, or "changed" (other facts: kind,
description, members, responsibilities, stack, KPIs, dependencies, notes …).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from orgplane.store.groups import GroupSnapshot
from orgplane.store.sync import Row, RowDiff

__all__ = [
    "ChangeReport",
    "Counts",
    "FindingCounts",
    "GroupChanges",
    "GroupMove",
    "GroupRename",
    "LeadChange",
    "OwnerChange",
    "group_changes",
    "match_moves",
    "owner_changes",
]

#: Group columns that are not "facts" of the group: identity and place, or derived.
_NOT_FACTS = frozenset(
    {"id", "org_code", "path", "code", "parent_path", "depth", "position", "name", "leads"}
    | {"search_text"}
)


@dataclass(frozen=True, slots=True)
class GroupMove:
    """A group that now sits under another parent (same code)."""

    code: str
    old_path: str
    new_path: str
    #: Groups below it that moved with it.
    carried: int = 0


@dataclass(frozen=True, slots=True)
class GroupRename:
    path: str
    old_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class LeadChange:
    path: str
    before: list[str]
    after: list[str]


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """A catalog entry whose owner changed."""

    entry_id: str
    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Counts:
    added: int = 0
    removed: int = 0
    changed: int = 0

    @classmethod
    def of(cls, diff: RowDiff) -> Counts:
        return cls(len(diff.inserts), len(diff.deletes), len(diff.updates))

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class FindingCounts:
    """The stored findings changed: how many of each severity, before and after."""

    before: dict[str, int]
    after: dict[str, int]


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """What an apply changed. Empty when the spec matches the stored snapshot."""

    org: str
    #: The org was not in the database before.
    created: bool = False
    #: Org-level fields that changed (name, description, leads, policies, processes …).
    org_fields: list[str] = field(default_factory=list)
    groups_added: list[str] = field(default_factory=list)
    groups_removed: list[str] = field(default_factory=list)
    groups_moved: list[GroupMove] = field(default_factory=list)
    groups_renamed: list[GroupRename] = field(default_factory=list)
    leads_changed: list[LeadChange] = field(default_factory=list)
    #: Groups whose other facts changed.
    groups_changed: list[str] = field(default_factory=list)
    #: Parents (``""``: the top level) whose groups are in a new order.
    groups_reordered: list[str] = field(default_factory=list)
    owners_changed: list[OwnerChange] = field(default_factory=list)
    people: Counts = Counts()
    roles: Counts = Counts()
    catalog: Counts = Counts()
    #: KPI series: added, retired (removed from the spec) and changed.
    kpis: Counts = Counts()
    findings: FindingCounts | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.created
            or self.org_fields
            or self.groups_added
            or self.groups_removed
            or self.groups_moved
            or self.groups_renamed
            or self.leads_changed
            or self.groups_changed
            or self.groups_reordered
            or self.owners_changed
            or self.people
            or self.roles
            or self.catalog
            or self.kpis
            or self.findings
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _code(path: str) -> str:
    return path.rpartition("/")[2]


def match_moves(removed: Iterable[str], added: Iterable[str]) -> dict[str, str]:
    """Pair removed and added paths that are one group moved: old path → new path.

    Shallowest first: a group below a moved group moves with it when the same code is
    under the moved group's new path; otherwise a code removed once and added once is a
    move. Anything else stays removed or added.
    """
    added_set = set(added)
    removed_by_code: dict[str, list[str]] = defaultdict(list)
    added_by_code: dict[str, list[str]] = defaultdict(list)
    removed_list = sorted(removed, key=lambda path: (path.count("/"), path))
    for path in removed_list:
        removed_by_code[_code(path)].append(path)
    for path in added_set:
        added_by_code[_code(path)].append(path)
    moves: dict[str, str] = {}
    taken: set[str] = set()
    for old in removed_list:
        code = _code(old)
        moved_parent = moves.get(_parent(old))
        if moved_parent is not None:
            carried = f"{moved_parent}/{code}"
            if carried in added_set and carried not in taken:
                moves[old] = carried
                taken.add(carried)
                continue
        candidates = [path for path in added_by_code.get(code, []) if path not in taken]
        if len(removed_by_code[code]) == 1 and len(candidates) == 1:
            moves[old] = candidates[0]
            taken.add(candidates[0])
    return moves


def _by_group(rows: Mapping[Any, Row], drop: tuple[str, ...]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in sorted(rows.values(), key=lambda r: (r["group_path"], r["position"])):
        out[row["group_path"]].append({k: v for k, v in row.items() if k not in drop})
    return out


@dataclass(slots=True)
class GroupChanges:
    """The group part of a change report."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[GroupMove] = field(default_factory=list)
    renamed: list[GroupRename] = field(default_factory=list)
    leads: list[LeadChange] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reordered: list[str] = field(default_factory=list)


def group_changes(old: GroupSnapshot, new: GroupSnapshot, moves: Mapping[str, str]) -> GroupChanges:
    """The group part of the report, from the stored and the wanted snapshots."""
    changes = GroupChanges()
    moved_from = {new_path: old_path for old_path, new_path in moves.items()}
    changes.added = [
        path for path in new.groups if path not in old.groups and path not in moved_from
    ]
    changes.removed = [path for path in old.groups if path not in new.groups and path not in moves]
    carried: dict[str, int] = defaultdict(int)
    for old_path, new_path in moves.items():
        if moves.get(_parent(old_path)) != _parent(new_path):
            continue  # the top of a moved subtree
        top = _parent(old_path)
        while moves.get(_parent(top)) == _parent(moves[top]):
            top = _parent(top)  # carried along by its parent's move too
        carried[top] += 1
    changes.moved = sorted(
        (
            GroupMove(_code(new_path), old_path, new_path, carried[old_path])
            for old_path, new_path in moves.items()
            if moves.get(_parent(old_path)) != _parent(new_path)
        ),
        key=lambda move: move.new_path,
    )

    # Children as written (a dependency's resolved path follows the target, not this group).
    drop = ("org_code", "group_path")
    old_kpis, new_kpis = _by_group(old.kpis, drop), _by_group(new.kpis, drop)
    old_deps = _by_group(old.dependencies, (*drop, "target_path"))
    new_deps = _by_group(new.dependencies, (*drop, "target_path"))
    for path, row in new.groups.items():
        old_path = moved_from.get(path, path)
        before = old.groups.get(old_path)
        if before is None:
            continue
        if before["name"] != row["name"]:
            changes.renamed.append(GroupRename(path, before["name"], row["name"]))
        if before["leads"] != row["leads"]:
            changes.leads.append(LeadChange(path, before["leads"], row["leads"]))
        if (
            any(before[k] != v for k, v in row.items() if k not in _NOT_FACTS)
            or old_kpis.get(old_path, []) != new_kpis.get(path, [])
            or old_deps.get(old_path, []) != new_deps.get(path, [])
        ):
            changes.changed.append(path)
    changes.reordered = _reordered(old.groups, new.groups, moves, moved_from)
    return changes


def _reordered(
    old: Mapping[str, Row],
    new: Mapping[str, Row],
    moves: Mapping[str, str],
    moved_from: Mapping[str, str],
) -> list[str]:
    """Parents whose groups that were there before (under this parent) changed order."""
    siblings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for path, row in new.items():
        old_path = moved_from.get(path, path)
        before = old.get(old_path)
        if before is None:
            continue
        old_parent = before["parent_path"] or ""
        if moves.get(old_parent, old_parent) != (row["parent_path"] or ""):
            continue  # came from another parent: a move, not a new order
        siblings[row["parent_path"] or ""].append((row["position"], before["position"]))
    reordered = []
    for parent, pairs in siblings.items():
        previous = [old_position for _, old_position in sorted(pairs)]
        if previous != sorted(previous):
            reordered.append(parent)
    return sorted(reordered)


def owner_changes(old: Mapping[str, Row], new: Mapping[str, Row]) -> list[OwnerChange]:
    """Catalog entries (present before and after) whose owner changed."""
    return [
        OwnerChange(entry_id, row["name"], old[entry_id]["owner"], row["owner"])
        for entry_id, row in new.items()
        if entry_id in old and old[entry_id]["owner"] != row["owner"]
    ]
