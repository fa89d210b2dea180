"""Build an org from a document that draws its groups by name: headings, bullet charts,
one-row-per-team tables, text trees and Mermaid graphs, with or without codes.

Imports ``named.outline``, ``named.base``, ``named.tables``, ``named.text`` and the
``facts`` and ``structure`` readers. ``NamedReader`` turns the outline into drafts:
codes made from names where the document gives none, every fact on its group, names
used as references resolved like codes, and every line claimed in the report.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.document import (
    Block,
    CodeBlock,
    Heading,
    Html,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Section,
    Table,
)
from orgplane.importers.markdown.draft import Draft, add_unique, clean
from orgplane.importers.markdown.facts.blocks import facts_of_blocks, is_label_line
from orgplane.importers.markdown.facts.labels import read_labelled
from orgplane.importers.markdown.facts.sentences import SELF, sentences
from orgplane.importers.markdown.named.base import flatten
from orgplane.importers.markdown.named.tables import NamedTables
from orgplane.importers.markdown.named.text import NamedText
from orgplane.importers.markdown.phrases.grammar import slug
from orgplane.importers.markdown.structure.outline import Node
from orgplane.importers.markdown.structure.texttree import same_as_title

__all__ = ["NamedReader"]


class NamedReader(NamedTables, NamedText):
    """Turns a document's outline into group drafts and claims every line."""

    # -- the document -------------------------------------------------------------------

    def run(self) -> None:
        outline = self.outline
        if self.reading.title and not self.org.name:
            self.org.name = self.reading.title
        elif outline.orgs and not self.org.name:
            self.org.name = _common_name(outline.orgs)
        self._make_drafts()
        parent_of = {id(child): s for s in self.doc.sections() for child in s.children}
        group_sections = self.reading.sections
        facts_sections = {
            id(child)
            for node in outline.nodes.values()
            for piece in node.pieces
            if piece.kind == "section"
            for child in piece.value[1]
        }
        for section in self.doc.sections():
            owner = self._owner(section, parent_of)
            if section.heading is not None:
                self._heading(section.heading, section, owner)
            if id(section) in group_sections or id(section) in facts_sections:
                continue  # read with its group
            self._loose_blocks(section.blocks, owner)
        for node in outline.nodes.values():
            self._pieces(node)
        self._resolve_dependencies()
        self._finish_rotations()
        self._report()

    def _owner(self, section: Section, parent_of: dict[int, Section]) -> Node | None:
        up: Section | None = section
        while up is not None:
            node = self.reading.sections.get(id(up))
            if node is not None:
                return node
            up = parent_of.get(id(up))
        return None

    def _make_drafts(self) -> None:
        used: set[str] = set()
        stack: list[tuple[Node, Draft | None, str]] = [
            (n, None, "") for n in reversed(self.outline.roots())
        ]
        while stack:
            node, parent, path = stack.pop()
            code = node.code or _code(node.name)
            base, n = code, 1
            while code in used:
                n += 1
                code = f"{base}-{n}"
            used.add(code)
            kind = node.kind or (
                "org"
                if node.name in self.outline.orgs
                else "division"
                if node.children and parent is None
                else "group"
                if node.children
                else "team"
            )
            if parent is None:
                draft = self.org.group(code, node.name, kind)
            else:
                draft = parent.child(code, node.name, kind)
            draft.kind = kind
            self.drafts[id(node)] = draft
            self.paths[id(node)] = f"{path}/{code}" if path else code
            stack.extend((child, draft, self.paths[id(node)]) for child in reversed(node.children))

    # -- headings and the blocks outside groups -----------------------------------------

    def _heading(self, heading: Heading, section: Section, owner: Node | None) -> None:
        node = self.reading.sections.get(id(section))
        if node is not None:
            self.claim(heading.line, "group", self.paths[id(node)], heading.text)
        elif not self.org.name or (
            self.reading.title and clean(heading.text) == self.reading.title and heading.level == 1
        ):
            self.org.name = self.org.name or clean(heading.text)
            self.claim(heading.line, "org", "org", heading.text)
        else:
            self.claim(heading.line, "section", self._target(owner), heading.text)

    def _loose_blocks(self, blocks: list[Block], owner: Node | None) -> None:
        for block in blocks:
            shape = self.reading.consumed.get(id(block))
            if shape is not None:
                self._consumed_block(block, shape, owner)
            elif isinstance(block, Table):
                self._table(block, owner)
            elif isinstance(block, Paragraph):
                self._paragraph(block, owner)
            elif isinstance(block, ListBlock):
                for item in flatten(block.items):
                    self._sentence_item(item, owner)
            elif isinstance(block, Rule):
                continue
            elif isinstance(block, (CodeBlock, Quote, Html)):
                self._note(owner, block.line, block.text, block.end_line)

    def _consumed_block(self, block: Block, shape: str, owner: Node | None) -> None:
        end = getattr(block, "end_line", block.line)
        left = set(self.reading.left.get(id(block), []))
        self.claim(block.line, "structure", shape, f"{shape}", end)
        lines = self.doc.lines
        for number in sorted(left):
            text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
            if text and not (
                self.reading.title and same_as_title(text.strip("-*+ `|"), self.reading.title)
            ):
                self._note(owner, number, text)

    # -- a group's pieces ---------------------------------------------------------------

    def _pieces(self, node: Node) -> None:
        draft = self.drafts[id(node)]
        target = self.paths[id(node)]
        for piece in node.pieces:
            if piece.kind == "named":
                self.claim(piece.line, "group", target, str(piece.value))
            elif piece.kind == "label":
                self.claim(piece.line, "section", target, str(piece.value))
            elif piece.kind == "text":
                facts = read_labelled(str(piece.value))
                self._apply(node, facts, piece.line, piece.line, str(piece.value))
                if facts.rest:
                    add_unique(draft.notes, "; ".join(facts.rest))
            elif piece.kind == "note":
                for sentence in sentences(str(piece.value)):
                    self._rule(sentence, node, piece.line)
                self._note(node, piece.line, str(piece.value))
            elif piece.kind == "cell":
                kind, header, text = piece.value
                self._cell(node, kind, header, text, piece.line)
            elif piece.kind == "section":
                section, facts_sections = piece.value
                self._section(node, section, facts_sections)

    def _cell(self, node: Node, kind: str, header: str, text: str, line: int) -> None:
        draft = self.drafts[id(node)]
        target = self.paths[id(node)]
        items = [item for item in text.split("\n") if item.strip()]
        if kind in ("lead", "kpi", "from", "to", "with", "contact"):
            label = {
                "lead": "lead",
                "kpi": "kpis",
                "from": "needs",
                "to": "downstream",
                "with": "partners",
                "contact": "contact",
            }[kind]
            for item in items:
                self._apply(node, read_labelled(f"{label}: {item}"), line, line, item)
        elif kind == "about":
            add_unique(draft.description, text)
            self.claim(line, "description", target, text)
        elif kind == "runs":
            for item in items:
                for entry in re.split(r"\s*[,;]\s*", item):
                    add_unique(draft.responsibilities, entry)
            self.claim(line, "responsibility", target, text)
        else:
            self._note(node, line, f"{header}: {text}")

    def _section(self, node: Node, section: Section, facts_sections: list[Section]) -> None:
        consumed = [b for b in section.blocks if id(b) in self.reading.consumed]
        self._loose_blocks(consumed, node)
        found, left = facts_of_blocks(
            [b for b in section.blocks if id(b) not in self.reading.consumed]
        )
        for child in facts_sections:
            assert child.heading is not None
            more, rest = facts_of_blocks(child.blocks, is_label_line(child.heading.text))
            found.extend(more)
            left.extend(rest)
        typed_blocks: set[int] = set()
        for item in found:
            subject = (
                node
                if item.subject == SELF
                else self._subject(item.subject, node, item.line, quiet=True)
            )
            if subject is None:  # a name that is no group: what it says is kept
                self._note(node, item.line, item.text, item.end_line)
                continue
            self._apply(subject, item.facts, item.line, item.end_line, item.text)
            if item.facts.rest:
                add_unique(self.drafts[id(subject)].notes, "; ".join(item.facts.rest))
            typed_blocks.add(item.line)
        draft = self.drafts[id(node)]
        for block in left:
            if isinstance(block, Paragraph):
                for sentence in sentences(block.text):
                    self._rule(sentence, node, block.line)
                # The same document read again finds its description already there.
                if not draft.description or block.text in draft.description:
                    add_unique(draft.description, block.text)
                    self.claim(
                        block.line, "description", self.paths[id(node)], block.text, block.end_line
                    )
                else:
                    self._keep(node, block)
            elif isinstance(block, ListBlock):
                for entry in flatten(block.items):
                    if entry.line not in typed_blocks:
                        for sentence in sentences(entry.text):
                            self._rule(sentence, node, entry.line)
                        self._note(node, entry.line, entry.text)
            else:
                self._loose_blocks([block], node)

    def _report(self) -> None:
        path = self.doc.path
        self.report.structures[path] = list(self.outline.structures)
        for line, text, why in self.outline.skipped:
            self.report.not_group(self.loc(line), clean(text), why)
        for line, message in self.outline.problems:
            self.report.problem(self.loc(line), message)
        if self.outline.orgs:
            self.report.problem(
                self.loc(1),
                f"describes {len(self.outline.orgs)} orgs ({', '.join(self.outline.orgs)}): each is a top group of kind org",
            )


def _code(name: str) -> str:
    return slug(name)[:48] or "group"


def _common_name(names: list[str]) -> str:
    words = [name.split() for name in names]
    common = []
    for group in zip(*words, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    return " ".join(common) or names[0]
