"""KPI rules: every KPI states a measurable objective.

Imports ``model``, ``kpis`` and ``rules``. The KPI grammar (``orgplane.kpis``) types
each KPI text; a text it cannot type is kept as a qualitative KPI and reported here.
"""

from __future__ import annotations

from collections.abc import Iterable

from orgplane.kpis import Objective, parse_objective
from orgplane.rules.builtin._common import BuiltinRule, cleandoc, label
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["KpiUntyped"]


class KpiUntyped(BuiltinRule):
    code = "OP115"
    name = "kpi-untyped"
    severity = Severity.WARNING
    summary = "A KPI's text states no measurable objective."
    doc = cleandoc(
        """
        orgplane types every KPI text into an objective — a metric, a comparator and a
        target in a normalized unit, with its percentile, share, scope and period
        ("P95 latency < 5ms", "Availability 99.9%", "MTTR < 30 min (Sev-1)",
        "Roadmap published quarterly"; docs/kpis.md lists every form). A text that
        names no target ("Request volume") or that the grammar cannot read is kept as
        written, as a qualitative KPI, but nothing can measure it, score it or alert on
        it. The finding points at the KPI and gives the reason. Fix it by writing the
        target the KPI must meet, or run `orgplane kpi parse TEXT` to see how a text
        is read. Example: `kpis: [Request volume]` becomes
        `kpis: ["Request volume ≥ 200/day"]`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        # Large specs repeat KPI texts; each distinct text is parsed once per check.
        typed: dict[str, Objective] = {}
        for path, group in index.groups.items():
            for position, kpi in enumerate(group.kpis):
                objective = typed.get(kpi.text)
                if objective is None:
                    objective = typed[kpi.text] = parse_objective(kpi.text)
                if objective.typed:
                    continue
                yield self.finding(
                    f'KPI "{kpi.text}" of {label(index, path)} is qualitative: {objective.reason}',
                    group.location("kpis", position) or kpi.location(),
                    hint="write a metric, a comparator and a target, e.g. "
                    '"P95 latency < 5ms" or "Availability ≥ 99.9%"; docs/kpis.md lists '
                    "every form",
                    subject=path,
                )
