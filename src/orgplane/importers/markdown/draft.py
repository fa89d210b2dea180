"""The drafts an import assembles: groups and the org, before they become the model.

Pure; imports nothing from orgplane. A draft collects what several places of several
documents say about one group, without duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from orgplane.importers.markdown.phrases.grammar import DepPhrase

__all__ = [
    "KINDS",
    "Draft",
    "OrgDraft",
    "add_unique",
    "clean",
    "deeper",
    "match_name",
    "same_name",
]

KINDS = ("department", "squad", "unit", "subunit")
_SYMBOLS = re.compile(r"^[^\w(]+|[^\w)]+$")


def clean(text: str) -> str:
    """A heading or label without decoration: emoji, bullets, trailing colons."""
    return _SYMBOLS.sub("", text.strip()).strip()


@dataclass(slots=True)
class Draft:
    """A group being assembled from several places in several documents."""

    code: str
    name: str
    kind: str
    description: list[str] = field(default_factory=list)
    responsibilities: list[str] = field(default_factory=list)
    table_responsibilities: list[str] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    tree_kpis: list[str] = field(default_factory=list)
    dependencies: list[DepPhrase] = field(default_factory=list)
    boundaries: list[str] = field(default_factory=list)
    stakeholders: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: dict[str, Draft] = field(default_factory=dict)

    def child(self, code: str, name: str, kind: str) -> Draft:
        existing = self.children.get(code)
        if existing is None:
            existing = self.children[code] = Draft(code, name, kind)
        elif name and len(name) > len(existing.name):
            if existing.name and not same_name(existing.name, name):
                add_unique(existing.notes, f"Also written as: {existing.name}")
            existing.name = name
        elif name and not same_name(existing.name, name):
            add_unique(existing.notes, f"Also written as: {name}")
        return existing


@dataclass(slots=True)
class OrgDraft:
    """The org being assembled: its header, top-level groups, policies and notes."""

    code: str = ""
    name: str = ""
    description: list[str] = field(default_factory=list)
    groups: dict[str, Draft] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    forbidden: list[tuple[str, str, str]] = field(default_factory=list)
    authorities: list[tuple[str, list[str], str]] = field(default_factory=list)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    kpis: list[tuple[str, str]] = field(default_factory=list)  #: (text, note) of the org's own KPIs
    templates: list[dict[str, Any]] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)
    rotations: list[dict[str, Any]] = field(default_factory=list)
    catalog: list[dict[str, Any]] = field(default_factory=list)  #: name, owner, kind, tools
    change_classes: list[dict[str, Any]] = field(default_factory=list)
    review_cadences: list[dict[str, Any]] = field(default_factory=list)
    career_ladder: list[str] = field(default_factory=list)
    planning: dict[str, dict[str, Any]] = field(default_factory=dict)  #: policy field → value
    roadmap: list[dict[str, Any]] = field(default_factory=list)  #: name, weeks, deliverables
    boundaries: list[str] = field(default_factory=list)  #: the org's (or team's) own
    responsibilities: list[str] = field(default_factory=list)  #: the team's own
    stakeholders: list[str] = field(default_factory=list)  #: the team's own
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    leads: list[str] = field(default_factory=list)
    workflows: list[dict[str, Any]] = field(default_factory=list)

    def add_catalog(self, entry: dict[str, Any]) -> None:
        """A catalog entry, once: the same document read twice adds nothing."""
        if entry not in self.catalog:
            self.catalog.append(entry)

    def phase(self, name: str, weeks: str) -> dict[str, Any]:
        """The roadmap phase of this name, made when first seen."""
        for known in self.roadmap:
            if known["name"] == name:
                return known
        phase: dict[str, Any] = {"name": name, "weeks": weeks, "deliverables": []}
        self.roadmap.append(phase)
        return phase

    def group(self, code: str, name: str, kind: str = KINDS[0]) -> Draft:
        return Draft.child(self._root(), code, name, kind)

    def _root(self) -> Draft:
        root = Draft("", "", "")
        root.children = self.groups
        return root


def same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def _bare(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip()


def match_name(label: str, names: dict[str, str]) -> str | None:
    """The key of the one name ``label`` writes, word by word or abbreviated word by word
    ("SYSTEMS ADMIN" → "Systems Administrator") or by its initials ("SRE" → "Site
    Reliability Engineer"); ``names`` maps key → name."""
    written = _words(_bare(label))
    if not written:
        return None
    found = []
    for key, name in names.items():
        words = _words(_bare(name))
        initials = "".join(word[0] for word in words)
        if (
            len(words) == len(written)
            and all(
                w == n or (len(w) >= 3 and n.startswith(w))
                for w, n in zip(written, words, strict=True)
            )
        ) or (len(written) == 1 and len(words) > 1 and written[0] == initials):
            found.append(key)
    return found[0] if len(found) == 1 else None


def add_unique(items: list[str], text: str) -> None:
    if text and text not in items:
        items.append(text)


def deeper(kind: str) -> str:
    """The kind one level below ``kind`` (a squad's children are units)."""
    return KINDS[min(KINDS.index(kind) + 1, len(KINDS) - 1)] if kind in KINDS else "unit"
