"""Who a page reaches: the escalation policy for what was paged, and who each of its
targets is at an instant.

Imports ``model`` and the other ``oncall`` modules. A ``Directory`` is built once per
version of an org (from the spec, or from the database's snapshot of it) and asked
often; overrides set at runtime are passed in with each question.

How a page finds its ladder: a catalog entry's policy, else its owner group's; a
group's policy, else the policy of its rotation (its own or the nearest above); a
rotation's policy, else its own ``escalation`` steps, else its primary then its
secondary; a person: that person, at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from orgplane.errors import NotFoundError
from orgplane.model import CatalogEntry, Org, OrgIndex, Rotation
from orgplane.oncall.build import Holders, primary_layers, rotation_overrides, secondary_layers
from orgplane.oncall.escalation import (
    Ladder,
    Rung,
    Target,
    implied_ladder,
    ladder_of,
    parse_target,
    policies_by_place,
    rotation_policy,
)
from orgplane.oncall.schedule import Override, on_call_at
from orgplane.oncall.zones import UnknownZoneError

__all__ = ["Directory", "PageTarget", "Reached"]


@dataclass(frozen=True, slots=True)
class PageTarget:
    """What a page is for: its ladder, the rotation a role is first looked for in, the
    catalog entry whose owner the ladder may page, and how all that was found."""

    ladder: Ladder
    rotation_id: str | None
    component: str | None
    how: str


@dataclass(frozen=True, slots=True)
class Reached:
    """The people a step's target stands for at an instant, and why."""

    people: tuple[str, ...]
    how: str


class Directory:
    """One org's rotations, people, roles, groups, catalog and policies, indexed."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.index = OrgIndex(org)
        self.holders = Holders(org)
        self.rotations = {rotation.id: rotation for rotation in org.oncall}
        self.people = {person.id: person for person in org.people}
        self._rotation_of_group: dict[str, Rotation] = {}
        for rotation in org.oncall:
            if rotation.group is not None:
                path = self.group_path(rotation.group)
                if path is not None:
                    self._rotation_of_group.setdefault(path, rotation)
        self._policy_for = policies_by_place(
            org.escalation_policies, self.rotations, self.group_path
        )
        self._leads = {path: list(group.leads) for path, group in org.walk()}

    # -- names --------------------------------------------------------------------------

    def group_path(self, ref: str) -> str | None:
        paths = self.index.resolve(ref).paths
        return paths[0] if len(paths) == 1 else None

    def entry(self, name: str) -> CatalogEntry | None:
        wanted = name.strip().lower()
        for entry in self.org.catalog:
            if wanted in (entry.id.lower(), entry.name.lower()):
                return entry
        return None

    def target(self, text: str) -> Target:
        return parse_target(
            text, holders=self.holders, rotations=self.rotations, group_path=self.group_path
        )

    def rotation_above(self, path: str) -> tuple[Rotation, str] | None:
        """The rotation of the group at ``path`` or of the nearest group above it."""
        current = path
        while True:
            rotation = self._rotation_of_group.get(current)
            if rotation is not None:
                return rotation, current
            if "/" not in current:
                return None
            current = current.rsplit("/", 1)[0]

    # -- what a page escalates through ----------------------------------------------------

    def page_target(self, text: str, *, component: str | None = None) -> PageTarget:
        """The ladder a page of ``text`` (a rotation, group, catalog entry or person)
        runs, with ``component`` (a catalog entry) as the thing it is about."""
        entry = self.entry(component) if component else None
        if component and entry is None:
            raise NotFoundError(f"{component!r} is not a catalog entry of {self.org.code}")
        text = text.strip()
        if text in self.rotations:
            return self._of_rotation(self.rotations[text], entry, f"rotation {text}")
        found = self.entry(text)
        if found is not None:
            entry = entry or found
            policy = self._policy_for.get(found.id)
            if policy is not None:
                how = f"{found.name}'s escalation policy {policy.id}"
                return PageTarget(ladder_of(policy), None, entry.id, how)
            owner = self.group_path(found.owner) if found.owner else None
            if owner is None:
                raise NotFoundError(f"catalog entry {found.name!r} has no owner to page")
            return self._of_group(owner, entry, f"{found.name} is owned by {owner}; ")
        path = self.group_path(text)
        if path is not None:
            return self._of_group(path, entry, "")
        if self.holders.of(text).kind == "person":
            ladder = Ladder(f"person:{text}", text, (Rung(0, (text,)),))
            return PageTarget(ladder, None, entry.id if entry else None, f"person {text}")
        raise NotFoundError(
            f"{text!r} is neither a rotation, a group, a catalog entry nor a person of "
            f"{self.org.code}"
        )

    def _of_group(self, path: str, entry: CatalogEntry | None, prefix: str) -> PageTarget:
        component = entry.id if entry else None
        policy = self._policy_for.get(path)
        if policy is not None:
            return PageTarget(
                ladder_of(policy), None, component, f"{prefix}{path}'s policy {policy.id}"
            )
        found = self.rotation_above(path)
        if found is None:
            raise NotFoundError(
                f"{prefix}no escalation policy or on-call rotation for {path} or a group above it"
            )
        rotation, at = found
        where = f"the rotation of {path}" if at == path else f"the rotation of {at}, above it"
        return self._of_rotation(rotation, entry, f"{prefix}{where} ({rotation.id})")

    def _of_rotation(self, rotation: Rotation, entry: CatalogEntry | None, how: str) -> PageTarget:
        group = self.group_path(rotation.group) if rotation.group else None
        policy = rotation_policy(rotation, self._policy_for, group)
        if policy is not None:
            ladder, how = ladder_of(policy), f"{how}, policy {policy.id}"
        else:
            ladder = implied_ladder(rotation)
        return PageTarget(ladder, rotation.id, entry.id if entry else None, how)

    # -- who a target is ----------------------------------------------------------------

    def on_call(
        self,
        rotation: Rotation,
        at: datetime,
        *,
        secondary: bool = False,
        overrides: Sequence[Override] = (),
    ) -> tuple[str, ...]:
        """The people on call in ``rotation`` at ``at`` (a role stands for its holders)."""
        try:
            if secondary:
                segment = on_call_at(secondary_layers(rotation), [], at)
            else:
                layers = primary_layers(rotation)
                segment = on_call_at(layers, [*rotation_overrides(rotation), *overrides], at)
        except UnknownZoneError:
            return ()
        if segment is None:
            return ()
        return self.holders.of(segment.member).people

    def reach(
        self,
        text: str,
        *,
        at: datetime,
        rotation_id: str | None,
        component: str | None,
        overrides: Mapping[str, Sequence[Override]] | None = None,
    ) -> Reached:
        """Who the step target ``text`` stands for at ``at``."""
        overrides = overrides or {}
        target = self.target(text)
        if target.kind == "person":
            return Reached((target.ref,), f"{target.ref}")
        if target.kind == "role":
            return self._role(target.ref, at, rotation_id, overrides)
        if target.kind == "rotation":
            rotation = self.rotations[target.ref]
            found: list[str] = []
            extra = overrides.get(rotation.id, ())
            if target.tier in ("primary", "both"):
                found += self.on_call(rotation, at, overrides=extra)
            if target.tier in ("secondary", "both"):
                found += self.on_call(rotation, at, secondary=True)
            return Reached(tuple(dict.fromkeys(found)), target.describe())
        if target.kind == "group":
            return self._group(target.ref, at, overrides)
        if target.kind == "oncall":
            paged = self.rotations.get(rotation_id) if rotation_id else None
            if paged is None:
                return Reached((), f"{target.describe()}: the page names no rotation")
            extra = overrides.get(paged.id, ())
            people = self.on_call(paged, at, secondary=target.tier == "secondary", overrides=extra)
            return Reached(people, f"{target.tier} of {paged.id}")
        if target.kind == "lead":
            return self._leads_of(target, rotation_id, component)
        if target.kind == "owner":
            entry = self.entry(component) if component else None
            if entry is None:
                return Reached((), "the component's owner: the page names no component")
            if entry.owner_role:
                role = self.holders.of(entry.owner_role)
                if role.kind == "role":
                    reached = self._role(role.role_id, at, rotation_id, overrides)
                    return Reached(reached.people, f"{entry.name}'s owner: {reached.how}")
            owner = self.group_path(entry.owner) if entry.owner else None
            if owner is None:
                return Reached((), f"{entry.name} has no owner")
            reached = self._group(owner, at, overrides)
            return Reached(reached.people, f"{entry.name}'s owner: {reached.how}")
        return Reached((), target.describe())

    def _role(
        self,
        role_id: str,
        at: datetime,
        rotation_id: str | None,
        overrides: Mapping[str, Sequence[Override]],
    ) -> Reached:
        holders = self.holders.of(role_id)
        rotation = self.rotations.get(rotation_id) if rotation_id else None
        if rotation is not None:
            on_call = set(self.on_call(rotation, at, overrides=overrides.get(rotation.id, ())))
            on_call |= set(self.on_call(rotation, at, secondary=True))
            chosen = tuple(person for person in holders.people if person in on_call)
            if chosen:
                return Reached(chosen, f"{holders.name} on call in {rotation.id}")
        return Reached(holders.people, f"{holders.name} (every holder)")

    def _leads_of(self, target: Target, rotation_id: str | None, component: str | None) -> Reached:
        """The leads of the paged team (the component's owner group, else the paged
        rotation's group), or of the group above it."""
        entry = self.entry(component) if component else None
        rotation = self.rotations.get(rotation_id) if rotation_id else None
        team = self.group_path(entry.owner) if entry is not None and entry.owner else None
        if team is None and rotation is not None and rotation.group:
            team = self.group_path(rotation.group)
        if team is None:
            return Reached((), f"{target.describe()}: the page names no team")
        path = team if target.ref == "team" else team.rpartition("/")[0]
        if not path:
            return Reached((), f"{target.describe()}: {team} has no group above it")
        return Reached(tuple(self._leads.get(path, ())), f"{path}: its leads")

    def _group(
        self, path: str, at: datetime, overrides: Mapping[str, Sequence[Override]]
    ) -> Reached:
        found = self.rotation_above(path)
        if found is not None:
            rotation = found[0]
            people = self.on_call(rotation, at, overrides=overrides.get(rotation.id, ()))
            if people:
                return Reached(people, f"{path}: primary of {rotation.id}")
        leads = tuple(self._leads.get(path, ()))
        return Reached(leads, f"{path}: its leads")
