"""Generate a large, realistic, deterministic org spec: the input of the load benchmark.

Imports ``errors``, the ``spec.generator_*`` modules it is split into and the stdlib
only. ``generate_org`` writes a spec folder the way a machine would write one:
``org.yaml`` (header, policies, roles), one file per department (``dept-01.yaml`` …)
and the people and catalog split into files of at most ``CHUNK_SIZE`` records
(``people-01.yaml`` …, ``catalog-01.yaml`` …). The group tree comes from
``generator_tree``, who leads and belongs where and the people records from
``generator_people``, the catalog records from ``generator_catalog``, the rest of the
YAML text from ``generator_yaml`` and the made-up words from ``generator_words``.

The content looks like real infrastructure org documents: departments ``1A``, ``1B`` …,
squads ``A-1``, ``A-2`` …, units ``U-A1-1`` …, where every tenth squad or so also has an
operations unit ``U-OPS`` (a code reused across the tree, as real documents do). Squads
depend on squads of other departments with a skewed (Zipf-like) choice of target, so one
group is clearly the most depended on. The same arguments and seed give byte-identical
files: everything comes from one ``random.Random(seed)`` drawn in a fixed order, the
order of the calls here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from orgplane.errors import UsageError
from orgplane.spec.generator_catalog import catalog_lines, catalog_owners
from orgplane.spec.generator_people import people_lines, staff
from orgplane.spec.generator_tree import build_tree, depend, describe
from orgplane.spec.generator_words import IC_ROLES, LEAD_ROLES
from orgplane.spec.generator_yaml import group_lines, org_lines

__all__ = ["CHUNK_SIZE", "GenerationSummary", "generate_org"]

#: Most people (or catalog entries) written to one file.
CHUNK_SIZE = 20_000


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

    tree = build_tree(rng, departments, squads_per, units_per)
    staff(tree, person_ids, lead_roles)
    edges, incoming = depend(rng, tree)
    describe(rng, tree, kpis_per_unit)

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
    write("org.yaml", [header, *org_lines(tree, person_ids)])
    dept_width = max(2, len(str(departments)))
    for number, department in enumerate(tree, start=1):
        write(f"dept-{number:0{dept_width}d}.yaml", [header, "groups:", *group_lines(department)])

    owners = catalog_owners(tree)
    # Chunk numbers are zero-padded so that the files sort (and so load) in order.
    chunk_width = max(2, len(str(-(-max(people, catalog) // CHUNK_SIZE))))
    for number, start in enumerate(range(0, people, CHUNK_SIZE), start=1):
        stop = min(start + CHUNK_SIZE, people)
        write(
            f"people-{number:0{chunk_width}d}.yaml",
            [header, "people:", *people_lines(rng, person_ids, start, stop, lead_roles)],
        )
    for number, start in enumerate(range(0, catalog, CHUNK_SIZE), start=1):
        stop = min(start + CHUNK_SIZE, catalog)
        write(
            f"catalog-{number:0{chunk_width}d}.yaml",
            [header, "catalog:", *catalog_lines(rng, start, stop, id_width, owners)],
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
