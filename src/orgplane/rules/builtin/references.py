"""Reference rules: every group, person, role and catalog id a spec names must exist, once.

Imports ``model`` and ``rules``. A group reference is a bare code or a path; it must
resolve to exactly one group (OP102 when it names several, OP103 when it names none).
Ids of people, roles and catalog entries must be declared (OP103).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from orgplane.model import (
    Authority,
    CatalogEntry,
    ForbiddenInterface,
    Group,
    Located,
    Location,
    OnCallDepth,
    Org,
    OrgIndex,
    Resolution,
    Role,
    Rotation,
)
from orgplane.rules.builtin._common import BuiltinRule, Suggester, cleandoc, label
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["AmbiguousReference", "DanglingReference", "GroupRef", "unresolved_references"]


@dataclass(frozen=True, slots=True)
class GroupRef:
    """One place where the spec names a group: the text and the model it is written in."""

    ref: str
    owner: Located  #: the model the reference is written in
    field: str
    index: int | None = None
    subject: str | None = None  #: path of the group the reference is written in, if any

    @property
    def location(self) -> Location | None:
        return self.owner.location(self.field, self.index)

    def where(self, index: OrgIndex) -> str:
        """What the reference belongs to: "dependency of D-1", "authorities policy" …"""
        owner = self.owner
        if isinstance(owner, Group) and self.subject is not None:
            return f"dependency of {label(index, self.subject)}"
        if isinstance(owner, CatalogEntry):
            return f"owner of catalog entry {owner.id!r}"
        if isinstance(owner, Role | Rotation):
            return f"group of {'role' if isinstance(owner, Role) else 'rotation'} {owner.id!r}"
        policy = {
            ForbiddenInterface: "forbidden_interfaces",
            Authority: "authorities",
            OnCallDepth: "oncall_depth",
        }.get(type(owner), type(owner).__name__)
        return f"{policy} policy"


def unresolved_references(org: Org, index: OrgIndex) -> Iterator[tuple[GroupRef, Resolution]]:
    """Every group reference of the org that does not name exactly one group, in spec order.

    Written as plain loops over the org: catalogs have tens of thousands of owners, and
    only the few references that fail are worth an object.
    """
    known: dict[str, Resolution] = {}

    def resolver(ref: str) -> Resolution:
        found = known[ref] = index.resolve(ref)
        return found

    for path, group in index.groups.items():
        for i, dep in enumerate(group.dependencies):
            found = known.get(dep.target) or resolver(dep.target)
            if found.path is None:
                yield GroupRef(dep.target, group, "dependencies", i, path), found
    # Tens of thousands of entries share a few thousand owners: check each owner once.
    owners = set(map(attrgetter("owner"), org.catalog))
    bad = {owner for owner in owners if owner and resolver(owner).path is None}
    if bad:
        for entry in org.catalog:
            if entry.owner is not None and entry.owner in bad:
                yield GroupRef(entry.owner, entry, "owner"), known[entry.owner]
    singles: list[tuple[str | None, Located]] = [
        *((role.group, role) for role in org.roles),
        *((rotation.group, rotation) for rotation in org.oncall),
        *((authority.group, authority) for authority in org.policies.authorities),
    ]
    for ref, model in singles:
        if ref and (found := resolver(ref)).path is None:
            yield GroupRef(ref, model, "group"), found
    lists: list[tuple[list[str], Located]] = [
        (forbidden.groups, forbidden) for forbidden in org.policies.forbidden_interfaces
    ]
    if org.policies.oncall_depth is not None:
        lists.append((org.policies.oncall_depth.groups, org.policies.oncall_depth))
    for refs, model in lists:
        for i, ref in enumerate(refs):
            if (found := resolver(ref)).path is None:
                yield GroupRef(ref, model, "groups", i), found


class AmbiguousReference(BuiltinRule):
    code = "OP102"
    name = "ambiguous-reference"
    severity = Severity.ERROR
    summary = "A bare group code that names several groups is used as a reference."
    doc = cleandoc(
        """
        Group codes are not unique in real org documents (`U-RE1` exists under both
        `1C/C-5` and `1F/F-6`), so a bare code used as a reference — a dependency
        target, a catalog owner, a role's group, a rotation's group, or a group named by a
        policy — may name more than one group. orgplane never guesses which one was
        meant. Fix it by writing the path of the group you mean. Example:
        `dependencies: ["U-RE1"]` becomes `dependencies: ["1C/C-5/U-RE1"]`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        for item, resolution in unresolved_references(context.org, context.index):
            if resolution.ambiguous:
                paths = resolution.paths
                listed = ", ".join(paths[:-1]) + f" and {paths[-1]}"
                yield self.finding(
                    f'ambiguous reference "{item.ref}" in {item.where(context.index)}: it '
                    f"names {listed}",
                    item.location,
                    hint=f"write the path, e.g. {paths[0]}",
                    subject=item.subject,
                )


class DanglingReference(BuiltinRule):
    code = "OP103"
    name = "dangling-reference"
    severity = Severity.ERROR
    summary = "A reference names a group, person, role or catalog entry that does not exist."
    doc = cleandoc(
        """
        Every id the spec uses must be declared: group references (dependency targets,
        catalog owners, a role's or rotation's group, groups named by policies) must
        resolve to a group; the `leads`, `members` and `oncall` of a group and the
        org's `leads` must be ids of people under `people:`; a person's `roles` and a
        role's `reports_to` must be ids of roles under `roles:`; a catalog entry's
        `depends_on` must be ids of catalog entries. A typo would otherwise silently
        drop an owner, a dependency or a pager target. People are checked even when the
        org lists no one at all: `leads` and `members` are ids, not free text, and an
        id nobody declares cannot be contacted or paged. Fix it by correcting the id —
        the hint suggests the closest existing one — or by declaring what it names (for
        a person, an id and a name are enough). Example: with
        `people: [{id: alice, name: Alice}]`, `leads: [alcie]` reports
        `unknown person "alcie" in leads of B-2` with the hint `did you mean 'alice'?`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        yield from self._groups(context)
        yield from self._people(context)
        yield from self._roles(context)
        yield from self._catalog(context)

    def _groups(self, context: RuleContext) -> Iterator[Finding]:
        index = context.index
        codes, paths = Suggester(index.codes()), Suggester(index.groups)
        fallback = "no group has this code or path; check the spelling or write the full path"
        for item, resolution in unresolved_references(context.org, index):
            if resolution.paths:
                continue
            ref = item.ref.strip().strip("/")
            yield self.finding(
                f'unknown group "{item.ref}" in {item.where(index)}',
                item.location,
                hint=(paths if "/" in ref else codes).hint(ref, fallback, quote=False),
                subject=item.subject,
            )

    def _people(self, context: RuleContext) -> Iterator[Finding]:
        index = context.index
        people = _ids_of(context.org.people)
        groups = index.groups.values()
        oncall = filter(None, map(attrgetter("oncall"), groups))
        if _all_known(
            people,
            context.org.leads,
            _ids(groups, "leads"),
            _ids(groups, "members"),
            chain.from_iterable(oncall),
        ):
            return
        suggest = Suggester(people)
        fallback = "declare the person under 'people:' with an id and a name"
        for i, person_id in enumerate(context.org.leads):
            if person_id not in people:
                yield self.finding(
                    f'unknown person "{person_id}" in leads of the org',
                    context.org.location("leads", i),
                    hint=suggest.hint(person_id, fallback),
                )
        for path, group in index.groups.items():
            for field, ids in (
                ("leads", group.leads),
                ("members", group.members),
                ("oncall", group.oncall or ()),
            ):
                for i, person_id in enumerate(ids):
                    if person_id not in people:
                        yield self.finding(
                            f'unknown person "{person_id}" in {field} of {label(index, path)}',
                            group.location(field, i),
                            hint=suggest.hint(person_id, fallback),
                            subject=path,
                        )

    def _roles(self, context: RuleContext) -> Iterator[Finding]:
        roles = _ids_of(context.org.roles)
        org = context.org
        reports_to = (role.reports_to for role in org.roles if role.reports_to is not None)
        if _all_known(roles, _ids(org.people, "roles"), reports_to):
            return
        suggest = Suggester(roles)
        fallback = "declare the role under 'roles:' with an id and a name"
        for person in context.org.people:
            for i, role_id in enumerate(person.roles):
                if role_id not in roles:
                    yield self.finding(
                        f'unknown role "{role_id}" in roles of person {person.id!r}',
                        person.location("roles", i),
                        hint=suggest.hint(role_id, fallback),
                    )
        for role in context.org.roles:
            if role.reports_to is not None and role.reports_to not in roles:
                yield self.finding(
                    f'unknown role "{role.reports_to}" in reports_to of role {role.id!r}',
                    role.location("reports_to"),
                    hint=suggest.hint(role.reports_to, fallback),
                )

    def _catalog(self, context: RuleContext) -> Iterator[Finding]:
        catalog = _ids_of(context.org.catalog)
        if _all_known(catalog, _ids(context.org.catalog, "depends_on")):
            return
        suggest = Suggester(catalog)
        fallback = "declare the entry under 'catalog:' with an id and a name"
        for entry in context.org.catalog:
            for i, other in enumerate(entry.depends_on):
                if other not in catalog:
                    yield self.finding(
                        f'unknown catalog entry "{other}" in depends_on of catalog entry '
                        f"{entry.id!r}",
                        entry.location("depends_on", i),
                        hint=suggest.hint(other, fallback),
                    )


def _ids(models: Iterable[object], field: str) -> Iterator[str]:
    """Every id in one list field of many models, gathered in C (map, chain)."""
    return chain.from_iterable(map(attrgetter(field), models))


def _ids_of(models: Iterable[object]) -> set[str]:
    """The declared ids of people, roles or catalog entries (built in C: map, set)."""
    return set(map(attrgetter("id"), models))


def _all_known(known: set[str], *ids: Iterable[str]) -> bool:
    """Whether every id is in ``known``: one set operation for the clean case, so only a
    spec with a dangling id pays for the loops that find where it is."""
    return known.issuperset(chain.from_iterable(ids))
