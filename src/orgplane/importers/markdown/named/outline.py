"""The groups a document draws by name, read by every shape it uses: headings, bullet
charts, one-row-per-team tables, text trees and Mermaid graphs, merged by name.

Imports the ``structure`` and ``charts`` readers, ``document`` and ``draft``.
``reads_codes`` tells a document of the coded family from one that names its groups;
``read_outline`` finds the groups (None when it draws fewer than two) and what each
shape consumed, for ``named.reader`` to turn into drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgplane.importers.markdown.charts.mermaid import looks_like_mermaid, parse_mermaid
from orgplane.importers.markdown.document import CodeBlock, Document, ListBlock, Table
from orgplane.importers.markdown.draft import clean
from orgplane.importers.markdown.facts.oncall import interactions, rotations
from orgplane.importers.markdown.phrases.grammar import split_code_name
from orgplane.importers.markdown.structure.boxtree import looks_like_tree, parse_box_tree
from orgplane.importers.markdown.structure.bullets import is_bullet_chart, read_bullet_chart
from orgplane.importers.markdown.structure.grouptable import read_group_table
from orgplane.importers.markdown.structure.headings import read_headings
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import Node, Outline, Piece
from orgplane.importers.markdown.structure.texttree import (
    parse_text_tree,
    read_text_tree,
    same_as_title,
    tree_is_org_chart,
)

__all__ = ["Reading", "read_outline", "reads_codes"]


def reads_codes(doc: Document) -> bool:
    """Whether the document is in the coded family the first reader knows: a tree of coded
    departments, a team tree of named sub-teams with their work below, coded department
    headings, or breakdown tables whose first column holds codes."""
    for block in doc.blocks():
        if isinstance(block, CodeBlock) and looks_like_tree(block.text):
            roots = parse_box_tree(block.text, block.line).roots
            if not roots:
                continue
            children = roots[0].children
            if sum(split_code_name(n.label).code is not None for n in children) >= 2:
                return True
            below = [split_inline_facts(g.label)[0] for n in children for g in n.children]
            if (
                len(children) >= 2
                and all(n.children for n in children)
                and sum(map(is_name, below)) * 2 < len(below)
            ):
                return True
        elif isinstance(block, Table) and block.rows:
            first = [split_code_name(row[0].bold or row[0].text).code for row in block.rows]
            if sum(code is not None for code in first) >= 2:
                return True
    for section in doc.sections():
        heading = section.heading
        if heading is not None and heading.level <= 2:
            parsed = split_code_name(clean(heading.text))
            if parsed.code is not None and parsed.name:
                return True
    return False


@dataclass(slots=True)
class Reading:
    """The outline of one document and what its shapes consumed."""

    outline: Outline
    title: str
    consumed: dict[int, str] = field(default_factory=dict)  #: id(block) → shape
    left: dict[int, list[int]] = field(default_factory=dict)  #: id(block) → lines not read
    sections: dict[int, Node] = field(default_factory=dict)  #: id(section) → its group


def _title(doc: Document) -> str:
    h1 = [s.heading for s in doc.sections() if s.heading is not None and s.heading.level == 1]
    return clean(h1[0].text) if len(h1) == 1 else ""


def read_outline(doc: Document) -> Reading | None:
    """The groups the document draws, by every shape it uses; None below two groups."""
    outline = Outline()
    reading = Reading(outline, _title(doc))
    for block in doc.blocks():
        if isinstance(block, CodeBlock):
            if looks_like_mermaid(block.info, block.text):
                graph = parse_mermaid(block.text, block.line)
                if len(graph.edges) >= 1:
                    _read_mermaid(graph, reading)
                    reading.consumed[id(block)] = "chart"
                    reading.left[id(block)] = graph.other
                continue
            roots = parse_text_tree(block.text, block.line)
            if roots and tree_is_org_chart(roots):
                left = read_text_tree(roots, outline, reading.title, "tree")
                reading.consumed[id(block)] = "tree"
                reading.left[id(block)] = [n.line for n in left]
        elif isinstance(block, ListBlock) and is_bullet_chart(block):
            reading.left[id(block)] = read_bullet_chart(block, outline, None)
            reading.consumed[id(block)] = "bullet tree"
        elif (
            isinstance(block, Table)
            and interactions(block) is None
            and rotations(block) is None
            and read_group_table(block, outline)
        ):
            reading.consumed[id(block)] = "table"
    known = set(outline.nodes)
    reading.sections = read_headings(doc, outline, known)
    if len(outline.nodes) < 2:
        return None
    return reading


def _read_mermaid(graph: Any, reading: Reading) -> None:
    outline = reading.outline
    outline.recognized("chart")
    children = {child for _, child, _ in graph.edges}
    roots = [ident for ident in graph.labels if ident not in children]
    org_roots = {
        r for r in roots if len(roots) == 1 and same_as_title(graph.labels[r], reading.title)
    }
    nodes: dict[str, Node] = {}
    for ident, label in graph.labels.items():
        if ident in org_roots:
            continue
        node = nodes[ident] = outline.node(label, graph.lines[ident], "chart")
        node.pieces.append(Piece("named", label, graph.lines[ident]))
    for parent, child, line in graph.edges:
        if child in nodes:
            outline.link(nodes[child], nodes.get(parent), "chart", line)
