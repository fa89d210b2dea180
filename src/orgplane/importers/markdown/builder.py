"""Build an org from parsed Markdown documents: the structure the documents draw.

Imports the other ``importers`` modules (tables and trees are read by ``tables`` and
``trees``; the drafts live in ``draft``). It reads the documents'
*structure* — a top tree of departments, per-department sections with a breakdown
table and a tree, blockquoted governance notes — and recognizes meaning from header
words and phrase shapes, never from the sample documents' exact strings. Every block it
reads is claimed in the report, by a typed field or as a located note.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.charts.diagrams import DiagramReader
from orgplane.importers.markdown.charts.parser import Chart, parse_chart
from orgplane.importers.markdown.document import (
    Block,
    CodeBlock,
    Document,
    Heading,
    Html,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Section,
    Table,
)
from orgplane.importers.markdown.draft import Draft, OrgDraft, add_unique, clean
from orgplane.importers.markdown.facts.prose import ProseReader, flatten, item_ends
from orgplane.importers.markdown.facts.teams import rotation, template
from orgplane.importers.markdown.named import NamedReader, read_outline, reads_codes
from orgplane.importers.markdown.phrases.grammar import (
    parse_authority,
    parse_forbidden_interface,
    slug,
    split_code_name,
)
from orgplane.importers.markdown.structure.boxtree import TreeNode, looks_like_tree, parse_box_tree
from orgplane.importers.markdown.structure.tables import TableReader
from orgplane.importers.markdown.structure.trees import TreeReader
from orgplane.importers.report import ImportReport
from orgplane.model.notes import about_the_document

__all__ = ["build"]

_TREE_WORD = re.compile(r"\s*\b(tree|hierarchy|structure)\s*$", re.IGNORECASE)
_NUMBERED_TITLE = re.compile(r"^\d{1,2}[.)]\s+\S")
_GLOSSARY = re.compile(r"^(?P<term>[A-Z][A-Za-z0-9/&-]{1,15})\s*[=:≡]\s*(?P<definition>.+)$")


class _Builder(TableReader, TreeReader, ProseReader, DiagramReader):
    """Reads one document: finds its top tree, walks its sections, reads each block."""

    def __init__(self, org: OrgDraft, report: ImportReport, doc: Document) -> None:
        super().__init__(org, report, doc)
        self._by_name: dict[str, Draft] = {}
        self._by_name_count = -1
        # Charts are read after the rest of the document: they name groups and roles
        # that may be defined further down.
        self._charts: list[tuple[Chart, CodeBlock, str, Draft | None]] = []

    # -- the document -------------------------------------------------------------------

    def run(self) -> None:
        sections = self.doc.sections()
        parent_of = {id(child): section for section in sections for child in section.children}
        self._find_top_tree(sections)
        department: Draft | None = None
        department_level = 99
        for section in sections:
            heading = section.heading
            if heading is not None:
                found = self._department_of(heading)
                if found is not None:
                    department, department_level = found, heading.level
                elif (
                    department is not None
                    and heading.level <= department_level
                    and not self._is_subheading(heading)
                ):
                    # A heading at or above the department's level that names no department
                    # ends it; "Organizational Breakdown", "… Tree" and the like do not, at
                    # whatever level the document puts them.
                    department, department_level = None, 99
                self._heading(heading, department)
                self._track_phase(heading)
                self._boundaries = "boundar" in heading.text.lower()
            titles: list[str] = []
            up: Section | None = section
            while up is not None:
                if up.heading is not None:
                    titles.append(up.heading.text)
                up = parent_of.get(id(up))
            lead_in = ""
            for block in section.blocks:
                self._titles = [lead_in, *titles] if lead_in else titles
                self._block(block, department, section)
                lead_in = (
                    block.text if isinstance(block, Paragraph) and _is_label(block.text) else ""
                )
        for chart, block, title, owner in self._charts:
            if not self._chart(chart, block, title, owner):
                notes = owner.notes if owner else self.org.notes
                add_unique(notes, block.text.rstrip())
                self.claim(
                    block.line, "note", owner.code if owner else "org", block.text, block.end_line
                )

    def _find_top_tree(self, sections: list[Section]) -> None:
        for section in sections:
            for block in section.blocks:
                if not isinstance(block, CodeBlock) or not looks_like_tree(block.text):
                    continue
                tree = parse_box_tree(block.text, block.line)
                if not tree.roots:
                    continue
                root = tree.roots[0]
                coded = [n for n in root.children if split_code_name(n.label).code]
                if len(coded) < 2 or any(n.children for n in root.children):
                    continue
                self._top_tree(root, block)
                return
        # No tree of coded departments: a team document may draw its sub-teams by name,
        # each with what it does below it ("Data Platform Team" → HDFS, YARN, …).
        for section in sections:
            for block in section.blocks:
                if not isinstance(block, CodeBlock) or not looks_like_tree(block.text):
                    continue
                roots = parse_box_tree(block.text, block.line).roots
                if not roots or len(roots[0].children) < 2:
                    continue
                named = roots[0].children
                if all(n.children and split_code_name(n.label).code is None for n in named):
                    self._team_tree(roots[0], block)
                    return

    def _team_tree(self, root: TreeNode, block: CodeBlock) -> None:
        self.org.name = self.org.name or clean(root.label)
        self.claim(root.line, "org", "org", root.label)
        for node in root.children:
            name = clean(node.label)
            team = self.org.group(slug(name), name, "subteam")
            self.claim(node.line, "group", team.code, node.label)
            for item in node.walk()[1:]:
                add_unique(team.responsibilities, item.label)
                self.claim(item.line, "responsibility", team.code, item.label)
        self._consumed.add(id(block))

    def _top_tree(self, root: TreeNode, block: CodeBlock) -> None:
        name, code = _org_name_code(root.label)
        self.org.name = self.org.name or name
        self.org.code = self.org.code or code
        self.claim(root.line, "org", "org", root.label)
        for node in root.children:
            parsed = split_code_name(node.label)
            if parsed.code is None:
                add_unique(self.org.notes, node.label)
                self.claim(node.line, "note", "org", node.label)
                continue
            self.org.group(parsed.code, parsed.name)
            self.claim(node.line, "group", parsed.code, node.label)
        self._consumed.add(id(block))

    def _department_of(self, heading: Heading) -> Draft | None:
        parsed = split_code_name(_TREE_WORD.sub("", clean(heading.text)))
        if parsed.code is None:
            # A section about a group the document named without a code ("1- Data
            # Platform Team").
            return self._groups_by_name().get(_bare(parsed.name))
        if parsed.code in self.org.groups or heading.level <= 2:
            name = parsed.name if not _TREE_WORD.search(clean(heading.text)) else ""
            return self.org.group(parsed.code, name)
        return None

    def _groups_by_name(self) -> dict[str, Draft]:
        # Rebuilt only when groups were added since: a document has one heading per
        # section, and hundreds of departments.
        if self._by_name_count != len(self.org.groups):
            # reversed: where two groups share a name, the first one wins.
            self._by_name = {_bare(g.name): g for g in reversed(self.org.groups.values())}
            self._by_name_count = len(self.org.groups)
        return self._by_name

    @staticmethod
    def _is_subheading(heading: Heading) -> bool:
        words = set(re.findall(r"[a-z]+", heading.text.lower()))
        return bool(
            words
            & {"organizational", "breakdown", "tree", "overview", "structure", "summary", "details"}
        )

    def _heading(self, heading: Heading, department: Draft | None) -> None:
        target = department.code if department else "org"
        if not self.org.name and heading.level == 1:
            self.org.name = clean(heading.text)
            self.claim(heading.line, "org", "org", heading.text)
            return
        self.claim(heading.line, "section", target, heading.text)

    # -- blocks -------------------------------------------------------------------------

    def _block(self, block: Block, department: Draft | None, section: Section) -> None:
        if id(block) in self._consumed:
            return
        target = department.code if department else "org"
        notes = department.notes if department else self.org.notes
        if isinstance(block, Table) and self._titled_table(block, department):
            pass
        elif isinstance(block, Table):
            self._table(block, department)
        elif isinstance(block, CodeBlock):
            title = clean(section.title())
            if department is not None and looks_like_tree(block.text):
                self._tree(block, department)
            elif (on_call := rotation(block.text, title)) is not None:
                if on_call not in self.org.rotations:
                    self.org.rotations.append(on_call)
                self.claim(block.line, "oncall", target, block.text, block.end_line)
            elif (message := template(block.text, title)) is not None:
                if message not in self.org.templates:
                    self.org.templates.append(message)
                self.claim(block.line, "template", target, block.text, block.end_line)
            elif not looks_like_tree(block.text) and (chart := parse_chart(block.text, block.line)):
                self._charts.append((chart, block, title, department))
            else:
                add_unique(notes, block.text.rstrip())
                self.claim(block.line, "note", target, block.text, block.end_line)
        elif isinstance(block, Quote):
            self._quote(block, department)
        elif (isinstance(block, Paragraph) and self._prose_policy(block, target)) or (
            isinstance(block, Paragraph) and self._titled_paragraph(block, department)
        ):
            pass
        elif isinstance(block, Paragraph):
            described = department.description if department else self.org.description
            if block.text in described:  # the same document read twice, or an earlier version
                self.claim(block.line, "description", target, block.text, block.end_line)
            elif about_the_document(block.text):  # "This document outlines …": a note
                add_unique(notes, block.text)
                self.claim(block.line, "note", target, block.text, block.end_line)
            elif department is not None and not department.description and not department.children:
                department.description.append(block.text)
                self.claim(block.line, "description", target, block.text, block.end_line)
            elif department is None and self.org.groups == {} and not self.org.description:
                self.org.description.append(block.text)
                self.claim(block.line, "description", target, block.text, block.end_line)
            else:
                add_unique(notes, block.text)
                self.claim(block.line, "note", target, block.text, block.end_line)
        elif isinstance(block, ListBlock) and all(i.checked is not None for i in block.items):
            title = clean(section.title()) or "Checklist"
            gate = {"id": slug(title), "name": title, "checks": [i.text for i in block.items]}
            if gate not in self.org.gates:
                self.org.gates.append(gate)
            for item in block.items:
                self.claim(item.line, "gate", target, item.text)
        elif (
            isinstance(block, ListBlock)
            and department is not None
            and _bare(clean(section.title())).startswith("owns")
        ):
            # "Owns:" — the systems this group owns, for the catalog.
            items = flatten(block.items)
            for item, end in zip(items, item_ends(items, block.end_line), strict=True):
                self.org.add_catalog(
                    {"name": item.text, "owner": department.code, "kind": "system"}
                )
                self.claim(item.line, "catalog", department.code, item.text, end)
        elif isinstance(block, ListBlock) and self._headcount_roles(block, target):
            pass
        elif isinstance(block, ListBlock) and self._phase is not None:
            for item in block.items:  # top-level items are the deliverables
                add_unique(self._phase["deliverables"], item.text)
                self.claim(item.line, "roadmap", target, item.text)
            nested = [child for item in block.items for child in item.children]
            read = set()
            for item in block.items:
                read |= self._group_maps(item.children, item.text)
            self._note_items(nested, block.end_line, target, notes, read)
        elif isinstance(block, ListBlock) and self._titled_list(block, department):
            pass
        elif isinstance(block, ListBlock):
            read = self._group_maps(block.items, " ".join(self._titles))
            # A list that is all of a numbered subsection of a group ("### 2. Configuration
            # & Tuning" under a team) stays one note, headed by its title.
            heading = section.heading
            own = (
                department is not None
                and heading is not None
                and [b for b in section.blocks if not isinstance(b, Rule)] == [block]
                and _NUMBERED_TITLE.match(clean(heading.text)) is not None
            )
            title = clean(heading.text) if own and heading is not None else ""
            self._note_items(block.items, block.end_line, target, notes, read, title)
        elif isinstance(block, Html):
            add_unique(notes, block.text.strip())
            self.claim(block.line, "note", target, block.text, block.end_line)
        elif isinstance(block, Rule):
            pass  # markup only

    def _quote(self, block: Quote, department: Draft | None) -> None:
        text = " ".join(line.strip() for line in block.text.splitlines() if line.strip())
        body = re.sub(r"^(note|governance boundary|important|policy)\s*:\s*", "", text, flags=re.I)
        owner = department.code if department else None
        forbidden = parse_forbidden_interface(body)
        authority = parse_authority(body)
        glossary = _GLOSSARY.match(body)
        if forbidden is not None and owner is not None:
            other = split_code_name(forbidden).code or forbidden
            if (owner, other, body) not in self.org.forbidden:
                self.org.forbidden.append((owner, other, body))
            self.claim(block.line, "policy", owner, block.text, block.end_line)
        elif authority is not None and (authority[0] or owner):
            group = authority[0] or owner
            assert group is not None
            if (group, authority[1], body) not in self.org.authorities:
                self.org.authorities.append((group, authority[1], body))
            self.claim(block.line, "policy", group, block.text, block.end_line)
        elif glossary is not None:
            self.org.glossary[glossary["term"]] = glossary["definition"].strip()
            self.claim(block.line, "glossary", owner or "org", block.text, block.end_line)
        else:
            add_unique(department.notes if department else self.org.notes, body)
            self.claim(block.line, "note", owner or "org", block.text, block.end_line)

    # -- breakdown tables ---------------------------------------------------------------


def _is_label(text: str) -> bool:
    """A paragraph that titles what follows ("Team Responsibilities:"), not a sentence
    that introduces it ("Organizing into subteams provides:")."""
    words = re.findall(r"[A-Za-z]{4,}", text)
    return text.rstrip().endswith(":") and all(word[0].isupper() for word in words)


def _bare(name: str) -> str:
    """A name for matching: no trailing "(Infra-Level)"-style qualifier, any case."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).casefold()


def _org_name_code(label: str) -> tuple[str, str]:
    found = re.search(r"\(\s*([A-Z][A-Z0-9&-]{1,15})\s*\)\s*$", label)
    if found:
        return label[: found.start()].strip(), found.group(1).replace("&", "")
    return label.strip(), ""


def build(documents: list[Document], report: ImportReport) -> OrgDraft:
    """Read every document into one org draft (documents about one org merge)."""
    org = OrgDraft()
    for doc in documents:
        report.documents.append(doc.path)
        reading = None if reads_codes(doc) else read_outline(doc)
        if reading is not None:
            NamedReader(org, report, doc, reading).run()
        else:
            _Builder(org, report, doc).run()
            report.structures[doc.path] = _structures(report, doc.path)
    return org


def _structures(report: ImportReport, path: str) -> list[str]:
    """What the coded reader read a document's groups from, by the claims it made."""
    kinds = {c.kind for c in report.claims if c.location.file == path}
    found = []
    if "group" in kinds:
        found.append("codes")
    if {"unit", "squad"} & kinds or "group" in kinds:
        found.append("breakdown tables and trees")
    return found or ["none (team document)"]
