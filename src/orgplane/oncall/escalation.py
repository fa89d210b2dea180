"""Escalation ladders as the engine runs them: steps in firing order, and their targets.

Imports ``model`` and the other ``oncall`` modules. A policy's steps become ``Rung``\\ s
(the steps due at the same minute fire together); each step's ``to`` becomes a
``Target`` that says what kind of name it is. Who a target is *at an instant* is asked
by the services, which know the schedules and the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from orgplane.model import EscalationPolicy, Rotation
from orgplane.model.escalation import OWNER_TARGET, is_owner_target, relative_target
from orgplane.model.process import EscalationStep
from orgplane.oncall.build import Holders

__all__ = [
    "Ladder",
    "Rung",
    "Target",
    "TargetKind",
    "implied_ladder",
    "ladder_of",
    "parse_target",
    "policies_by_place",
    "rotation_policy",
]

#: ``oncall`` and ``lead`` are relative to the page: the paged rotation's people (by
#: ``tier``), the paged team's leads (``ref`` "team") or the leads above it ("above").
TargetKind = Literal["person", "role", "rotation", "group", "owner", "oncall", "lead", "unknown"]
Tier = Literal["primary", "secondary", "both"]
_TIERS: tuple[Tier, ...] = ("primary", "secondary", "both")


@dataclass(frozen=True, slots=True)
class Target:
    """What a step's ``to`` names: ``ref`` is the person's or role's id, the rotation's
    id or the group's code or path; ``tier`` says which of a rotation's people."""

    text: str
    kind: TargetKind
    ref: str = ""
    tier: Tier = "primary"

    def describe(self) -> str:
        if self.kind == "rotation":
            return f"rotation {self.ref} ({self.tier})"
        if self.kind == "owner":
            return "the component's owner"
        if self.kind == "oncall":
            return f"the paged rotation's {self.tier}"
        if self.kind == "lead":
            return (
                "the paged team's leads" if self.ref == "team" else "the leads above the paged team"
            )
        if self.kind == "unknown":
            return f"{self.text!r} (nobody the org knows)"
        return f"{self.kind} {self.ref}"


def parse_target(
    text: str,
    *,
    holders: Holders,
    rotations: Iterable[str],
    group_path: Callable[[str], str | None],
) -> Target:
    """What ``text`` names, trying in order: ``rotation:ID[/tier]``, the owner words, a
    person, a role, a rotation's id, a group (``group_path`` gives its path or ``None``),
    then words relative to the page ("On-call engineer", "Eng lead", "Director")."""
    text = text.strip()
    rotation_ids = set(rotations)
    if text.lower().startswith("rotation:"):
        ref, _, tier = text[len("rotation:") :].partition("/")
        tier = tier.strip().lower() or "primary"
        if ref.strip() in rotation_ids and tier in _TIERS:
            return Target(text, "rotation", ref.strip(), _tier(tier))
        return Target(text, "unknown")
    if text.lower() == OWNER_TARGET or is_owner_target(text):
        return Target(text, "owner")
    held = holders.of(text)
    if held.kind == "person":
        return Target(text, "person", text)
    if held.kind == "role":
        return Target(text, "role", held.role_id)
    if text in rotation_ids:
        return Target(text, "rotation", text)
    path = group_path(text)
    if path is not None:
        return Target(text, "group", path)
    # Words relative to the page, after the org's own names: a role called "Director"
    # is that role.
    meaning = relative_target(text)
    if meaning in ("primary", "secondary"):
        return Target(text, "oncall", tier=_tier(meaning))
    if meaning in ("lead", "director"):
        return Target(text, "lead", "team" if meaning == "lead" else "above")
    return Target(text, "unknown")


def _tier(text: str) -> Tier:
    for tier in _TIERS:
        if tier == text:
            return tier
    return "primary"


@dataclass(frozen=True, slots=True)
class Rung:
    """The steps of a ladder due at the same minute: their targets' texts."""

    after_minutes: int
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ladder:
    """A policy as the engine runs it: rungs in firing order, then ``repeat`` more
    rounds, each ``repeat_after_minutes`` after the last rung of the round before."""

    policy: str
    name: str
    rungs: tuple[Rung, ...]
    repeat: int = 0
    repeat_after_minutes: int = 15

    def to_json(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "name": self.name,
            "rungs": [
                {"after_minutes": rung.after_minutes, "targets": list(rung.targets)}
                for rung in self.rungs
            ],
            "repeat": self.repeat,
            "repeat_after_minutes": self.repeat_after_minutes,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Ladder:
        rungs = data.get("rungs")
        assert isinstance(rungs, list)
        return cls(
            str(data["policy"]),
            str(data["name"]),
            tuple(
                Rung(int(rung["after_minutes"]), tuple(str(t) for t in rung["targets"]))
                for rung in rungs
            ),
            int(str(data.get("repeat", 0))),
            int(str(data.get("repeat_after_minutes", 15))),
        )

    def due_minutes(self, rung: int, round_: int) -> float:
        """Minutes from the page's start at which ``rung`` of round ``round_`` is due."""
        last = self.rungs[-1].after_minutes
        return round_ * (last + self.repeat_after_minutes) + self.rungs[rung].after_minutes


def _rungs(steps: Sequence[EscalationStep]) -> tuple[Rung, ...]:
    by_minute: dict[int, list[str]] = {}
    for step in steps:
        by_minute.setdefault(step.after_minutes, []).append(step.to)
    return tuple(Rung(minute, tuple(by_minute[minute])) for minute in sorted(by_minute))


def ladder_of(policy: EscalationPolicy) -> Ladder:
    return Ladder(
        policy.id,
        policy.name,
        _rungs(policy.steps),
        policy.repeat,
        policy.repeat_after_minutes,
    )


def implied_ladder(rotation: Rotation) -> Ladder:
    """A rotation's own ladder: its ``escalation`` steps, else its primary at once and
    its secondary (if any) 15 minutes later."""
    if rotation.escalation:
        return Ladder(rotation.id, rotation.name, _rungs(rotation.escalation))
    rungs = [Rung(0, (f"rotation:{rotation.id}/primary",))]
    if rotation.secondary is not None:
        rungs.append(Rung(15, (f"rotation:{rotation.id}/secondary",)))
    return Ladder(rotation.id, rotation.name, tuple(rungs))


def policies_by_place(
    policies: Iterable[EscalationPolicy],
    rotations: Iterable[str],
    group_path: Callable[[str], str | None],
) -> dict[str, EscalationPolicy]:
    """Each policy under the rotation ids, group paths and entry ids it applies to (the
    first policy wins where two claim one; rule OP125 reports that)."""
    rotation_ids = set(rotations)
    found: dict[str, EscalationPolicy] = {}
    for policy in policies:
        for name in policy.applies_to:
            key = name if name in rotation_ids else group_path(name)
            found.setdefault(key or name, policy)
    return found


def rotation_policy(
    rotation: Rotation, by_place: Mapping[str, EscalationPolicy], group: str | None
) -> EscalationPolicy | None:
    """The policy a page of ``rotation`` runs: the one that applies to the rotation,
    else to its group (``group``, the path its ``group`` names); ``None``: its own
    ``escalation`` steps, else its primary then its secondary."""
    return by_place.get(rotation.id) or (by_place.get(group) if group else None)
