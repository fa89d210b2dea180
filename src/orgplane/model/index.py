"""Lookups over one org: groups by path and code, reference resolution, the dependency graph.

Pure model (no I/O); imports ``model`` modules and ``errors``. Build one ``OrgIndex`` per
loaded org and ask it; everything is computed once, on first use.

A group's identity is its *path*, the codes from the root joined by ``/`` (``1C/C-5/U-RE1``).
A reference is either such a path or a bare code; a bare code resolves only when exactly
one group carries it — an ambiguous code is reported, never guessed.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from orgplane.errors import NotFoundError
from orgplane.model.catalog import CatalogEntry
from orgplane.model.group import Dependency, Direction, Group
from orgplane.model.org import Org
from orgplane.model.person import Person
from orgplane.model.reach import Step, walk
from orgplane.model.role import Role

__all__ = ["Edge", "ImpactRow", "OrgIndex", "Resolution"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a reference points at: one path, several (ambiguous), or none (with suggestions)."""

    ref: str
    paths: tuple[str, ...] = ()
    #: Where to look for did-you-mean suggestions; they are costly, so computed on demand.
    candidates: Callable[[], Iterable[str]] | None = field(default=None, compare=False, repr=False)

    @property
    def suggestions(self) -> tuple[str, ...]:
        """Close spellings of ``ref`` (did you mean …?), only for a reference that resolved to nothing."""
        if self.paths or self.candidates is None:
            return ()
        return _suggest(self.ref, self.candidates())

    @property
    def path(self) -> str | None:
        return self.paths[0] if len(self.paths) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.paths) > 1


@dataclass(frozen=True, slots=True)
class Edge:
    """``source`` depends on ``target``; ``declared_by`` is the group whose spec says so."""

    source: str
    target: str
    dependency: Dependency
    declared_by: str
    index: int  #: position of the dependency in ``declared_by``'s list


@dataclass(frozen=True, slots=True)
class ImpactRow:
    """One group reached by impact analysis, how far away, and the edge that reached it."""

    path: str
    depth: int
    edge: Edge


@dataclass(slots=True)
class _Tree:
    groups: dict[str, Group] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_code: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_lower_code: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _suggest(ref: str, candidates: Iterable[str]) -> tuple[str, ...]:
    pool = list(candidates)
    exact_case = difflib.get_close_matches(ref, pool, n=3, cutoff=0.6)
    if exact_case:
        return tuple(exact_case)
    lowered: dict[str, str] = {c.lower(): c for c in pool}
    matches = difflib.get_close_matches(ref.lower(), list(lowered), n=3, cutoff=0.6)
    return tuple(lowered[m] for m in matches)


class OrgIndex:
    """Answers questions about one org quickly; build once, ask often."""

    def __init__(self, org: Org) -> None:
        self.org = org
        tree = _Tree()
        duplicate: str | None = None
        for path, group in org.walk():
            parent, _, _ = path.rpartition("/")
            # Two siblings with one code share a path; the first one (and its subtree) wins
            # here, the duplicate-code rule reports the second. The walk is depth first, so
            # the second one's subtree follows it directly.
            if duplicate is not None and path.startswith(duplicate + "/"):
                continue
            duplicate = None
            if path in tree.groups:
                duplicate = path
                continue
            tree.groups[path] = group
            tree.parent[path] = parent or None
            tree.children[parent or None].append(path)
            tree.by_code[group.code].append(path)
            tree.by_lower_code[group.code.lower()].append(path)
        self._tree = tree

    # -- groups ---------------------------------------------------------------------------

    @property
    def groups(self) -> dict[str, Group]:
        """Every group by path, in tree order."""
        return self._tree.groups

    def parent(self, path: str) -> str | None:
        return self._tree.parent.get(path)

    def children(self, path: str | None) -> list[str]:
        """Paths of the direct children of ``path`` (``None``: the top-level groups)."""
        return self._tree.children.get(path, [])

    def paths_for_code(self, code: str) -> list[str]:
        return self._tree.by_code.get(code, [])

    def codes(self) -> dict[str, list[str]]:
        return self._tree.by_code

    def subtree(self, path: str) -> list[str]:
        """``path`` and every path below it."""
        out: list[str] = []
        stack = [path]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children(current)))
        return out

    def ancestors(self, path: str) -> list[str]:
        """Paths from the top-level group down to the parent of ``path``."""
        parts = path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]

    @staticmethod
    def within(path: str, ancestor: str) -> bool:
        return path == ancestor or path.startswith(ancestor + "/")

    def resolve(self, ref: str) -> Resolution:
        """Resolve a path or bare code; case-insensitive only when the exact form is unknown."""
        ref = ref.strip().strip("/")
        tree = self._tree
        if "/" in ref:
            if ref in tree.groups:
                return Resolution(ref, (ref,))
            path = self._lower_paths.get(ref.lower())
            if path is not None:
                return Resolution(ref, (path,))
            return Resolution(ref, (), tree.groups.keys)
        paths = tree.by_code.get(ref) or tree.by_lower_code.get(ref.lower()) or []
        if paths:
            return Resolution(ref, tuple(paths))
        return Resolution(ref, (), tree.by_code.keys)

    @cached_property
    def _lower_paths(self) -> dict[str, str]:
        return {path.lower(): path for path in self._tree.groups}

    def group(self, ref: str) -> tuple[str, Group]:
        """The one group ``ref`` names, or a ``NotFoundError`` that says why not."""
        resolution = self.resolve(ref)
        if resolution.path is not None:
            return resolution.path, self._tree.groups[resolution.path]
        if resolution.ambiguous:
            raise NotFoundError(
                f"code {ref!r} is ambiguous: it names {', '.join(resolution.paths)}; use a path"
            )
        hint = (
            f" (did you mean {' or '.join(resolution.suggestions)}?)"
            if resolution.suggestions
            else ""
        )
        raise NotFoundError(f"no group {ref!r} in org {self.org.code}{hint}")

    @staticmethod
    def _suggest(ref: str, candidates: Iterable[str]) -> tuple[str, ...]:
        pool = list(candidates)
        exact_case = difflib.get_close_matches(ref, pool, n=3, cutoff=0.6)
        if exact_case:
            return tuple(exact_case)
        lowered: dict[str, str] = {c.lower(): c for c in pool}
        return tuple(
            lowered[m]
            for m in difflib.get_close_matches(ref.lower(), list(lowered), n=3, cutoff=0.6)
        )

    # -- people, roles, catalog -----------------------------------------------------------

    @cached_property
    def people(self) -> dict[str, Person]:
        return {person.id: person for person in self.org.people}

    @cached_property
    def roles(self) -> dict[str, Role]:
        return {role.id: role for role in self.org.roles}

    @cached_property
    def catalog(self) -> dict[str, CatalogEntry]:
        return {entry.id: entry for entry in self.org.catalog}

    @cached_property
    def catalog_by_owner(self) -> dict[str, list[CatalogEntry]]:
        """Catalog entries by the path of the group that owns them (resolvable owners only)."""
        catalog = self.org.catalog
        # Tens of thousands of entries share a few thousand owners: resolve each once.
        owners = {owner for owner in map(attrgetter("owner"), catalog) if owner}
        paths = {owner: self.resolve(owner).path for owner in owners}
        out: dict[str, list[CatalogEntry]] = defaultdict(list)
        for entry in catalog:
            path = paths.get(entry.owner) if entry.owner else None
            if path is not None:
                out[path].append(entry)
        return out

    # -- dependency graph -----------------------------------------------------------------

    @cached_property
    def edges(self) -> list[Edge]:
        """Every resolvable dependency as a directed edge, consumer → provider.

        ``with`` dependencies go both ways. Unresolvable targets are left to the
        reference rules to report.
        """
        out: list[Edge] = []
        for path, group in self._tree.groups.items():
            for i, dep in enumerate(group.dependencies):
                target = self.resolve(dep.target).path
                if target is None or target == path:
                    continue
                if dep.direction in (Direction.FROM, Direction.WITH):
                    out.append(Edge(path, target, dep, path, i))
                if dep.direction in (Direction.TO, Direction.WITH):
                    out.append(Edge(target, path, dep, path, i))
        return out

    @cached_property
    def _outgoing(self) -> dict[str, list[Edge]]:
        out: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            out[edge.source].append(edge)
        return out

    @cached_property
    def _incoming(self) -> dict[str, list[Edge]]:
        out: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            out[edge.target].append(edge)
        return out

    def outgoing(self, path: str) -> list[Edge]:
        """Edges from exactly this group to what it depends on."""
        return self._outgoing.get(path, [])

    def incoming(self, path: str) -> list[Edge]:
        """Edges from groups that depend on exactly this group."""
        return self._incoming.get(path, [])

    def impact(
        self, path: str, *, reverse: bool = False, depth: int | None = None
    ) -> list[ImpactRow]:
        """What ``path`` depends on (or, ``reverse``, what depends on it), transitively, by
        the rule of ``model.reach``: a group stands for its subtree (who depends on 1B
        includes who depends on B-2), and a group does not inherit its parent's
        dependents. Each group is listed once, at the smallest distance, breadth first."""
        rows: list[ImpactRow] = []
        listed: set[str] = set()
        for reached in walk(path, reverse=reverse, depth=depth, touching=self._touching):
            if reached.other is not None and reached.other not in listed:
                listed.add(reached.other)
                rows.append(ImpactRow(reached.other, reached.hop, reached.item))
        return rows

    def _touching(self, path: str) -> list[Step[Edge]]:
        """Every edge to or from ``path`` or a group below it, as ``walk`` takes them."""
        return [
            Step(edge, edge.source, edge.target, (edge.declared_by, edge.index))
            for member in self.subtree(path)
            for edge in (*self.outgoing(member), *self.incoming(member))
        ]
