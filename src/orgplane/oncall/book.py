"""Who is on call, and for what: the rotations of one org, ready to be asked.

Imports ``model``, ``errors`` and the other ``oncall`` modules. An ``OnCallBook`` holds
an org's rotations with their layers built once, who each name they use is
(``Holders``), and which group each rotation is for. It is made from the spec (the CLI)
or from the database (``services.oncall``), once per snapshot of the org, and answers
every question the same way for both:

- ``resolve`` turns what a user typed into what to answer for: a rotation (by id), a
  group (its rotation, or the nearest group's above it), a catalog entry (its owner's
  rotation, the same way), a person or a role — saying how it was found;
- ``now`` answers who holds a rotation at an instant, primary and secondary, until when,
  with the escalation ladder; ``next_on`` answers when a person or role is next on call;
- ``schedule`` is the final schedule of a rotation between two instants.

Every question takes the instant explicitly and the overrides recorded at runtime
(``extra``, by rotation id), which win over the spec's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from orgplane.errors import NotFoundError, UsageError
from orgplane.model import EscalationPolicy, EscalationStep, Org, OrgIndex, Rotation
from orgplane.model.escalation import relative_target
from orgplane.oncall.build import (
    Holder,
    Holders,
    primary_layers,
    rotation_overrides,
    secondary_layers,
)
from orgplane.oncall.escalation import policies_by_place, rotation_policy
from orgplane.oncall.holding import Holding, first_matching, holding_at, horizon_end
from orgplane.oncall.layers import Layer, shifts
from orgplane.oncall.schedule import Override, Segment, final_schedule, gaps
from orgplane.oncall.zones import UnknownZoneError

__all__ = [
    "Duty",
    "HolderAnswer",
    "OnCallBook",
    "Places",
    "RotationAnswer",
    "RotationPlan",
    "Rung",
    "Schedule",
    "SpecPlaces",
    "Stint",
    "Target",
    "spec_book",
]

TIERS = ("primary", "secondary")
#: Runtime overrides by rotation id.
Extra = Mapping[str, Sequence[Override]]
_NONE: Mapping[str, Sequence[Override]] = {}


class Places(Protocol):
    """Where else a target may be: the org's groups and catalog (the spec's index, or
    the database)."""

    def group_path(self, ref: str) -> str | None:
        """The path of the one group ``ref`` (a path or code) names; None if none does."""
        ...

    def catalog_owner(self, ref: str) -> tuple[str, str | None] | None:
        """(name, owner's group path) of the catalog entry ``ref`` (id or name) names."""
        ...

    def is_person(self, ref: str) -> bool:
        """Whether ``ref`` is a person's id."""
        ...


@dataclass(frozen=True, slots=True)
class Target:
    """What to answer for: a ``rotation`` (with ``how`` it was found), or a ``holder``
    (a person or a role: when they are next on call)."""

    rotation: Rotation | None = None
    how: str = ""
    holder: Holder | None = None


@dataclass(frozen=True, slots=True)
class RotationPlan:
    """A rotation's layers and overrides as the schedule computes with them."""

    rotation: Rotation
    primary: tuple[Layer, ...]
    secondary: tuple[Layer, ...]
    overrides: tuple[Override, ...]


@dataclass(frozen=True, slots=True)
class Duty:
    """Who holds one tier: ``holder`` from the instant asked ``until`` (None: past the
    horizon), by ``source``; ``next`` is who takes over then."""

    tier: str
    holder: Holder
    source: str
    until: datetime | None
    next: Holder | None


@dataclass(frozen=True, slots=True)
class Rung:
    """A step of the escalation ladder: ``to`` (as the org knows them) from minute
    ``after_minutes`` on, until ``until_minutes`` (None: on to the end)."""

    to: Holder
    after_minutes: int
    until_minutes: int | None
    note: str


@dataclass(frozen=True, slots=True)
class RotationAnswer:
    """Who holds ``rotation`` at ``at``: primary and secondary (None: nobody), with the
    escalation ladder, how the rotation was found, and ``changes_at``: the first instant
    at which this answer may change (None: not within the horizon)."""

    rotation: Rotation
    how: str
    at: datetime
    primary: Duty | None
    secondary: Duty | None
    escalation: tuple[Rung, ...]
    changes_at: datetime | None
    #: The escalation policy a page of the rotation runs (None: its own steps).
    policy: EscalationPolicy | None = None


@dataclass(frozen=True, slots=True)
class Stint:
    """``member`` (as the rotation names them) holds ``tier`` of ``rotation`` from
    ``start`` until ``end`` (None: past the horizon), by ``source``."""

    rotation: Rotation
    tier: str
    member: str
    start: datetime
    end: datetime | None
    source: str


@dataclass(frozen=True, slots=True)
class HolderAnswer:
    """When ``holder`` (a person or a role) is on call from ``at`` on: per rotation and
    tier that names them, the stint that holds at ``at`` or the next one, by start."""

    holder: Holder
    at: datetime
    stints: tuple[Stint, ...]
    changes_at: datetime | None

    @property
    def on_now(self) -> tuple[Stint, ...]:
        return tuple(stint for stint in self.stints if stint.start <= self.at)


@dataclass
class OnCallBook:
    """An org's rotations, ready to be asked (see the module docstring).

    ``group_paths`` maps each rotation's ``group`` reference to the path it names (None
    when it names none); built by whoever knows the groups."""

    rotations: Sequence[Rotation]
    holders: Holders
    group_paths: Mapping[str, str | None] = field(default_factory=dict)
    #: The org's escalation policies; ``group_paths`` also maps the group references
    #: their ``applies_to`` names.
    policies: Sequence[EscalationPolicy] = ()
    _plans: dict[str, RotationPlan] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {rotation.id.lower(): rotation for rotation in self.rotations}
        self._policy_for = policies_by_place(
            self.policies,
            (rotation.id for rotation in self.rotations),
            lambda ref: self.group_paths.get(ref),
        )
        self._by_group: dict[str, Rotation] = {}
        for rotation in self.rotations:
            path = self.group_paths.get(rotation.group) if rotation.group else None
            if path is not None:
                self._by_group.setdefault(path, rotation)

    # --- finding what to answer for ----------------------------------------------

    def rotation(self, rotation_id: str) -> Rotation:
        """The rotation ``rotation_id`` names (case-insensitive); NotFoundError if none."""
        found = self._by_id.get(rotation_id.lower())
        if found is None:
            raise NotFoundError(f"no on-call rotation {rotation_id!r} ({self._known()})")
        return found

    def rotation_of_group(self, path: str) -> Rotation | None:
        return self._by_group.get(path)

    def resolve(self, places: Places, target: str) -> Target:
        """What ``target`` names: a rotation's id; else a group (its rotation, or the
        nearest group's above it), a catalog entry (its owner's, the same way), a
        person or a role. NotFoundError when it names none of them."""
        found = self._by_id.get(target.lower())
        if found is not None:
            return Target(found, f"rotation {found.id}")
        path = places.group_path(target)
        if path is not None:
            return self._of_group(path, "")
        entry = places.catalog_owner(target)
        if entry is not None:
            name, owner = entry
            if owner is None:
                raise NotFoundError(f"catalog entry {name!r} has no owner to be on call for it")
            return self._of_group(owner, f"{name} is owned by {owner}; ")
        holder = self.holders.of(target)
        if holder.kind != "unknown":
            return Target(holder=holder)
        if places.is_person(target):  # on no rotation: the answer says so
            return Target(holder=Holder(target, "person", (target,)))
        raise NotFoundError(
            f"{target!r} is neither a rotation, a group, a catalog entry, a person nor a "
            f"role ({self._known()})"
        )

    def _of_group(self, group: str, prefix: str) -> Target:
        path = group
        while True:
            found = self._by_group.get(path)
            if found is not None:
                if path == group:
                    return Target(found, f"{prefix}the rotation of {path}")
                return Target(
                    found, f"{prefix}{group} has no rotation; the one of {path}, above it"
                )
            if "/" not in path:
                raise NotFoundError(f"{prefix}no on-call rotation for {group} or a group above it")
            path = path.rsplit("/", 1)[0]

    def _known(self) -> str:
        ids = [rotation.id for rotation in self.rotations]
        if not ids:
            return "rotations: none in this org"
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        return f"rotations: {shown}"

    # --- answers -----------------------------------------------------------------

    def plan(self, rotation: Rotation) -> RotationPlan:
        """The rotation's layers and overrides, built once; UsageError when its time zone
        is unknown (rule OP116 reports it)."""
        plan = self._plans.get(rotation.id)
        if plan is None:
            try:
                plan = RotationPlan(
                    rotation,
                    tuple(primary_layers(rotation)),
                    tuple(secondary_layers(rotation)),
                    tuple(rotation_overrides(rotation)),
                )
            except UnknownZoneError as exc:
                raise UsageError(
                    f"rotation {rotation.id}: {exc} (see 'orgplane validate')"
                ) from None
            self._plans[rotation.id] = plan
        return plan

    def now(
        self, rotation: Rotation, *, at: datetime, how: str = "", extra: Extra = _NONE
    ) -> RotationAnswer:
        """Who holds ``rotation`` at ``at``: primary, secondary, until when."""
        plan = self.plan(rotation)
        duties: dict[str, Duty | None] = {}
        changes: list[datetime | None] = []
        for tier in TIERS:
            held = self._holding(plan, tier, at, extra)
            changes.append(held.until)
            duties[tier] = self._duty(tier, held)
        policy, escalation = self.ladder(rotation)
        known = [instant for instant in changes if instant is not None]
        return RotationAnswer(
            rotation,
            how or f"rotation {rotation.id}",
            at,
            duties["primary"],
            duties["secondary"],
            escalation,
            min(known) if known else None,
            policy,
        )

    def ladder(self, rotation: Rotation) -> tuple[EscalationPolicy | None, tuple[Rung, ...]]:
        """The ladder a page of ``rotation`` runs: its policy's steps (the policy that
        applies to it or to its group), else its own ``escalation`` steps."""
        group = self.group_paths.get(rotation.group) if rotation.group else None
        policy = rotation_policy(rotation, self._policy_for, group)
        steps = policy.steps if policy is not None else rotation.escalation
        return policy, self.escalation(steps)

    def _holding(self, plan: RotationPlan, tier: str, at: datetime, extra: Extra) -> Holding:
        if tier == "secondary":
            if not plan.secondary:
                return Holding(None, "gap", None)
            return holding_at(plan.secondary, (), at)
        return holding_at(plan.primary, self.overrides(plan, extra), at)

    def _duty(self, tier: str, held: Holding) -> Duty | None:
        if held.member is None:
            return None
        following = self.holders.of(held.next) if held.next is not None else None
        return Duty(tier, self.holders.of(held.member), held.source, held.until, following)

    def overrides(self, plan: RotationPlan, extra: Extra = _NONE) -> tuple[Override, ...]:
        """The spec's overrides of the rotation, then the runtime ones (which win)."""
        more = extra.get(plan.rotation.id, ())
        return (*plan.overrides, *more) if more else plan.overrides

    def next_on(self, holder: Holder, *, at: datetime, extra: Extra = _NONE) -> HolderAnswer:
        """When ``holder`` (a person, or a role) is on call from ``at`` on: the stint that
        holds at ``at`` or the next one, per rotation and tier naming them."""
        wanted = self._matcher(holder)
        stints: list[Stint] = []
        for rotation in self.rotations:
            if not self._names(rotation, wanted):
                continue
            plan = self.plan(rotation)
            for tier in TIERS:
                layers = plan.primary if tier == "primary" else plan.secondary
                overrides = self.overrides(plan, extra) if tier == "primary" else ()
                if not layers and not overrides:
                    continue
                found = first_matching(layers, overrides, at, wanted)
                if found is None:
                    continue
                end = None if found.end >= horizon_end(at) else found.end
                stints.append(Stint(rotation, tier, found.member, found.start, end, found.source))
        stints.sort(key=lambda stint: (stint.start, stint.rotation.id, stint.tier))
        moments = [s.start if s.start > at else s.end for s in stints]
        known = [moment for moment in moments if moment is not None]
        return HolderAnswer(holder, at, tuple(stints), min(known) if known else None)

    def stints_of(
        self, holder: Holder, start: datetime, end: datetime, *, extra: Extra = _NONE
    ) -> list[tuple[Rotation, str, Segment]]:
        """Every stretch from ``start`` until ``end`` that ``holder`` (a person, also
        through the roles they hold; or a role) is on call: (rotation, tier, segment)."""
        wanted = self._matcher(holder)
        found: list[tuple[Rotation, str, Segment]] = []
        for rotation in self.rotations:
            if not self._names(rotation, wanted):
                continue
            schedule = self.schedule(rotation, start, end, extra=extra)
            for tier, segments in (
                ("primary", schedule.segments),
                ("secondary", schedule.secondary),
            ):
                found += [(rotation, tier, s) for s in segments if wanted(s.member)]
        return found

    def _matcher(self, holder: Holder) -> Callable[[str], bool]:
        holders = self.holders
        if holder.kind == "role":

            def is_role(member: str) -> bool:
                found = holders.of(member)
                return found.kind == "role" and found.role_id == holder.role_id

            return is_role
        person = holder.name

        def is_person(member: str) -> bool:
            if member == person:
                return True
            found = holders.of(member)
            return found.kind == "role" and person in found.people

        return is_person

    @staticmethod
    def _names(rotation: Rotation, wanted: Callable[[str], bool]) -> bool:
        named = [rotation.primary, *([rotation.secondary] if rotation.secondary else [])]
        named += [member for layer in rotation.layers for member in layer.members]
        named += [override.person for override in rotation.overrides]
        return any(wanted(name) for name in named)

    def schedule(
        self, rotation: Rotation, start: datetime, end: datetime, *, extra: Extra = _NONE
    ) -> Schedule:
        """The rotation's final schedule from ``start`` until ``end``: segments, gaps,
        each layer's own shifts, and the secondary's segments."""
        plan = self.plan(rotation)
        overrides = self.overrides(plan, extra)
        segments = final_schedule(plan.primary, overrides, start, end)
        layers = tuple(
            tuple(
                Segment(shift.member, shift.start, shift.end, f"layer {position}")
                for shift in shifts(layer, start, end)
            )
            for position, layer in enumerate(plan.primary, 1)
        )
        inside = tuple(o for o in overrides if o.start < end and o.end > start)
        secondary = tuple(final_schedule(plan.secondary, (), start, end))
        return Schedule(
            rotation,
            start,
            end,
            tuple(segments),
            tuple(gaps(segments, start, end)),
            layers,
            inside,
            secondary,
        )

    def escalation(self, steps: Sequence[EscalationStep]) -> tuple[Rung, ...]:
        """The steps as rungs; a step without ``until_minutes`` lasts until the next
        later step starts."""
        starts = sorted({step.after_minutes for step in steps})

        def until(step: EscalationStep) -> int | None:
            if step.until_minutes is not None:
                return step.until_minutes
            later = [start for start in starts if start > step.after_minutes]
            return later[0] if later else None

        return tuple(
            Rung(self._step_holder(step.to), step.after_minutes, until(step), step.note)
            for step in steps
        )

    def _step_holder(self, to: str) -> Holder:
        """Who a ladder step names; "Component Owner", "On-call engineer", "Eng lead"
        and "Director" stand for people relative to the page (``oncall/directory.py``
        finds them when paged)."""
        held = self.holders.of(to)
        if held.kind != "unknown":
            return held
        if to.lower().startswith("rotation:"):
            ref, _, tier = to[len("rotation:") :].partition("/")
            return Holder(to, "rotation", (), role_id=f"{ref.strip()}/{tier.strip() or 'primary'}")
        meaning = relative_target(to)
        if meaning == "owner":
            return Holder(to, "owner", ())
        if meaning is not None:
            return Holder(to, "relative", (), role_id=meaning)
        return held


@dataclass(frozen=True, slots=True)
class Schedule:
    """A rotation's schedule from ``start`` until ``end``: the final ``segments`` and the
    ``gaps`` nobody covers; each primary layer's shifts (``layers[0]`` is layer 1), the
    overrides inside, and the secondary's segments."""

    rotation: Rotation
    start: datetime
    end: datetime
    segments: tuple[Segment, ...]
    gaps: tuple[tuple[datetime, datetime], ...]
    layers: tuple[tuple[Segment, ...], ...]
    overrides: tuple[Override, ...]
    secondary: tuple[Segment, ...]


class SpecPlaces:
    """``Places`` of an org read from its spec: groups through its index, its catalog
    by id or name (case-insensitive), its people by id."""

    def __init__(self, org: Org, index: OrgIndex) -> None:
        self._index = index
        self._catalog: dict[str, tuple[str, str | None]] = {}
        for entry in org.catalog:
            owner = index.resolve(entry.owner).path if entry.owner else None
            self._catalog.setdefault(entry.id.lower(), (entry.name, owner))
            self._catalog.setdefault(entry.name.lower(), (entry.name, owner))
        self._people = {person.id for person in org.people}

    def group_path(self, ref: str) -> str | None:
        return self._index.resolve(ref).path

    def catalog_owner(self, ref: str) -> tuple[str, str | None] | None:
        return self._catalog.get(ref.lower())

    def is_person(self, ref: str) -> bool:
        return ref in self._people


def spec_book(org: Org, index: OrgIndex) -> tuple[OnCallBook, SpecPlaces]:
    """The book of an org read from its spec, and where its targets may be."""
    refs = {r.group for r in org.oncall if r.group is not None}
    refs |= {name for policy in org.escalation_policies for name in policy.applies_to}
    groups = {ref: index.resolve(ref).path for ref in refs}
    book = OnCallBook(org.oncall, Holders(org), groups, org.escalation_policies)
    return book, SpecPlaces(org, index)
