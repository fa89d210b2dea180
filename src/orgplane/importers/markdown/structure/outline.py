"""The org a document draws without codes: nodes found by any shape (headings, bullet
charts, one-row-per-team tables, text trees, Mermaid graphs), merged by name.

Pure; imports nothing from orgplane. A node is a group candidate with the places that
describe it; ``Outline`` merges what several shapes say about one name (a tree gives the
parent, a heading section the facts) and keeps why a candidate was not taken.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KIND_WORDS", "Node", "Outline", "Piece", "name_key"]

#: Words that say what kind of group a name is ("Team: Billing", "Search Squad").
KIND_WORDS = {
    "team": "team",
    "teams": "team",
    "squad": "squad",
    "squads": "squad",
    "tribe": "tribe",
    "tribes": "tribe",
    "division": "division",
    "divisions": "division",
    "department": "department",
    "departments": "department",
    "dept": "department",
    "group": "group",
    "pod": "pod",
    "crew": "crew",
    "chapter": "chapter",
    "guild": "guild",
    "unit": "unit",
    "area": "area",
    "domain": "domain",
    "pillar": "pillar",
    "org": "org",
}
_NOISE = {"the", "a", "an", *KIND_WORDS}


def name_key(name: str) -> str:
    """A group name for matching: case, accents, punctuation, "&"/"and" and kind words
    ("the Identity team") do not count."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    kept = [word for word in words if word not in _NOISE]
    return " ".join(kept or words)


@dataclass(slots=True)
class Piece:
    """Something a shape says about a node: a block or a text, with its lines."""

    kind: str  #: "blocks", "text" (labelled facts), "kpi", "lead", "dep", "note"
    value: Any
    line: int
    end_line: int = 0


@dataclass(slots=True)
class Node:
    name: str
    line: int
    shape: str  #: the shape that first named it: "heading", "bullets", "table", "tree", "chart"
    kind: str = ""
    code: str = ""
    parent: Node | None = None
    parent_shape: str = ""
    pieces: list[Piece] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(self.name)

    def depth(self) -> int:
        depth, up = 0, self.parent
        while up is not None:
            depth, up = depth + 1, up.parent
        return depth


@dataclass(slots=True)
class Outline:
    """The nodes of one document, each name once, and what the reading found."""

    nodes: dict[str, Node] = field(default_factory=dict)
    structures: list[str] = field(default_factory=list)
    #: (line, text, reason): sections and shapes that were candidates but not groups.
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    #: (line, message): what a user should look at.
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: Names of the orgs a document describes when it describes several.
    orgs: list[str] = field(default_factory=list)

    def recognized(self, structure: str) -> None:
        if structure not in self.structures:
            self.structures.append(structure)

    def node(self, name: str, line: int, shape: str, kind: str = "") -> Node:
        """The node of this name, made when first seen."""
        key = name_key(name)
        found = self.nodes.get(key)
        if found is None:
            found = self.nodes[key] = Node(name, line, shape, kind)
        elif kind and not found.kind:
            found.kind = kind
        return found

    def link(self, child: Node, parent: Node | None, shape: str, line: int) -> None:
        """Put ``child`` under ``parent``; a shape that gives a parent beats one that does
        not, and two shapes that disagree are a problem (the first one stays)."""
        if parent is None or parent is child:
            return
        if child.parent is None:
            up: Node | None = parent
            while up is not None:  # never a cycle
                if up is child:
                    self.problems.append(
                        (line, f"{child.name!r} cannot be under {parent.name!r}: a cycle")
                    )
                    return
                up = up.parent
            child.parent, child.parent_shape = parent, shape
            parent.children.append(child)
        elif child.parent is not parent:
            self.problems.append(
                (
                    line,
                    f"{child.name!r} is under {child.parent.name!r} in the {child.parent_shape}"
                    f" but under {parent.name!r} in the {shape}: kept under {child.parent.name!r}",
                )
            )

    def roots(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.parent is None]
