"""Policies: the rules an org's documents state, configured per org in its spec.

Pure model. The validator's rules read these; nothing here checks them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from orgplane.model.base import Located, NameStr, Ref, Shorthand, Slug, Text

__all__ = [
    "Authority",
    "AuthoritySubject",
    "CatalogCoverage",
    "ChangeClass",
    "ForbiddenInterface",
    "HiringPlan",
    "LeadThreshold",
    "OnCallDepth",
    "PlanningCycle",
    "Policies",
    "ReviewCadence",
    "RotationPeriod",
]


class ForbiddenInterface(Located):
    """Two groups (and their subtrees) that must not interface directly."""

    groups: list[Ref] = Field(min_length=2, max_length=2)
    note: Text = ""


class AuthoritySubject(Shorthand):
    """A subject one group alone decides, and the words that claim it."""

    shorthand_field: ClassVar[str | None] = "name"

    name: NameStr
    match: list[NameStr] = Field(default_factory=list)

    @field_validator("match")
    @classmethod
    def _non_empty_terms(cls, value: list[str]) -> list[str]:
        return [term for term in value if term.strip()]

    def terms(self) -> list[str]:
        return self.match or [self.name]


class Authority(Located):
    """ "1B is the sole authority for kernel versions …; all others are consumers"."""

    group: Ref
    subjects: list[AuthoritySubject] = Field(min_length=1)
    note: Text = ""


class LeadThreshold(Located):
    """A group of one of ``kinds`` with ``size`` or more members must have a lead."""

    size: int = Field(ge=1)
    kinds: list[Slug] = Field(default_factory=list)


class OnCallDepth(Located):
    """Groups (by kind or by name) must keep at least ``min`` people on their rotation."""

    min: int = Field(ge=1)
    kinds: list[Slug] = Field(default_factory=list)
    groups: list[Ref] = Field(default_factory=list)


class RotationPeriod(Located):
    """How often engineers rotate between groups, in months."""

    min_months: int = Field(ge=1)
    max_months: int = Field(ge=1)


class ReviewCadence(Located):
    """A recurring review ("Security (monthly)") or one triggered by events ("after P0/P1")."""

    name: NameStr
    every: Slug | None = None
    after: list[NameStr] = Field(default_factory=list)
    note: Text = ""


class ChangeClass(Located):
    """A class of change (Standard / Normal / Emergency), its risk and who approves it."""

    name: NameStr
    risk: Slug = "medium"
    approval: Slug = "review"
    approvers: list[NameStr] = Field(default_factory=list)
    note: Text = ""


class CatalogCoverage(Located):
    """At least ``min`` (a fraction) of the groups of ``kinds`` own a catalog entry."""

    min: float = Field(ge=0, le=1)
    kinds: list[Slug] = Field(default_factory=list)


class HiringPlan(Located):
    """ "Every 6 weeks = 1 hire … up to 8 FTEs"."""

    every_weeks: int = Field(ge=1)
    hires: int = Field(default=1, ge=1)
    target_headcount: int | None = Field(default=None, ge=1)


class PlanningCycle(Located):
    """A Shape Up style cycle: build weeks, then cool-down weeks."""

    name: NameStr = "Shape Up"
    build_weeks: int = Field(ge=1)
    cooldown_weeks: int = Field(default=0, ge=0)


class Policies(Located):
    """Every policy an org states; each is optional."""

    forbidden_interfaces: list[ForbiddenInterface] = Field(default_factory=list)
    authorities: list[Authority] = Field(default_factory=list)
    lead_threshold: LeadThreshold | None = None
    oncall_depth: OnCallDepth | None = None
    rotation_period: RotationPeriod | None = None
    review_cadences: list[ReviewCadence] = Field(default_factory=list)
    change_classes: list[ChangeClass] = Field(default_factory=list)
    catalog_coverage: CatalogCoverage | None = None
    hiring: HiringPlan | None = None
    planning_cycle: PlanningCycle | None = None
    career_ladder: list[NameStr] = Field(default_factory=list)
