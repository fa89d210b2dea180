"""The catalog of the generated org: its owners and its ``catalog`` records.

Imports ``spec.generator_tree``, ``spec.generator_words`` and ``spec.generator_yaml``.
Entries are owned by squads and units (by departments when there are none) and some
depend on one or two entries written before them.
"""

from __future__ import annotations

import random

from orgplane.spec.generator_tree import GroupNode
from orgplane.spec.generator_words import CATALOG_NOUNS, LIFECYCLES, STACK
from orgplane.spec.generator_yaml import flow

__all__ = ["catalog_lines", "catalog_owners"]


def catalog_owners(tree: list[GroupNode]) -> list[str]:
    """The paths catalog entries are owned by: squads and units, else departments."""
    return [
        group.path
        for department in tree
        for squad in department.groups
        for group in (squad, *squad.groups)
    ] or [department.path for department in tree]


def catalog_lines(
    rng: random.Random, start: int, stop: int, id_width: int, owners: list[str]
) -> list[str]:
    """The ``catalog`` records numbered ``start + 1`` to ``stop``, one flow mapping a line."""
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
        parts.append(f"tags: {flow(list(tags))}")
        if index > 0 and rng.random() < 0.4:
            depends = sorted({rng.randrange(index) + 1 for _ in range(rng.randint(1, 2))})
            parts.append(f"depends_on: {flow([f'cat-{d:0{id_width}d}' for d in depends])}")
        lines.append("  - {" + ", ".join(parts) + "}")
    return lines
