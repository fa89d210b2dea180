"""The groups a document draws by name, read by every shape it uses: headings, bullet
charts, one-row-per-team tables, text trees and Mermaid graphs, merged by name.

Imports the ``structure`` and ``charts`` readers, ``document`` and ``draft``.
``reads_codes`` tells a document of the coded family from one that names its groups;
``read_outline`` finds the groups (None when it draws fewer than two) and what each
shape consumed, for ``named.reader`` to turn into drafts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from orgplane.importers.markdown.charts.mermaid import (
    MermaidGraph,
    looks_like_mermaid,
    parse_mermaid,
)
from orgplane.importers.markdown.document import (
    CodeBlock,
    Document,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from orgplane.importers.markdown.draft import clean
from orgplane.importers.markdown.facts.blocks import card
from orgplane.importers.markdown.facts.oncall import interactions, rotations
from orgplane.importers.markdown.facts.properties import (
    Properties,
    may_name_a_person,
    property_items,
    read_properties,
)
from orgplane.importers.markdown.facts.sentences import sentences
from orgplane.importers.markdown.phrases.grammar import split_code_name
from orgplane.importers.markdown.structure.boxtree import looks_like_tree, parse_box_tree
from orgplane.importers.markdown.structure.bullets import is_bullet_chart, read_bullet_chart
from orgplane.importers.markdown.structure.grouptable import read_group_table
from orgplane.importers.markdown.structure.headings import check_levels, read_headings
from orgplane.importers.markdown.structure.membership import read_membership
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import Node, Outline, Piece, name_key
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
                if graph.edges or graph.subgraphs:
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
        elif isinstance(block, Table) and (found := read_properties(block)) is not None:
            if found.name:
                _read_properties(block, found, outline)
                reading.consumed[id(block)] = "properties"
        elif (
            isinstance(block, Table)
            and interactions(block) is None
            and rotations(block) is None
            and read_group_table(block, outline)
        ):
            reading.consumed[id(block)] = "table"
        elif isinstance(block, Paragraph) and (named := card(block)) is not None:
            _read_card(block, named, outline)
            reading.consumed[id(block)] = "cards"
    said, done = _sentences(doc, reading), set[int]()
    read_membership(said, outline, done)
    known = set(outline.nodes)
    reading.sections = read_headings(doc, outline, known, set(reading.consumed))
    read_membership(said, outline, done)  # sentences about groups the headings drew
    _under_headings(doc, reading)
    check_levels(doc, reading.sections, outline)
    if len(outline.nodes) < 2:
        return None
    return reading


def _sentences(doc: Document, reading: Reading) -> list[tuple[str, int]]:
    """The sentences of the paragraphs and list items no shape consumed, with their lines."""
    out: list[tuple[str, int]] = []
    for block in doc.blocks():
        if id(block) in reading.consumed:
            continue
        if isinstance(block, Paragraph):
            out.extend((sentence, block.line) for sentence in sentences(block.text))
        elif isinstance(block, ListBlock):
            stack = list(block.items)
            while stack:
                item = stack.pop()
                out.extend((sentence, item.line) for sentence in sentences(item.text))
                stack.extend(item.children)
    return out


def _read_properties(table: Table, found: Properties, outline: Outline) -> None:
    """A group's property table ("| Team | Card Issuing (code CIS) |", "| Part of | … |")."""
    outline.recognized("property table")
    node = outline.node(found.name, table.line, "properties")
    node.code = node.code or found.code
    node.pieces.append(Piece("named", f"{table.header[0]}: {table.header[1]}", table.line))
    if found.parent is not None:
        written, line = found.parent
        known = outline.nodes.get(name_key(written))
        if known is not None or not may_name_a_person(found.parent_label):
            parent = known or outline.node(written, line, "properties")
            parent.pieces.append(Piece("named", written, line))
            outline.link(node, parent, "properties", line)
        else:
            node.pieces.append(Piece("note", f"{found.parent_label}: {written}", line))
    for text, line in property_items(found):
        node.pieces.append(Piece("text" if ":" in text else "label", text, line))


def _read_card(
    block: Paragraph, named: tuple[str, list[tuple[str, int]]], outline: Outline
) -> None:
    """A group's card: "Connectors" over "Owner: H. Lambert · Needs: Streaming"."""
    outline.recognized("cards")
    name, lines = named
    node = outline.node(name, block.line, "cards")
    node.pieces.append(Piece("named", name, block.line))
    for text, line in lines:
        node.pieces.append(Piece("text", text, line))


def _under_headings(doc: Document, reading: Reading) -> None:
    """A chart, tree or table inside a group's section draws groups of that group: the
    squads' toggles under "## Flights" are Flights' squads."""
    spans = sorted(
        (block.line, getattr(block, "end_line", block.line), id(block))
        for block in doc.blocks()
        if id(block) in reading.consumed
    )
    if not spans:
        return
    starts = [start for start, _, _ in spans]
    tops: dict[int, list[Node]] = {}
    for node in reading.outline.nodes.values():
        if node.parent is not None:
            continue
        for piece in node.pieces:
            if piece.kind != "named":
                continue
            at = bisect.bisect_right(starts, piece.line) - 1
            if at >= 0 and spans[at][0] <= piece.line <= spans[at][1]:
                tops.setdefault(spans[at][2], []).append(node)
                break
    parent_of = {id(child): s for s in doc.sections() for child in s.children}
    for section in doc.sections():
        up: Section | None = section
        while up is not None and id(up) not in reading.sections:
            up = parent_of.get(id(up))
        if up is None or up.heading is None:
            continue
        owner = reading.sections[id(up)]
        for block in section.blocks:
            for top in tops.get(id(block), []):
                if top.parent is None and top is not owner:
                    reading.outline.link(top, owner, "headings", up.heading.line)


_DEPENDS = re.compile(
    r"^(?:needs?|uses?|calls?|depends?(?:\s+on)?|relies\s+on|consumes?|reads?(?:\s+from)?|"
    r"builds?\s+on)\b",
    re.I,
)


def _read_mermaid(graph: MermaidGraph, reading: Reading) -> None:
    """Nodes for a Mermaid chart. Without subgraphs its edges draw the tree (an edge whose
    text is a dependency verb, "-->|needs|", is a dependency); with subgraphs the boxes
    draw the tree and every edge between two boxes' members is a dependency."""
    outline = reading.outline
    outline.recognized("chart")
    boxed = bool(graph.subgraphs)
    tree: list[tuple[str, str, int]] = []
    depends: list[tuple[str, str, str, int]] = []
    if boxed:
        tree = [(up, ident, graph.lines[ident]) for ident, up in graph.subgraphs.items() if up]
        tree += [(up, ident, graph.lines[ident]) for ident, up in graph.box.items()]
    for (parent, child, line), text in zip(graph.edges, graph.edge_texts, strict=True):
        if boxed or _DEPENDS.match(text):
            what = "" if _DEPENDS.match(text) else text
            depends.append((parent, child, what, line))
        else:
            tree.append((parent, child, line))
    children = {child for _, child, _ in tree}
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
    for parent, child, line in tree:
        if child in nodes:
            outline.link(nodes[child], nodes.get(parent), "chart", line)
    for source, target, what, line in depends:
        if source in nodes and target in nodes and nodes[source] is not nodes[target].parent:
            said = f"needs: {graph.labels[target]}" + (f" ({what})" if what else "")
            nodes[source].pieces.append(Piece("text", said, line))
