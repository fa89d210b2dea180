"""The org: the root of a spec, holding the group tree and everything around it. Pure model."""

from __future__ import annotations

from pydantic import Field

from orgplane.model.base import Code, Located, NameStr, Slug, Text
from orgplane.model.catalog import CatalogEntry
from orgplane.model.escalation import EscalationPolicy
from orgplane.model.group import Group
from orgplane.model.person import Person
from orgplane.model.policy import Policies
from orgplane.model.process import Gate, MessageTemplate, Phase, Rotation, Workflow
from orgplane.model.role import Role

__all__ = ["GlossaryEntry", "Org"]


class GlossaryEntry(Located):
    """A term the org's documents define ("LTFC = Lead-Time-for-Change")."""

    term: NameStr
    definition: Text


class Org(Located):
    """An organization: its group tree, people, roles, catalog, policies and processes."""

    code: Code
    name: NameStr
    description: Text = ""
    leads: list[Slug] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    catalog: list[CatalogEntry] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)
    oncall: list[Rotation] = Field(default_factory=list)
    escalation_policies: list[EscalationPolicy] = Field(default_factory=list)
    templates: list[MessageTemplate] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    workflows: list[Workflow] = Field(default_factory=list)
    roadmap: list[Phase] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)

    def walk(self) -> list[tuple[str, Group]]:
        """Every group with its path (codes joined by ``/``), depth first, in spec order."""
        out: list[tuple[str, Group]] = []
        for group in self.groups:
            out.extend(group.walk())
        return out
