"""The validator: a registry of rules, each yielding findings about an org.

Imports ``model`` and ``errors``. See docs/rules.md for every rule.
"""

from orgplane.rules.finding import Finding, Severity, relative_findings
from orgplane.rules.registry import (
    ENTRY_POINT_GROUP,
    Rule,
    RuleContext,
    RuleRegistry,
    default_registry,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Finding",
    "Rule",
    "RuleContext",
    "RuleRegistry",
    "Severity",
    "default_registry",
    "relative_findings",
]
