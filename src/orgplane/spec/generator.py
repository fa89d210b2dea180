"""Generate a large, realistic, deterministic org spec: the input of the load benchmark.

Imports ``errors`` and the stdlib only. ``generate_org`` writes a spec folder the way a
machine would write one: ``org.yaml`` (header, policies, roles), one file per department
(``dept-01.yaml`` …) and the people and catalog split into files of at most
``CHUNK_SIZE`` records (``people-01.yaml`` …, ``catalog-01.yaml`` …). Mappings are written
in block style and small records and lists in flow style, as PyYAML's default dumper does.

The content looks like real infrastructure org documents: departments ``1A``, ``1B`` …,
squads ``A-1``, ``A-2`` …, units ``U-A1-1`` …, where every tenth squad or so also has an
operations unit ``U-OPS`` (a code reused across the tree, as real documents do). Squads
depend on squads of other departments with a skewed (Zipf-like) choice of target, so one
group is clearly the most depended on. The same arguments and seed give byte-identical
files: everything comes from one ``random.Random(seed)`` drawn in a fixed order.

The YAML text is written directly, not through a dumper, which keeps generating 100,000
people fast: ids and numbers are always safe as plain scalars, and the texts (from the
fixed vocabularies in ``generator_words``) are quoted only where plain YAML would
misread them.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from orgplane.errors import UsageError
from orgplane.spec.generator_words import (
    AUTHORITY_DEPARTMENT,
    AUTHORITY_TERMS,
    CATALOG_NOUNS,
    COMMON_DUTIES,
    DEPARTMENTS,
    FIRST_NAMES,
    IC_ROLES,
    KPIS,
    LAST_NAMES,
    LEAD_ROLES,
    LETTERS,
    LIFECYCLES,
    PROVIDES,
    RESPONSIBILITIES,
    SQUADS,
    STACK,
    TIMEZONES,
    UNITS,
)

__all__ = ["CHUNK_SIZE", "GenerationSummary", "generate_org"]

#: Most people (or catalog entries) written to one file.
CHUNK_SIZE = 20_000
#: Code of the operations unit some squads have; reused across the tree on purpose.
SHARED_UNIT_CODE = "U-OPS"

# A text safe to write as a plain YAML scalar in block and flow context: starts with a
# letter or digit, and contains none of the characters that end or start something.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/&+()<>=≥≤%@-]*[A-Za-z0-9.%)]|[A-Za-z0-9]")
_NOT_PLAIN = frozenset({"null", "Null", "NULL", "true", "false", "yes", "no", "on", "off"})


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same text, else quoted."""
    if _PLAIN.fullmatch(text) and text not in _NOT_PLAIN and "  " not in text:
        return text
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What ``generate_org`` wrote: counts, the files (in order) and the busiest group."""

    out_dir: Path
    files: tuple[Path, ...]
    departments: int
    squads: int
    units: int
    people: int
    roles: int
    catalog: int
    dependencies: int
    #: Path of the group with the most incoming dependency edges (``None`` without any).
    most_depended_path: str | None
    most_depended_count: int
    bytes_written: int

    @property
    def groups(self) -> int:
        return self.departments + self.squads + self.units

    def __str__(self) -> str:
        busiest = (
            f"; most depended on: {self.most_depended_path} ({self.most_depended_count} edges)"
            if self.most_depended_path
            else ""
        )
        return (
            f"{self.groups} groups ({self.departments} departments, {self.squads} squads, "
            f"{self.units} units), {self.people} people, {self.roles} roles, "
            f"{self.catalog} catalog entries, {self.dependencies} dependency edges "
            f"in {len(self.files)} files ({self.bytes_written / 1024 / 1024:.1f} MiB){busiest}"
        )


@dataclass(slots=True)
class _Group:
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
    groups: list[_Group] = field(default_factory=list)


def generate_org(
    out_dir: Path,
    *,
    departments: int,
    squads_per: int,
    units_per: int,
    people: int,
    catalog: int,
    seed: int = 0,
    kpis_per_unit: int = 0,
) -> GenerationSummary:
    """Write a generated org spec into ``out_dir`` (created; must hold no spec files yet).

    Squads get one to three KPIs; ``kpis_per_unit`` gives every unit that many more (the
    KPI benchmark's org: 60,000 KPIs and more).
    """
    for name, value in (
        ("departments", departments),
        ("squads-per", squads_per),
        ("units-per", units_per),
        ("people", people),
        ("catalog", catalog),
        ("kpis-per-unit", kpis_per_unit),
    ):
        if value < 0:
            raise UsageError(f"--{name} must be 0 or more, got {value}")
    if departments < 1:
        raise UsageError("--departments must be 1 or more")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(
        p.suffix in (".yaml", ".yml") for p in out_dir.iterdir() if p.is_file()
    ):
        raise UsageError(f"{out_dir} already holds spec files; generate into an empty folder")

    rng = random.Random(seed)
    id_width = max(6, len(str(people)), len(str(catalog)))
    person_ids = [f"p-{i:0{id_width}d}" for i in range(1, people + 1)]
    lead_roles: dict[int, str] = {}

    tree = _build_tree(rng, departments, squads_per, units_per)
    _staff(tree, person_ids, lead_roles)
    edges, incoming = _depend(rng, tree)
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

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total_bytes = 0

    def write(name: str, lines: list[str]) -> None:
        nonlocal total_bytes
        path = out_dir / name
        data = ("\n".join(lines) + "\n").encode()
        path.write_bytes(data)
        written.append(path)
        total_bytes += len(data)

    header = f"# Generated by 'orgplane dev generate' (seed {seed}): made-up data, not a real org."
    write("org.yaml", [header, *_org_lines(tree, person_ids)])
    dept_width = max(2, len(str(departments)))
    for number, department in enumerate(tree, start=1):
        write(f"dept-{number:0{dept_width}d}.yaml", [header, "groups:", *_group_lines(department)])

    owners = [
        group.path
        for department in tree
        for squad in department.groups
        for group in (squad, *squad.groups)
    ] or [department.path for department in tree]
    # Chunk numbers are zero-padded so that the files sort (and so load) in order.
    chunk_width = max(2, len(str(-(-max(people, catalog) // CHUNK_SIZE))))
    for number, start in enumerate(range(0, people, CHUNK_SIZE), start=1):
        stop = min(start + CHUNK_SIZE, people)
        write(
            f"people-{number:0{chunk_width}d}.yaml",
            [header, "people:", *_people_lines(rng, person_ids, start, stop, lead_roles)],
        )
    for number, start in enumerate(range(0, catalog, CHUNK_SIZE), start=1):
        stop = min(start + CHUNK_SIZE, catalog)
        write(
            f"catalog-{number:0{chunk_width}d}.yaml",
            [header, "catalog:", *_catalog_lines(rng, start, stop, id_width, owners)],
        )

    most_depended: str | None = None
    most_count = 0
    for path, count in incoming.items():  # insertion order breaks ties: stable
        if count > most_count:
            most_depended, most_count = path, count
    return GenerationSummary(
        out_dir=out_dir,
        files=tuple(written),
        departments=len(tree),
        squads=sum(len(d.groups) for d in tree),
        units=sum(len(s.groups) for d in tree for s in d.groups),
        people=people,
        roles=len(IC_ROLES) + len(LEAD_ROLES),
        catalog=catalog,
        dependencies=edges,
        most_depended_path=most_depended,
        most_depended_count=most_count,
        bytes_written=total_bytes,
    )


def _department_code(index: int) -> tuple[str, str]:
    """``1A`` … ``1Z``, ``2A`` …, and the letter its squads use (``A-1``)."""
    letter = LETTERS[index % 26]
    return f"{index // 26 + 1}{letter}", letter


def _walk(tree: list[_Group]) -> list[_Group]:
    return [
        group
        for department in tree
        for squad in department.groups
        for group in (squad, *squad.groups)
    ] + tree


def _build_tree(
    rng: random.Random, departments: int, squads_per: int, units_per: int
) -> list[_Group]:
    tree: list[_Group] = []
    for d in range(departments):
        code, letter = _department_code(d)
        theme = DEPARTMENTS[d % len(DEPARTMENTS)]
        name = theme if d < len(DEPARTMENTS) else f"{theme} {d // len(DEPARTMENTS) + 1}"
        department = _Group(code, "department", name, code, d)
        topics = rng.sample(SQUADS, min(squads_per, len(SQUADS)))
        for s in range(1, squads_per + 1):
            topic = topics[(s - 1) % len(topics)]
            squad_name = topic if s <= len(topics) else f"{topic} {(s - 1) // len(topics) + 1}"
            squad_code = f"{letter}-{s}"
            squad = _Group(squad_code, "squad", squad_name, f"{code}/{squad_code}", d)
            shared = units_per > 0 and rng.random() < 0.1
            for u in range(1, units_per + 1):
                if shared and u == units_per:
                    unit_code, unit_name = SHARED_UNIT_CODE, f"{squad_name} Operations"
                else:
                    unit_code, unit_name = f"U-{letter}{s}-{u}", rng.choice(UNITS)
                squad.groups.append(
                    _Group(unit_code, "unit", unit_name, f"{squad.path}/{unit_code}", d)
                )
            department.groups.append(squad)
        tree.append(department)
    return tree


def _staff(tree: list[_Group], person_ids: list[str], lead_roles: dict[int, str]) -> None:
    """One lead per group, the rest of the people spread evenly over the units."""
    if not person_ids:
        return
    count = len(person_ids)
    cursor = 1  # person 1 leads the org

    def take(role: str) -> str:
        nonlocal cursor
        index = cursor % count
        cursor += 1
        lead_roles.setdefault(index, role)
        return person_ids[index]

    units: list[_Group] = []
    for department in tree:
        department.leads = [take("director")]
        for squad in department.groups:
            squad.leads = [take("engineering-manager")]
            for unit in squad.groups:
                unit.leads = [take("tech-lead")]
                units.append(unit)
            squad.oncall = [unit.leads[0] for unit in squad.groups[:2]] or list(squad.leads)
    if not units or cursor >= count:
        return
    remaining = person_ids[cursor:]
    share, extra = divmod(len(remaining), len(units))
    start = 0
    for i, unit in enumerate(units):
        stop = start + share + (1 if i < extra else 0)
        unit.members = remaining[start:stop]
        start = stop


def _depend(rng: random.Random, tree: list[_Group]) -> tuple[int, dict[str, int]]:
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


def _org_lines(tree: list[_Group], person_ids: list[str]) -> list[str]:
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
        f"        - {{name: kernel versions, match: {_flow(list(AUTHORITY_TERMS))}}}",
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


def _group_lines(department: _Group) -> list[str]:
    lines: list[str] = []
    # (group, indent) in document order, iteratively like the rest of the code base.
    stack = [(department, "  ")]
    while stack:
        group, indent = stack.pop()
        inner = indent + "  "
        lines.append(f"{indent}- code: {group.code}")
        lines.append(f"{inner}kind: {group.kind}")
        lines.append(f"{inner}name: {_scalar(group.name)}")
        if group.leads:
            lines.append(f"{inner}leads: {_flow(group.leads)}")
        if group.members:
            lines.append(f"{inner}members: {_flow(group.members)}")
        if group.oncall:
            lines.append(f"{inner}oncall: {_flow(group.oncall)}")
        if group.responsibilities:
            items = [_scalar(r) for r in group.responsibilities]
            lines.append(f"{inner}responsibilities: {_flow(items)}")
        if group.stack:
            lines.append(f"{inner}stack: {_flow(group.stack)}")
        if group.kpis:
            lines.append(f"{inner}kpis:")
            lines.extend(f"{inner}  - {_scalar(kpi)}" for kpi in group.kpis)
        if group.dependencies:
            lines.append(f"{inner}dependencies:")
            for target, provides, direction in group.dependencies:
                extra = "" if direction == "from" else f", direction: {direction}"
                lines.append(f"{inner}  - {{target: {target}, provides: {provides}{extra}}}")
        if group.groups:
            lines.append(f"{inner}groups:")
            stack.extend((child, inner + "  ") for child in reversed(group.groups))
    return lines


def _people_lines(
    rng: random.Random,
    person_ids: list[str],
    start: int,
    stop: int,
    lead_roles: dict[int, str],
) -> list[str]:
    ic_ids = [role_id for role_id, _, _ in IC_ROLES]
    ic_weights = [weight for _, _, weight in IC_ROLES]
    lines: list[str] = []
    for index in range(start, stop):
        person_id = person_ids[index]
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        if index == 0:
            roles = "director"
        elif index in lead_roles:
            roles = lead_roles[index]
        else:
            roles = rng.choices(ic_ids, weights=ic_weights)[0]
            if rng.random() < 0.05:
                roles += ", sre" if roles != "sre" else ", engineer"
        email = f"{first.lower()}.{last.lower()}.{person_id[2:]}@example.org"
        lines.append(
            f"  - {{id: {person_id}, name: {first} {last}, email: {email}, "
            f"timezone: {rng.choice(TIMEZONES)}, roles: [{roles}]}}"
        )
    return lines


def _catalog_lines(
    rng: random.Random, start: int, stop: int, id_width: int, owners: list[str]
) -> list[str]:
    lines: list[str] = []
    for index in range(start, stop):
        noun, kind, tags = rng.choice(CATALOG_NOUNS)
        tech = rng.choice(STACK)[0]
        entry_id = f"cat-{index + 1:0{id_width}d}"
        parts = [
            f"id: {entry_id}",
            f"name: {tech if tech == noun else f'{tech} {noun}'} {index + 1}",
            f"kind: {kind}",
            f"owner: {rng.choice(owners)}",
            f"tier: {rng.randint(0, 5)}",
        ]
        lifecycle = rng.choice(LIFECYCLES)
        if lifecycle != "production":
            parts.append(f"lifecycle: {lifecycle}")
        parts.append(f"tags: {_flow(list(tags))}")
        if index > 0 and rng.random() < 0.4:
            depends = sorted({rng.randrange(index) + 1 for _ in range(rng.randint(1, 2))})
            parts.append(f"depends_on: {_flow([f'cat-{d:0{id_width}d}' for d in depends])}")
        lines.append("  - {" + ", ".join(parts) + "}")
    return lines
