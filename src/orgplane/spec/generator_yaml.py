"""The YAML text of the generated org: scalars, flow lists, ``org.yaml`` and the groups.

Imports ``spec.generator_tree``, ``spec.generator_words`` and the stdlib only. The text
is written directly, not through a dumper, which keeps generating 100,000 people fast:
ids and numbers are always safe as plain scalars, and the texts (from the fixed
vocabularies in ``generator_words``) are quoted only where plain YAML would misread
them. Mappings are written in block style and small records and lists in flow style,
as PyYAML's default dumper does. ``org_lines`` gives ``org.yaml`` (header, policies,
roles) and ``group_lines`` one department's file; the people and catalog records come
from ``spec.generator_people`` and ``spec.generator_catalog``.
"""

from __future__ import annotations

import json
import re

from orgplane.spec.generator_tree import GroupNode
from orgplane.spec.generator_words import (
    AUTHORITY_DEPARTMENT,
    AUTHORITY_TERMS,
    IC_ROLES,
    LEAD_ROLES,
)

__all__ = ["flow", "group_lines", "org_lines", "scalar"]

# A text safe to write as a plain YAML scalar in block and flow context: starts with a
# letter or digit, and contains none of the characters that end or start something.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/&+()<>=≥≤%@-]*[A-Za-z0-9.%)]|[A-Za-z0-9]")
_NOT_PLAIN = frozenset({"null", "Null", "NULL", "true", "false", "yes", "no", "on", "off"})


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same text, else quoted."""
    if _PLAIN.fullmatch(text) and text not in _NOT_PLAIN and "  " not in text:
        return text
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def org_lines(tree: list[GroupNode], person_ids: list[str]) -> list[str]:
    first, last = tree[0].code, tree[-1].code
    authority = tree[min(AUTHORITY_DEPARTMENT, len(tree) - 1)].code
    lines = [
        "version: 1",
        "org:",
        "  code: GEN",
        "  name: Generated Infrastructure Org",
        "  description: A large generated org for benchmarks and tests.",
    ]
    if person_ids:
        lines.append(f"  leads: [{person_ids[0]}]")
    lines += [
        "policies:",
        "  lead_threshold: {size: 5, kinds: [squad, unit]}",
        "  oncall_depth: {min: 2, kinds: [squad]}",
        "  rotation_period: {min_months: 6, max_months: 12}",
        "  catalog_coverage: {min: 0.5, kinds: [squad]}",
        "  planning_cycle: {name: Shape Up, build_weeks: 6, cooldown_weeks: 2}",
        "  hiring: {every_weeks: 6, hires: 1, target_headcount: 8}",
        "  career_ladder: [Engineer, Senior Engineer, Staff Engineer, Principal Engineer]",
        "  review_cadences:",
        "    - {name: Security, every: monthly}",
        "    - {name: Postmortem, after: [P0, P1]}",
        "  change_classes:",
        "    - {name: Standard, risk: low, approval: pre-approved}",
        "    - {name: Normal, risk: medium, approval: review, approvers: [Change Advisory Board]}",
        "    - {name: Emergency, risk: high, approval: post-review}",
        "  authorities:",
        f"    - group: {authority}",
        "      subjects:",
        f"        - {{name: kernel versions, match: {flow(list(AUTHORITY_TERMS))}}}",
    ]
    if first != last and len(tree) > 2:
        lines += [
            "  forbidden_interfaces:",
            f"    - {{groups: [{first}, {last}], note: Go through the platform APIs}}",
        ]
    lines.append("roles:")
    for role_id, name in LEAD_ROLES:
        lines.append(f"  - {{id: {role_id}, name: {name}, responsibilities: [People, Delivery]}}")
    for role_id, name, _ in IC_ROLES:
        lines.append(f"  - {{id: {role_id}, name: {name}, reports_to: engineering-manager}}")
    return lines


def group_lines(department: GroupNode) -> list[str]:
    lines: list[str] = []
    # (group, indent) in document order, iteratively like the rest of the code base.
    stack = [(department, "  ")]
    while stack:
        group, indent = stack.pop()
        inner = indent + "  "
        lines.append(f"{indent}- code: {group.code}")
        lines.append(f"{inner}kind: {group.kind}")
        lines.append(f"{inner}name: {scalar(group.name)}")
        if group.leads:
            lines.append(f"{inner}leads: {flow(group.leads)}")
        if group.members:
            lines.append(f"{inner}members: {flow(group.members)}")
        if group.oncall:
            lines.append(f"{inner}oncall: {flow(group.oncall)}")
        if group.responsibilities:
            items = [scalar(r) for r in group.responsibilities]
            lines.append(f"{inner}responsibilities: {flow(items)}")
        if group.stack:
            lines.append(f"{inner}stack: {flow(group.stack)}")
        if group.kpis:
            lines.append(f"{inner}kpis:")
            lines.extend(f"{inner}  - {scalar(kpi)}" for kpi in group.kpis)
        if group.dependencies:
            lines.append(f"{inner}dependencies:")
            for target, provides, direction in group.dependencies:
                extra = "" if direction == "from" else f", direction: {direction}"
                lines.append(f"{inner}  - {{target: {target}, provides: {provides}{extra}}}")
        if group.groups:
            lines.append(f"{inner}groups:")
            stack.extend((child, inner + "  ") for child in reversed(group.groups))
    return lines
