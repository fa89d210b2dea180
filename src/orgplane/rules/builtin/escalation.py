"""Escalation rules: ladders that would page nobody, and policies that apply to nothing.

Imports ``model``, ``oncall`` and ``rules``. A page walks its policy's steps; a step
whose target the org does not know pages nobody, and a policy that applies to a name
the org does not know is never used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from orgplane.model import Location, Org
from orgplane.model.process import EscalationStep
from orgplane.oncall.build import Holders
from orgplane.oncall.escalation import parse_target
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["EscalationTargetRule"]


class EscalationTargetRule(BuiltinRule):
    code = "OP125"
    name = "escalation-target"
    severity = Severity.ERROR
    summary = "An escalation step pages nobody the org knows, or a policy applies to nothing."
    doc = cleandoc(
        """
        Each step of an escalation ladder (a policy's `steps`, or a rotation's own
        `escalation`) pages its `to`: a person's id, a role's id or name, a rotation
        (`rotation:ID`, `rotation:ID/secondary`, `rotation:ID/both`), a group's code or
        path, or `owner` (the affected component's owner; the documents' "Component
        Owner" and "Component Specialist" mean the same). Words relative to the page
        also count when no person, role or group has that name: "On-call engineer"
        (the paged rotation's primary), "Secondary", "Eng lead of the team" (the paged
        team's leads) and "Director" (the leads of the group above). A name that is
        none of these would page nobody when the ladder reaches it. A policy's `applies_to` names the
        rotations (by id), groups and catalog entries it escalates for; a name that is
        none of them, or a thing two policies both apply to, leaves pages without a
        clear ladder. The finding points at the name. Fix it by correcting the name.
        Example: `to: Site Reliabilty Engineer` (misspelt) reports the step.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        org = context.org
        holders = Holders(org)
        rotations = [rotation.id for rotation in org.oncall]

        def group_path(ref: str) -> str | None:
            paths = context.index.resolve(ref).paths
            return paths[0] if len(paths) == 1 else None

        for owner, steps, location in _ladders(org):
            for index, step in enumerate(steps):
                target = parse_target(
                    step.to, holders=holders, rotations=rotations, group_path=group_path
                )
                if target.kind != "unknown":
                    continue
                yield self.finding(
                    f"{owner}, step {index + 1}: {step.to!r} is neither a person, a role, "
                    "a rotation, a group, the component's owner nor a word for someone "
                    "relative to the page",
                    step.location("to") or location,
                    hint="name a person's id, a role, rotation:ID, a group's code, owner, "
                    "On-call engineer, Eng lead or Director",
                    subject=owner,
                )
        catalog = {entry.id for entry in org.catalog}
        claimed: dict[str, str] = {}
        for policy in org.escalation_policies:
            for index, name in enumerate(policy.applies_to):
                where = policy.location("applies_to", index) or policy.location()
                known = name in rotations or name in catalog or group_path(name) is not None
                if not known:
                    yield self.finding(
                        f"escalation policy {policy.id} applies to {name!r}, which is "
                        "neither a rotation, a group nor a catalog entry",
                        where,
                        hint="name a rotation's id, a group's code or path, or an entry's id",
                        subject=policy.id,
                    )
                    continue
                key = group_path(name) or name
                if key in claimed and claimed[key] != policy.id:
                    yield self.finding(
                        f"escalation policies {claimed[key]} and {policy.id} both apply "
                        f"to {name!r}",
                        where,
                        hint="let one policy apply to it",
                        subject=policy.id,
                    )
                claimed.setdefault(key, policy.id)


def _ladders(org: Org) -> Iterator[tuple[str, list[EscalationStep], Location | None]]:
    for policy in org.escalation_policies:
        yield f"escalation policy {policy.id}", policy.steps, policy.location("steps")
    for rotation in org.oncall:
        if rotation.escalation:
            yield (
                f"on-call rotation {rotation.id}'s escalation",
                rotation.escalation,
                rotation.location("escalation"),
            )
