"""orgplane's built-in rules, registered through the ``orgplane.rules`` entry point.

Imports ``model`` and ``rules``. One module per noun: ``references`` (ids and group
references), ``structure`` (the group tree), ``dependencies`` (the dependency graph),
``policies`` (the org's own policies), ``catalog``, ``roles``, ``kpis``, ``oncall`` (a
rotation's definition), ``oncall_schedule`` (its next weeks, by the clock) and
``escalation``. docs/rules.md
documents every rule; a test fails when one is missing there.
"""

from __future__ import annotations

from orgplane.rules.builtin.catalog import CatalogCoverageRule, CatalogUnowned
from orgplane.rules.builtin.dependencies import DependencyCycle
from orgplane.rules.builtin.escalation import EscalationTargetRule
from orgplane.rules.builtin.kpis import KpiUntyped
from orgplane.rules.builtin.oncall import OnCallDefinition, OnCallMember, OnCallRoleUnheld
from orgplane.rules.builtin.oncall_schedule import (
    OnCallAlone,
    OnCallCoverageGap,
    OnCallDoublePrimary,
    OnCallRotationDepth,
)
from orgplane.rules.builtin.policies import (
    AuthorityBoundary,
    ForbiddenInterfaceRule,
    LeadRequired,
    OnCallDepthRule,
)
from orgplane.rules.builtin.references import AmbiguousReference, DanglingReference
from orgplane.rules.builtin.roles import HeadcountRange, InternalIdExposed
from orgplane.rules.builtin.structure import CodeReused, DuplicateCode, EmptyDepartment
from orgplane.rules.registry import Rule, RuleRegistry

__all__ = ["builtin_rules", "register"]


def builtin_rules() -> list[Rule]:
    """A fresh instance of every built-in rule, in code order."""
    return [
        DuplicateCode(),
        AmbiguousReference(),
        DanglingReference(),
        ForbiddenInterfaceRule(),
        DependencyCycle(),
        AuthorityBoundary(),
        LeadRequired(),
        OnCallDepthRule(),
        HeadcountRange(),
        EmptyDepartment(),
        CatalogUnowned(),
        CatalogCoverageRule(),
        CodeReused(),
        InternalIdExposed(),
        KpiUntyped(),
        OnCallDefinition(),
        OnCallMember(),
        OnCallRoleUnheld(),
        OnCallCoverageGap(),
        OnCallRotationDepth(),
        OnCallDoublePrimary(),
        EscalationTargetRule(),
        OnCallAlone(),
    ]


def register(registry: RuleRegistry) -> None:
    """Register every built-in rule (the entry point ``orgplane.rules: builtin``)."""
    for rule in builtin_rules():
        registry.register(rule)
