"""The rule registry: rules register here, built-in ones exactly like a third party's.

Imports ``model`` and ``rules.finding``. A third-party package exposes a callable in the
``orgplane.rules`` entry-point group; ``load_entry_points`` calls it with the registry,
and it calls ``registry.register(rule)`` for each of its rules. The built-in rules are
registered by ``orgplane.rules.builtin:register`` through that same entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from orgplane.model import Org, OrgIndex
from orgplane.rules.finding import Finding, Severity

__all__ = ["ENTRY_POINT_GROUP", "Rule", "RuleContext", "RuleRegistry", "default_registry"]

ENTRY_POINT_GROUP = "orgplane.rules"


@dataclass(slots=True)
class RuleContext:
    """What a rule sees: the org and its index (built once, shared by all rules).

    ``now`` is the clock seam of the rules that depend on time (the on-call clock rules,
    whose ``clock`` attribute is true): without it they report nothing, so what an apply
    stores never changes just because time passed; a caller that asks about a moment
    (the on-call findings API) gives it. ``oncall_weeks`` is how far ahead they look."""

    org: Org
    now: datetime | None = None
    oncall_weeks: int = 4
    index: OrgIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = OrgIndex(self.org)


@runtime_checkable
class Rule(Protocol):
    """A check over an org. ``code`` is unique (``OP104``); ``doc`` explains it to users."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str

    def check(self, context: RuleContext) -> Iterable[Finding]: ...


class RuleRegistry:
    """A set of rules by code. Registering a code twice is an error."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        if rule.code in self._rules:
            raise ValueError(
                f"rule {rule.code} is already registered ({self._rules[rule.code].name})"
            )
        self._rules[rule.code] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda rule: rule.code))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def get(self, code: str) -> Rule:
        return self._rules[code]

    def load_entry_points(self) -> RuleRegistry:
        """Let every installed ``orgplane.rules`` entry point register its rules."""
        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            register: Callable[[RuleRegistry], None] = entry_point.load()
            register(self)
        return self

    def check(self, org: Org, context: RuleContext | None = None) -> list[Finding]:
        """Every finding of every rule, sorted by file, line, column and code."""
        context = context or RuleContext(org)
        findings = [finding for rule in self for finding in rule.check(context)]
        return sorted(findings, key=Finding.sort_key)


def default_registry() -> RuleRegistry:
    """A fresh registry holding every installed rule (built-in and third-party)."""
    return RuleRegistry().load_entry_points()
