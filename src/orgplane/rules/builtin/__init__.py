"""orgplane's built-in rules, registered through the ``orgplane.rules`` entry point."""

from __future__ import annotations

from orgplane.rules.registry import RuleRegistry

__all__ = ["register"]


def register(registry: RuleRegistry) -> None:
    """Register every built-in rule (the entry point ``orgplane.rules: builtin``)."""
