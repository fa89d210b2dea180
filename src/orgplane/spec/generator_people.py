"""The people of the generated org: who leads which group, and their ``people`` records.

Imports ``spec.generator_tree`` and ``spec.generator_words``. ``staff`` gives every group
one lead and spreads the rest of the people evenly over the units; it notes the lead
role of each person it picks, and ``people_lines`` gives those people that role and
everyone else a role drawn from the weighted individual-contributor roles.
"""

from __future__ import annotations

import random

from orgplane.spec.generator_tree import GroupNode
from orgplane.spec.generator_words import FIRST_NAMES, IC_ROLES, LAST_NAMES, TIMEZONES

__all__ = ["people_lines", "staff"]


def staff(tree: list[GroupNode], person_ids: list[str], lead_roles: dict[int, str]) -> None:
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

    units: list[GroupNode] = []
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


def people_lines(
    rng: random.Random,
    person_ids: list[str],
    start: int,
    stop: int,
    lead_roles: dict[int, str],
) -> list[str]:
    """The ``people`` records of ``person_ids[start:stop]``, one flow mapping a line."""
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
