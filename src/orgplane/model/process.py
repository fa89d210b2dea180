"""Process definitions the documents give: on-call rotations, escalation ladders,
message templates, operational gates, request flows and roadmap phases.

Pure model. These are the *definitions*; the runtime records live in the database.
"""

from __future__ import annotations

from pydantic import Field

from orgplane.model.base import Located, NameStr, Ref, Slug, Text
from orgplane.model.oncall import OnCallLayer, OnCallOverride

__all__ = [
    "EscalationStep",
    "Gate",
    "MessageTemplate",
    "Phase",
    "Rotation",
    "Workflow",
    "WorkflowStep",
]


class EscalationStep(Located):
    """One rung of an escalation ladder: who is paged, from minute ``after`` on."""

    to: NameStr
    after_minutes: int = Field(default=0, ge=0)
    until_minutes: int | None = Field(default=None, ge=0)
    note: Text = ""


class Rotation(Located):
    """An on-call rotation: who is primary and secondary, when it hands off, how it escalates."""

    id: Slug
    name: NameStr
    group: Ref | None = None
    primary: NameStr
    secondary: NameStr | None = None
    handoff: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "UTC"
    period: Slug = "daily"
    escalation: list[EscalationStep] = Field(default_factory=list)
    #: Who holds the primary rotation when; none: ``primary`` every ``period``.
    layers: list[OnCallLayer] = Field(default_factory=list)
    overrides: list[OnCallOverride] = Field(default_factory=list)


class MessageTemplate(Located):
    """A message the org sends the same way every time (INCIDENT, MAINTENANCE, …)."""

    id: Slug
    name: NameStr
    kind: Slug = "message"
    body: Text


class Gate(Located):
    """An operational gate: a checklist that must be complete before a step proceeds."""

    id: Slug
    name: NameStr
    checks: list[NameStr] = Field(min_length=1)


class WorkflowStep(Located):
    """One step of a workflow: who acts and what they do."""

    actor: NameStr
    actions: list[Text] = Field(default_factory=list)


class Workflow(Located):
    """A process as a sequence of steps (the infrastructure request flow, escalation path)."""

    id: Slug
    name: NameStr
    trigger: Text = ""  #: what starts it ("Infrastructure Request", "Issue Detected")
    steps: list[WorkflowStep] = Field(min_length=1)


class Phase(Located):
    """A roadmap phase with its weeks and deliverables."""

    name: NameStr
    weeks: str = ""
    deliverables: list[Text] = Field(default_factory=list)
