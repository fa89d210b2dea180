"""Build an org from a document that draws its groups by name: headings, bullet charts,
one-row-per-team tables, text trees and Mermaid graphs, with or without codes.

Imports the ``structure``, ``facts``, ``charts`` and ``phrases`` readers, ``draft``,
``context`` and ``report``. ``read_outline`` finds the groups a document draws (or None
when it draws fewer than two); ``NamedReader`` turns the outline into drafts: codes made
from names where the document gives none, every fact on its group, names used as
references resolved like codes (an ambiguous name is a finding, never a guess), and
every line claimed in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from orgplane.importers.markdown.charts.mermaid import looks_like_mermaid, parse_mermaid
from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import (
    Block,
    CodeBlock,
    Document,
    Heading,
    Html,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Rule,
    Section,
    Table,
)
from orgplane.importers.markdown.draft import Draft, OrgDraft, add_unique, clean
from orgplane.importers.markdown.facts.blocks import facts_of_blocks, is_label_line, metric_table
from orgplane.importers.markdown.facts.labels import Facts, read_labelled, split_names
from orgplane.importers.markdown.facts.oncall import escalation_steps, interactions, rotations
from orgplane.importers.markdown.facts.sentences import (
    SELF,
    authority,
    lead_threshold,
    read_sentences,
    sentences,
)
from orgplane.importers.markdown.phrases.grammar import DepPhrase, slug, split_code_name
from orgplane.importers.markdown.structure.boxtree import looks_like_tree, parse_box_tree
from orgplane.importers.markdown.structure.bullets import is_bullet_chart, read_bullet_chart
from orgplane.importers.markdown.structure.grouptable import read_group_table
from orgplane.importers.markdown.structure.headings import read_headings
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import Node, Outline, Piece, name_key
from orgplane.importers.markdown.structure.texttree import (
    parse_text_tree,
    read_text_tree,
    same_as_title,
    tree_is_org_chart,
)
from orgplane.importers.report import ImportReport

__all__ = ["NamedReader", "Reading", "read_outline", "reads_codes"]


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


_LABEL_KIND = {
    "lead": "lead",
    "kpi": "kpi",
    "from": "dependency",
    "to": "dependency",
    "with": "dependency",
}


class NamedReader(DocumentReader):
    """Turns a document's outline into group drafts and claims every line."""

    def __init__(
        self, org: OrgDraft, report: ImportReport, doc: Document, reading: Reading
    ) -> None:
        super().__init__(org, report, doc)
        self.reading = reading
        self.outline = reading.outline
        self.drafts: dict[int, Draft] = {}
        self.paths: dict[int, str] = {}
        self._deps: list[tuple[Node, str, str, str, int]] = []
        self._leads: dict[int, list[str]] = {}
        self._rotations: list[dict[str, Any]] = []
        self._escalations: list[tuple[Table, list[dict[str, Any]]]] = []

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

    def _target(self, node: Node | None) -> str:
        return self.paths[id(node)] if node is not None else "org"

    def _notes(self, node: Node | None) -> list[str]:
        return self.drafts[id(node)].notes if node is not None else self.org.notes

    def _note(self, node: Node | None, line: int, text: str, end: int = 0) -> None:
        add_unique(self._notes(node), text.strip())
        self.claim(line, "note", self._target(node), text, end)

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
                for item in _flatten(block.items):
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

    def _paragraph(self, block: Paragraph, owner: Node | None) -> None:
        typed = False
        for sentence in sentences(block.text):
            typed |= self._rule(sentence, owner, block.line)
        for said in read_sentences(block.text):
            subject = self._subject(said.subject, owner, block.line, quiet=True)
            if subject is not None:
                self._apply(subject, said.facts, block.line, block.end_line, block.text)
                typed = True
        self._note(owner, block.line, block.text, block.end_line) if not typed else self._keep(
            owner, block
        )

    def _keep(self, owner: Node | None, block: Paragraph) -> None:
        add_unique(self._notes(owner), block.text)
        self.claim(block.line, "note", self._target(owner), block.text, block.end_line)

    def _sentence_item(self, item: ListItem, owner: Node | None) -> None:
        typed = self._rule(item.text, owner, item.line)
        for said in read_sentences(item.text):
            subject = self._subject(said.subject, owner, item.line, quiet=True)
            if subject is not None:
                self._apply(subject, said.facts, item.line, item.line, item.text)
                typed = True
        if not typed:
            self._note(owner, item.line, item.text)

    def _rule(self, sentence: str, owner: Node | None, line: int) -> bool:
        if (found := authority(sentence)) is not None:
            node = self._resolve(found[0], line, quiet=True)
            if node is not None:
                self.org.authorities.append((self.paths[id(node)], [found[1]], sentence.strip()))
                self.claim(line, "policy", "org", sentence)
                return True
        if (
            threshold := lead_threshold(sentence)
        ) is not None and "lead_threshold" not in self.org.planning:
            self.org.planning["lead_threshold"] = {"size": threshold[0], "kinds": [threshold[1]]}
            self.claim(line, "policy", "org", sentence)
            return True
        return False

    def _table(self, table: Table, owner: Node | None) -> None:
        pairs = interactions(table)
        if pairs is not None:
            for first, second, direction, mode, line in pairs:
                node = self._resolve(first, line)
                if node is not None:
                    self._deps.append((node, second, mode, direction, line))
                    self.claim(line, "dependency", self.paths[id(node)], f"{first} {mode} {second}")
                else:
                    self._note(owner, line, f"{first} | {second} | {mode}")
            self.claim(table.line, "dependency", "org", " | ".join(table.header))
            self.outline.recognized("interaction table")
            return
        found = rotations(table)
        if found is not None:
            self.outline.recognized("on-call table")
            for rotation, teams, line in found:
                nodes = [
                    n for n in (self._resolve(t, line, quiet=True) for t in teams) if n is not None
                ]
                if len(nodes) == 1:
                    rotation["group"] = self.paths[id(nodes[0])]
                if teams:
                    add_unique(
                        self.org.notes, f"Rotation {rotation['name']!r} covers: {', '.join(teams)}"
                    )
                self._rotations.append(rotation)
                self.claim(line, "oncall", "org", rotation["name"])
            self.claim(table.line, "oncall", "org", " | ".join(table.header))
            return
        steps = escalation_steps(table)
        if steps is not None:
            self.outline.recognized("escalation table")
            self._escalations.append((table, steps))
            return
        rows = metric_table(table)
        if rows is not None and all(group >= 0 for group, _, _ in rows):
            for group, text, line in rows:
                row = next(r for r in table.rows if r[0].line == line)
                node = self._resolve(row[group].text, line)
                if node is not None:
                    add_unique(self.drafts[id(node)].kpis, text)
                    self.claim(line, "kpi", self.paths[id(node)], text)
                else:
                    self._note(owner, line, text)
            return
        for row in table.rows:
            text = " | ".join(cell.text for cell in row)
            self._note(owner, row[0].line if row else table.line, text)
        self.claim(table.line, "note", self._target(owner), " | ".join(table.header))

    # -- a group's pieces ---------------------------------------------------------------

    def _pieces(self, node: Node) -> None:
        draft = self.drafts[id(node)]
        target = self.paths[id(node)]
        for piece in node.pieces:
            if piece.kind == "named":
                self.claim(piece.line, "group", target, str(piece.value))
            elif piece.kind == "text":
                facts = read_labelled(str(piece.value))
                self._apply(node, facts, piece.line, piece.line, str(piece.value))
                if facts.rest:
                    add_unique(draft.notes, "; ".join(facts.rest))
            elif piece.kind == "note":
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
        if kind in ("lead", "kpi", "from", "to", "with"):
            label = {
                "lead": "lead",
                "kpi": "kpis",
                "from": "needs",
                "to": "downstream",
                "with": "partners",
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
        found, left = facts_of_blocks(section.blocks)
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
            if subject is None:
                continue
            self._apply(subject, item.facts, item.line, item.end_line, item.text)
            typed_blocks.add(item.line)
        draft = self.drafts[id(node)]
        for block in left:
            if isinstance(block, Paragraph):
                for sentence in sentences(block.text):
                    self._rule(sentence, node, block.line)
                if not draft.description:
                    draft.description.append(block.text)
                    self.claim(
                        block.line, "description", self.paths[id(node)], block.text, block.end_line
                    )
                else:
                    self._keep(node, block)
            elif isinstance(block, ListBlock):
                for entry in _flatten(block.items):
                    if entry.line not in typed_blocks:
                        self._rule(entry.text, node, entry.line)
                        self._note(node, entry.line, entry.text)
            else:
                self._loose_blocks([block], node)

    def _subject(
        self, written: str, owner: Node | None, line: int, quiet: bool = False
    ) -> Node | None:
        if written == SELF:
            return owner
        return self._resolve(written, line, quiet=quiet)

    def _apply(self, node: Node, facts: Facts, line: int, end: int, text: str) -> None:
        draft = self.drafts[id(node)]
        target = self.paths[id(node)]
        for name in facts.leads:
            person = slug(name)
            self.org.people.setdefault(person, {"id": person, "name": name})
            add_unique(draft.leads, person)
            self.claim(line, "lead", target, name, end)
        for kpi in facts.kpis:
            add_unique(draft.kpis, kpi)
            self.claim(line, "kpi", target, kpi, end)
        for written, provides, direction in facts.deps:
            self._deps.append((node, written, provides, direction, line))
            self.claim(line, "dependency", target, written, end)
        for contact in facts.contacts:
            add_unique(draft.notes, f"Contact: {contact}")
            self.claim(line, "contact", target, contact, end)
        for entry in facts.runs:
            add_unique(draft.responsibilities, entry)
            self.claim(line, "responsibility", target, entry, end)
        for about in facts.about:
            add_unique(draft.description, about)
            self.claim(line, "description", target, about, end)
        for size in facts.sizes:
            add_unique(draft.notes, f"Size: {size}")
            self.claim(line, "note", target, size, end)
        if not (facts.any() or facts.about or facts.sizes):
            self.claim(line, "section", target, text, end)

    # -- names as references ------------------------------------------------------------

    def _resolve(self, written: str, line: int, quiet: bool = False) -> Node | None:
        """The group a name means: the same name (any case, "the … team"), else the one
        group whose name it is a whole-word part of; several: a finding, no guess."""
        text = re.sub(r"\s*\([^)]*\)\s*$", "", written.strip().strip("*_`")).strip()
        key = name_key(text)
        if not key:
            return None
        nodes = self.outline.nodes
        if key in nodes:
            return nodes[key]
        for variant in (key.rstrip("s"), key + "s"):
            if variant in nodes:
                return nodes[variant]
        if len(key) < 3:
            return None
        near = [n for k, n in nodes.items() if re.search(rf"(?:^| ){re.escape(key)}(?: |$)", k)]
        if len(near) == 1:
            return near[0]
        if len(near) > 1 and not quiet:
            paths = ", ".join(sorted(self.paths[id(n)] for n in near))
            self.report.problem(
                self.loc(line),
                f"{written!r} may name any of {paths}: not resolved, kept as written",
            )
        return None

    def _resolve_dependencies(self) -> None:
        by_code: dict[str, int] = {}
        for draft in self.drafts.values():
            by_code[draft.code] = by_code.get(draft.code, 0) + 1
        for node, written, provides, direction, line in self._deps:
            draft = self.drafts[id(node)]
            target_node = self._resolve(written, line)
            if target_node is None:
                # Several names in one ("Accounts and Cards")?
                parts = split_names(written)
                resolved = (
                    [self._resolve(p, line, quiet=True) for p in parts] if len(parts) > 1 else []
                )
                if resolved and all(r is not None for r in resolved):
                    for r in resolved:
                        assert r is not None
                        self._add_dep(draft, r, provides, direction, by_code)
                    continue
                self.report.problem(
                    self.loc(line), f"{written!r} names no group of the document: kept as written"
                )
                dep = DepPhrase(written, provides, direction, written)
                if dep not in draft.dependencies:
                    draft.dependencies.append(dep)
                continue
            if target_node is node:
                continue
            self._add_dep(draft, target_node, provides, direction, by_code)

    def _add_dep(
        self, draft: Draft, target: Node, provides: str, direction: str, by_code: dict[str, int]
    ) -> None:
        code = self.drafts[id(target)].code
        ref = code if by_code.get(code) == 1 else self.paths[id(target)]
        for index, known in enumerate(draft.dependencies):
            if known.target == ref:  # the same dependency said twice: one, with what flows
                if provides and not known.provides:
                    draft.dependencies[index] = DepPhrase(ref, provides, known.direction, ref)
                return
        draft.dependencies.append(DepPhrase(ref, provides, direction, ref))

    # -- rotations and escalation -------------------------------------------------------

    def _finish_rotations(self) -> None:
        for table, steps in self._escalations:
            if self._rotations:
                for rotation in self._rotations:
                    rotation["escalation"] = [dict(step) for step in steps]
                for row in table.rows:
                    self.claim(row[0].line, "oncall", "org", " | ".join(c.text for c in row))
                self.claim(table.line, "oncall", "org", " | ".join(table.header))
            else:
                ladder = "; ".join(f"{s['to']} after {s['after_minutes']} min" for s in steps)
                self._note(None, table.line, f"Escalation: {ladder}", table.end_line)
        for rotation in self._rotations:
            if rotation not in self.org.rotations:
                self.org.rotations.append(rotation)

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


def _flatten(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out


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
