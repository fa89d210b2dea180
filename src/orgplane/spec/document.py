"""The shape of one spec file, and how the files of a folder merge into one ``Org``.

Imports ``model`` and ``errors``. A spec is one YAML file or a folder of them; each
file is a ``SpecDocument``. Exactly one file has the ``org:`` header; list sections
(groups, people, roles, catalog …) are concatenated in path order; each single-valued
policy may be set in one file only.
"""

from __future__ import annotations

from pydantic import Field

from orgplane.model import (
    CatalogEntry,
    Code,
    EscalationPolicy,
    Gate,
    GlossaryEntry,
    Group,
    Located,
    MessageTemplate,
    NameStr,
    Person,
    Phase,
    Policies,
    Role,
    Rotation,
    Slug,
    Text,
    Workflow,
)

__all__ = ["LIST_SECTIONS", "OrgHeader", "SpecDocument"]


class OrgHeader(Located):
    """Who the org is: its code, name, description and top lead(s)."""

    code: Code
    name: NameStr
    description: Text = ""
    leads: list[Slug] = Field(default_factory=list)


class SpecDocument(Located):
    """One spec file. Every section is optional; one file of a spec must have ``org``."""

    version: int = Field(default=1, ge=1, le=1, description="Spec format version; 1 today.")
    org: OrgHeader | None = None
    groups: list[Group] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    catalog: list[CatalogEntry] = Field(default_factory=list)
    policies: Policies | None = None
    oncall: list[Rotation] = Field(default_factory=list)
    escalation_policies: list[EscalationPolicy] = Field(default_factory=list)
    templates: list[MessageTemplate] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    workflows: list[Workflow] = Field(default_factory=list)
    roadmap: list[Phase] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)


#: Sections that several files may contribute to; their items are concatenated.
LIST_SECTIONS = (
    "groups",
    "people",
    "roles",
    "catalog",
    "oncall",
    "escalation_policies",
    "templates",
    "gates",
    "workflows",
    "roadmap",
    "glossary",
    "notes",
)
