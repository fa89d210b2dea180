"""Catalog rules: every system and service has an owner, and groups own what they run.

Imports ``model`` and ``rules``.
"""

from __future__ import annotations

from collections.abc import Iterable

from orgplane.rules.builtin._common import BuiltinRule, cleandoc, label, quote_list
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["CatalogCoverageRule", "CatalogUnowned"]


class CatalogUnowned(BuiltinRule):
    code = "OP111"
    name = "catalog-unowned"
    severity = Severity.WARNING
    summary = "A catalog entry has no owner."
    doc = cleandoc(
        """
        A catalog entry without an `owner` answers "what is X?" but not "who owns X, who
        is on call for X, who approves a change to X?" — the questions the catalog exists
        for. Incidents on it route nowhere. Fix it by setting `owner:` to the code or
        path of the group that runs it. Example: `- {id: kafka, name: Kafka}` becomes
        `- {id: kafka, name: Kafka, owner: D-1}`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        for entry in context.org.catalog:
            if not entry.owner:
                yield self.finding(
                    f'catalog entry "{entry.id}" ({entry.name}) has no owner',
                    entry.location(),
                    hint="set 'owner:' to the code or path of the group that runs it",
                )


def _percent(fraction: float) -> str:
    text = f"{fraction * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


class CatalogCoverageRule(BuiltinRule):
    code = "OP112"
    name = "catalog-coverage"
    severity = Severity.WARNING
    summary = "Too few groups of the policy's kinds own a catalog entry."
    doc = cleandoc(
        """
        The `catalog_coverage` policy asks that at least `min` (a fraction, `0.8` for
        80%) of the groups of `kinds` (`squad` when the list is empty) own at least one
        catalog entry: a squad that owns nothing in the catalog cannot be found by "who
        owns X?" and gets no requests or incidents routed to it. A group owns what it or
        any group below it owns; owners must resolve to one group. The one finding sits at
        the policy and names up to five groups without entries. Fix it by adding catalog
        entries for what those groups run, or by lowering `min`. Example: with
        `catalog_coverage: {min: 0.8}` and entries owned by 2 of 5 squads: `catalog
        coverage of squad groups is 40% (2 of 5), below the policy minimum of 80%`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        policy = context.org.policies.catalog_coverage
        if policy is None:
            return
        index = context.index
        kinds = {kind.lower() for kind in policy.kinds} or {"squad"}
        scoped = [path for path, group in index.groups.items() if group.kind in kinds]
        if not scoped:
            return
        covered: set[str] = set()
        for owner in index.catalog_by_owner:
            # The owner and every group above it own this entry.
            parts = owner.split("/")
            for end in range(len(parts), 0, -1):
                prefix = "/".join(parts[:end])
                if prefix in covered:
                    break
                covered.add(prefix)
        missing = [path for path in scoped if path not in covered]
        share = (len(scoped) - len(missing)) / len(scoped)
        if share >= policy.min:
            return
        yield self.finding(
            f"catalog coverage of {'/'.join(sorted(kinds))} groups is {_percent(share)} "
            f"({len(scoped) - len(missing)} of {len(scoped)}), below the policy minimum of "
            f"{_percent(policy.min)}",
            policy.location(),
            hint="groups without catalog entries: "
            f"{quote_list(label(index, path) for path in missing)}; add entries with "
            "'owner:' set to them",
        )
