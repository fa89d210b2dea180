"""Roles: what a person is there for, how many of them the org plans, who escalates.

Pure model. A role may carry an ``internal_id`` (e.g. a registry id used for routing);
it is kept in the spec and never rendered in user-visible output.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from orgplane.model.base import Located, NameStr, Ref, Slug, Text

__all__ = ["Headcount", "Role"]


class Headcount(Located):
    """A planned headcount range, "Senior Infrastructure Engineers (2-3)"."""

    min: int = Field(ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Headcount:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self

    def contains(self, count: int) -> bool:
        return count >= self.min and (self.max is None or count <= self.max)

    def __str__(self) -> str:
        if self.max is None:
            return f"{self.min}+"
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"


class Role(Located):
    """A role in the org: its responsibilities, planned headcount and place in escalation."""

    id: Slug
    name: NameStr
    internal_id: str | None = None
    description: Text = ""
    specialty: Text = ""
    group: Ref | None = None
    reports_to: Slug | None = None
    responsibilities: list[Text] = Field(default_factory=list)
    headcount: Headcount | None = None
    escalation_order: int | None = Field(default=None, ge=1)
