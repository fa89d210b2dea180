"""The typed domain of orgplane: orgs, groups, people, roles, catalog, policies, processes.

Pure: no I/O, imports only ``orgplane.errors``. Everything above builds on these types.
"""

from orgplane.model.base import Code, Located, NameStr, Ref, Slug, Text, is_code
from orgplane.model.catalog import CatalogEntry, CatalogKind
from orgplane.model.escalation import ContactKind, ContactMethod, EscalationPolicy
from orgplane.model.group import Dependency, Direction, Group, StackItem
from orgplane.model.index import Edge, ImpactRow, OrgIndex, Resolution
from orgplane.model.kpi import InternalHook, Kpi, MeasureSource, SourceType
from orgplane.model.oncall import OnCallLayer, OnCallOverride, OnCallWindow
from orgplane.model.org import GlossaryEntry, Org
from orgplane.model.person import Person
from orgplane.model.policy import (
    Authority,
    AuthoritySubject,
    CatalogCoverage,
    ChangeClass,
    ForbiddenInterface,
    HiringPlan,
    LeadThreshold,
    OnCallDepth,
    PlanningCycle,
    Policies,
    ReviewCadence,
    RotationPeriod,
)
from orgplane.model.process import (
    EscalationStep,
    Gate,
    MessageTemplate,
    Phase,
    Rotation,
    Workflow,
    WorkflowStep,
)
from orgplane.model.role import Headcount, Role
from orgplane.model.source import Location, NodeSource, SourcedDict, SourcedList

__all__ = [
    "Authority",
    "AuthoritySubject",
    "CatalogCoverage",
    "CatalogEntry",
    "CatalogKind",
    "ChangeClass",
    "Code",
    "ContactKind",
    "ContactMethod",
    "Dependency",
    "Direction",
    "Edge",
    "EscalationPolicy",
    "EscalationStep",
    "ForbiddenInterface",
    "Gate",
    "GlossaryEntry",
    "Group",
    "Headcount",
    "HiringPlan",
    "ImpactRow",
    "InternalHook",
    "Kpi",
    "LeadThreshold",
    "Located",
    "Location",
    "MeasureSource",
    "MessageTemplate",
    "NameStr",
    "NodeSource",
    "OnCallDepth",
    "OnCallLayer",
    "OnCallOverride",
    "OnCallWindow",
    "Org",
    "OrgIndex",
    "Person",
    "Phase",
    "PlanningCycle",
    "Policies",
    "Ref",
    "Resolution",
    "ReviewCadence",
    "Role",
    "Rotation",
    "RotationPeriod",
    "Slug",
    "SourceType",
    "SourcedDict",
    "SourcedList",
    "StackItem",
    "Text",
    "Workflow",
    "WorkflowStep",
    "is_code",
]
