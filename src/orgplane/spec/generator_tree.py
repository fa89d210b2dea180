"""The group tree of the generated org: departments, squads, units, what they do and need.

Imports ``spec.generator_words`` and the stdlib only. ``build_tree`` makes the
departments ``1A``, ``1B`` …, their squads ``A-1``, ``A-2`` … and the squads' units
``U-A1-1`` …, where every tenth squad or so also has an operations unit
``SHARED_UNIT_CODE`` (a code reused across the tree, as real documents do).
``depend`` gives squads dependencies on squads of other departments with a skewed
(Zipf-like) choice of target, and ``describe`` gives the groups their duties, stack and
KPIs. Each draws from the generator's one ``random.Random`` in a fixed order; the
leads and members come from ``spec.generator_people``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from orgplane.spec.generator_words import (
    AUTHORITY_DEPARTMENT,
    COMMON_DUTIES,
    DEPARTMENTS,
    KPIS,
    LETTERS,
    PROVIDES,
    RESPONSIBILITIES,
    SQUADS,
    STACK,
    UNITS,
)

__all__ = ["SHARED_UNIT_CODE", "GroupNode", "build_tree", "depend", "describe"]

#: Code of the operations unit some squads have; reused across the tree on purpose.
SHARED_UNIT_CODE = "U-OPS"


@dataclass(slots=True)
class GroupNode:
    """One generated group, with what its YAML record says and its child groups."""

    code: str
    kind: str
    name: str
    path: str
    department: int
    leads: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    oncall: list[str] = field(default_factory=list)
    responsibilities: list[str] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    # (rendered target, provides, direction) with direction "from" or "with"
    dependencies: list[tuple[str, str, str]] = field(default_factory=list)
    groups: list[GroupNode] = field(default_factory=list)


def _department_code(index: int) -> tuple[str, str]:
    """``1A`` … ``1Z``, ``2A`` …, and the letter its squads use (``A-1``)."""
    letter = LETTERS[index % 26]
    return f"{index // 26 + 1}{letter}", letter


def _walk(tree: list[GroupNode]) -> list[GroupNode]:
    return [
        group
        for department in tree
        for squad in department.groups
        for group in (squad, *squad.groups)
    ] + tree


def build_tree(
    rng: random.Random, departments: int, squads_per: int, units_per: int
) -> list[GroupNode]:
    tree: list[GroupNode] = []
    for d in range(departments):
        code, letter = _department_code(d)
        theme = DEPARTMENTS[d % len(DEPARTMENTS)]
        name = theme if d < len(DEPARTMENTS) else f"{theme} {d // len(DEPARTMENTS) + 1}"
        department = GroupNode(code, "department", name, code, d)
        topics = rng.sample(SQUADS, min(squads_per, len(SQUADS)))
        for s in range(1, squads_per + 1):
            topic = topics[(s - 1) % len(topics)]
            squad_name = topic if s <= len(topics) else f"{topic} {(s - 1) // len(topics) + 1}"
            squad_code = f"{letter}-{s}"
            squad = GroupNode(squad_code, "squad", squad_name, f"{code}/{squad_code}", d)
            shared = units_per > 0 and rng.random() < 0.1
            for u in range(1, units_per + 1):
                if shared and u == units_per:
                    unit_code, unit_name = SHARED_UNIT_CODE, f"{squad_name} Operations"
                else:
                    unit_code, unit_name = f"U-{letter}{s}-{u}", rng.choice(UNITS)
                squad.groups.append(
                    GroupNode(unit_code, "unit", unit_name, f"{squad.path}/{unit_code}", d)
                )
            department.groups.append(squad)
        tree.append(department)
    return tree


def depend(rng: random.Random, tree: list[GroupNode]) -> tuple[int, dict[str, int]]:
    """Give squads dependencies on squads of other departments; return the edge count and
    the incoming edges per path, counted the way ``OrgIndex.edges`` counts them."""
    squads = [squad for department in tree for squad in department.groups]
    if len(squads) < 2:
        return 0, {}
    codes: dict[str, int] = {}
    for group in _walk(tree):
        codes[group.code] = codes.get(group.code, 0) + 1
    # A Zipf-like popularity over a shuffled order: a few squads are what everyone needs.
    popular = rng.sample(squads, len(squads))
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(popular))]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    # The first and last departments must not interface directly (a policy in org.yaml).
    forbidden = {0, len(tree) - 1} if len(tree) > 2 else set()
    several_departments = len(tree) > 1

    incoming: dict[str, int] = {}
    edges = 0
    for squad in squads:
        chosen: set[str] = set()
        for _ in range(rng.randint(1, 4)):
            for _attempt in range(20):
                target = rng.choices(popular, cum_weights=cumulative)[0]
                if target is squad or target.path in chosen:
                    continue
                if several_departments and target.department == squad.department:
                    continue
                if {squad.department, target.department} == forbidden:
                    continue
                break
            else:
                continue
            chosen.add(target.path)
            direction = "with" if rng.random() < 0.1 else "from"
            ref = target.code if codes[target.code] == 1 else target.path
            squad.dependencies.append((ref, rng.choice(PROVIDES), direction))
            incoming[target.path] = incoming.get(target.path, 0) + 1
            edges += 1
            if direction == "with":
                incoming[squad.path] = incoming.get(squad.path, 0) + 1
                edges += 1
    return edges, incoming


def describe(rng: random.Random, tree: list[GroupNode], kpis_per_unit: int) -> None:
    """Give every group its responsibilities, and squads their stack and KPIs.

    Squads get one to three KPIs; ``kpis_per_unit`` gives every unit that many more.
    """
    for number, department in enumerate(tree):
        # Only the department the authority policy names claims kernel work: the org's
        # own rules find nothing wrong with that (the generated org is a healthy one).
        duties = RESPONSIBILITIES if number == AUTHORITY_DEPARTMENT else COMMON_DUTIES
        for squad in department.groups:
            squad.responsibilities = rng.sample(duties, rng.randint(2, 4))
            squad.stack = [
                f"{name} {rng.choice(versions)}"
                for name, versions in rng.sample(STACK, rng.randint(2, 5))
            ]
            squad.kpis = [
                template.format(rng.randint(1, 99))
                for template in rng.sample(KPIS, rng.randint(1, 3))
            ]
            for unit in squad.groups:
                unit.responsibilities = rng.sample(duties, rng.randint(2, 4))
                if kpis_per_unit:
                    unit.kpis = [
                        template.format(rng.randint(1, 99))
                        for template in rng.choices(KPIS, k=kpis_per_unit)
                    ]
        department.responsibilities = rng.sample(duties, rng.randint(2, 4))
