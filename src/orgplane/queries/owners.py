"""Who owns X: rank groups (and roles) by how directly they own what the user typed.

Pure; imports ``model`` and ``queries.words``. A catalog entry's owner is the strongest
answer, then a group whose code or name is X (a unit named "DB-aaS" is the database
unit), then a role that answers for it, then responsibilities, the group's description,
then the stack (running a tool is weaker than owning it). Words match in any form
("databases" finds "Database management", ``queries.words``). Within one kind of
evidence, an exact match beats a match of every word, which beats a fuzzy one. Each
match says why, in the words the CLI and the web show.

A role counts for the group it names, else for the groups whose leads and members hold
it; a role that names no group and that nobody holds is an answer of its own.
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from orgplane.model import OrgIndex
from orgplane.queries.words import forms, query_forms

__all__ = ["OwnerMatch", "find_owners", "find_owners_in"]

# Weights per kind of evidence; the ranking is what users see, keep it explainable.
_CATALOG = 100
_CODE = 90
_NAME = 80
_ROLE = 70
_RESPONSIBILITY = 60
_DESCRIPTION = 50
_STACK = 40
_EXACT, _WORDS, _FUZZY = 1.0, 0.75, 0.5


@dataclass(frozen=True, slots=True)
class OwnerMatch:
    """A group (or a role) that owns (part of) what was asked, with why and how strongly.

    ``path`` is the group's path; for a role answering on its own, ``role:ID``."""

    path: str
    name: str
    score: float
    evidence: tuple[str, ...]
    org: str = ""
    kind: str = "group"


def _quality(query: str, wanted: frozenset[str], text: str) -> float:
    lowered = text.lower()
    if lowered == query:
        return _EXACT
    if wanted and wanted <= forms(text):
        return _WORDS
    if len(query) < 4:
        return 0.0
    if query in lowered:
        return _WORDS * 0.9
    # Two cheap upper bounds of ratio() first, each skipping the costlier step when it
    # fails, without building a matcher (a large catalog asks this of every entry): the
    # lengths alone (real_quick_ratio), then the letters in common (quick_ratio).
    total = len(query) + len(lowered)
    if 2 * min(len(query), len(lowered)) < 0.8 * total:
        return 0.0
    common = sum(min(lowered.count(letter), count) for letter, count in _letters(query))
    if 2 * common < 0.8 * total:
        return 0.0
    if difflib.SequenceMatcher(None, query, lowered).ratio() >= 0.8:
        return _FUZZY
    return 0.0


@functools.lru_cache(maxsize=16)
def _letters(query: str) -> tuple[tuple[str, int], ...]:
    """Each letter of ``query`` and how often it occurs."""
    return tuple(Counter(query).items())


def _role_holders(index: OrgIndex) -> dict[str, list[str]]:
    """Groups by the roles their leads and members hold."""
    out: dict[str, list[str]] = {}
    for path, group in index.groups.items():
        for person_id in dict.fromkeys([*group.leads, *group.members]):
            person = index.people.get(person_id)
            for role in person.roles if person else ():
                out.setdefault(role, []).append(path)
    return out


def find_owners(index: OrgIndex, text: str, *, limit: int = 10) -> list[OwnerMatch]:
    """Groups (and roles) that own ``text``, best first (see the module docstring)."""
    query = " ".join(text.lower().split())
    if not query:
        return []
    wanted = query_forms(query)
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}

    def add(path: str, weight: int, quality: float, why: str) -> None:
        if quality <= 0:
            return
        scores[path] = scores.get(path, 0.0) + weight * quality
        evidence.setdefault(path, []).append(why)

    for path, entries in index.catalog_by_owner.items():
        for entry in entries:
            add(
                path,
                _CATALOG,
                _quality(query, wanted, entry.name),
                f"owns {entry.kind.value} {entry.name!r}",
            )
    for path, group in index.groups.items():
        add(path, _CODE, _EXACT if group.code.lower() == query else 0.0, f"code {group.code}")
        add(path, _NAME, _quality(query, wanted, group.name), f"name {group.name!r}")
        for responsibility in group.responsibilities:
            quality = _quality(query, wanted, responsibility)
            add(path, _RESPONSIBILITY, quality, f"responsibility {responsibility!r}")
        if group.description:
            quality = _quality(query, wanted, group.description)
            add(path, _DESCRIPTION, quality, f"described as {group.description!r}")
        for item in group.stack:
            add(path, _STACK, _quality(query, wanted, item.name), f"runs {item}")
    holders = _role_holders(index) if index.org.roles else {}
    names: dict[str, str] = {}
    for role in index.org.roles:
        texts = [role.name, role.specialty, *role.responsibilities]
        quality, best = max(((_quality(query, wanted, t), t) for t in texts if t), default=(0, ""))
        if quality <= 0:
            continue
        why = f"role {role.name!r}" + (f": {best!r}" if best != role.name else "")
        target = index.resolve(role.group).path if role.group else None
        paths = [target] if target else holders.get(role.id, [])
        for path in paths or [f"role:{role.id}"]:
            add(path, _ROLE, quality, why)
        names[f"role:{role.id}"] = role.name
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].count("/"), kv[0]))
    return [
        OwnerMatch(
            path,
            names[path] if path in names else index.groups[path].name,
            round(score, 1),
            tuple(evidence[path]),
            index.org.code,
            "role" if path in names else "group",
        )
        for path, score in ranked[:limit]
    ]


def find_owners_in(indexes: Iterable[OrgIndex], text: str, *, limit: int = 10) -> list[OwnerMatch]:
    """``find_owners`` over several orgs: the best answers of all, best first."""
    found = [match for index in indexes for match in find_owners(index, text, limit=limit)]
    found.sort(key=lambda m: (-m.score, m.org, m.path.count("/"), m.path))
    return found[:limit]
