"""Build an org from parsed Markdown documents: the structure the documents draw.

Imports ``importers.markdown``, ``importers.boxtree``, ``importers.phrases``,
``importers.columns``, ``importers.report`` and ``model``. It reads the documents'
*structure* — a top tree of departments, per-department sections with a breakdown
table and a tree, blockquoted governance notes — and recognizes meaning from header
words and phrase shapes, never from the sample documents' exact strings. Every block it
reads is claimed in the report, by a typed field or as a located note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from orgplane.importers.boxtree import TreeNode, looks_like_tree, parse_box_tree
from orgplane.importers.columns import Column, classify_columns
from orgplane.importers.markdown import (
    Block,
    Cell,
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
from orgplane.importers.phrases import (
    DepPhrase,
    parse_authority,
    parse_dependencies,
    parse_forbidden_interface,
    parse_inline_list,
    slug,
    split_code_name,
    split_list,
)
from orgplane.importers.report import ImportReport
from orgplane.importers.teams import kpi_rows, role_rows, rotation, template
from orgplane.model import Location

__all__ = ["Draft", "OrgDraft", "build", "clean"]

KINDS = ("department", "squad", "unit", "subunit")
_TREE_WORD = re.compile(r"\s*\b(tree|hierarchy|structure)\s*$", re.IGNORECASE)
_SYMBOLS = re.compile(r"^[^\w(]+|[^\w)]+$")
_RESPONSIBILITY_LABELS = {"responsibilities", "responsibility", "duties", "scope", "deliverables"}
_KPI_LABELS = {"kpis", "kpi", "slos", "slo", "objectives", "okrs", "metrics"}
_GLOSSARY = re.compile(r"^(?P<term>[A-Z][A-Za-z0-9/&-]{1,15})\s*[=:≡]\s*(?P<definition>.+)$")


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
    notes: list[str] = field(default_factory=list)
    children: dict[str, Draft] = field(default_factory=dict)

    def child(self, code: str, name: str, kind: str) -> Draft:
        existing = self.children.get(code)
        if existing is None:
            existing = self.children[code] = Draft(code, name, kind)
        elif name and len(name) > len(existing.name):
            if existing.name and not _same(existing.name, name):
                _add(existing.notes, f"Also written as: {existing.name}")
            existing.name = name
        elif name and not _same(existing.name, name):
            _add(existing.notes, f"Also written as: {name}")
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

    def group(self, code: str, name: str) -> Draft:
        return Draft.child(self._root(), code, name, KINDS[0])

    def _root(self) -> Draft:
        root = Draft("", "", "")
        root.children = self.groups
        return root


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _add(items: list[str], text: str) -> None:
    if text and text not in items:
        items.append(text)


class _Builder:
    def __init__(self, org: OrgDraft, report: ImportReport, doc: Document) -> None:
        self.org = org
        self.report = report
        self.doc = doc
        self._consumed: set[int] = set()  # ids of blocks already read (the top tree)

    def loc(self, line: int) -> Location:
        return Location(self.doc.path, line, 1)

    def claim(self, line: int, kind: str, target: str, text: str, end_line: int = 0) -> None:
        self.report.claim(self.loc(line), kind, target, text, end_line)

    # -- the document -------------------------------------------------------------------

    def run(self) -> None:
        sections = self.doc.sections()
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
            for block in section.blocks:
                self._block(block, department, section)

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

    def _top_tree(self, root: TreeNode, block: CodeBlock) -> None:
        name, code = _org_name_code(root.label)
        self.org.name = self.org.name or name
        self.org.code = self.org.code or code
        self.claim(root.line, "org", "org", root.label)
        for node in root.children:
            parsed = split_code_name(node.label)
            if parsed.code is None:
                _add(self.org.notes, node.label)
                self.claim(node.line, "note", "org", node.label)
                continue
            self.org.group(parsed.code, parsed.name)
            self.claim(node.line, "group", parsed.code, node.label)
        self._consumed.add(id(block))

    def _department_of(self, heading: Heading) -> Draft | None:
        parsed = split_code_name(_TREE_WORD.sub("", clean(heading.text)))
        if parsed.code is None:
            return None
        if parsed.code in self.org.groups or heading.level <= 2:
            name = parsed.name if not _TREE_WORD.search(clean(heading.text)) else ""
            return self.org.group(parsed.code, name)
        return None

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
        if isinstance(block, Table):
            self._table(block, department)
        elif isinstance(block, CodeBlock):
            title = clean(section.title())
            if department is not None and looks_like_tree(block.text):
                self._tree(block, department)
            elif (on_call := rotation(block.text, title)) is not None:
                self.org.rotations.append(on_call)
                self.claim(block.line, "oncall", target, block.text, block.end_line)
            elif (message := template(block.text, title)) is not None:
                if message not in self.org.templates:
                    self.org.templates.append(message)
                self.claim(block.line, "template", target, block.text, block.end_line)
            else:
                _add(notes, block.text.rstrip())
                self.claim(block.line, "note", target, block.text, block.end_line)
        elif isinstance(block, Quote):
            self._quote(block, department)
        elif isinstance(block, Paragraph):
            described = department.description if department else self.org.description
            if block.text in described:  # the same document read twice, or an earlier version
                self.claim(block.line, "description", target, block.text, block.end_line)
            elif department is not None and not department.description and not department.children:
                department.description.append(block.text)
                self.claim(block.line, "description", target, block.text, block.end_line)
            elif department is None and self.org.groups == {} and not self.org.description:
                self.org.description.append(block.text)
                self.claim(block.line, "description", target, block.text, block.end_line)
            else:
                _add(notes, block.text)
                self.claim(block.line, "note", target, block.text, block.end_line)
        elif isinstance(block, ListBlock) and all(i.checked is not None for i in block.items):
            title = clean(section.title()) or "Checklist"
            gate = {"id": slug(title), "name": title, "checks": [i.text for i in block.items]}
            if gate not in self.org.gates:
                self.org.gates.append(gate)
            for item in block.items:
                self.claim(item.line, "gate", target, item.text)
        elif isinstance(block, ListBlock):
            items = _flatten(block.items)
            starts = [item.line for item in items] + [block.end_line + 1]
            for item, next_start in zip(items, starts[1:], strict=False):
                text = "\n".join([item.text, *item.extra])
                _add(notes, text)
                # An item runs until the next one starts (continuation lines included).
                self.claim(item.line, "note", target, text, max(item.line, next_start - 1))
        elif isinstance(block, Html):
            _add(notes, block.text.strip())
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
            _add(department.notes if department else self.org.notes, body)
            self.claim(block.line, "note", owner or "org", block.text, block.end_line)

    # -- breakdown tables ---------------------------------------------------------------

    def _table(self, table: Table, department: Draft | None) -> None:
        roles = classify_columns(table.header)
        target = department.code if department else "org"
        self.claim(table.line, "section", target, " | ".join(table.header))
        for line, message in table.problems:
            self.report.problem(self.loc(line), message)
        if Column.GROUP not in roles and Column.CODE not in roles:
            if self._team_table(table, target):
                return
            notes = department.notes if department else self.org.notes
            for row in table.rows:
                text = "; ".join(
                    f"{head}: {cell.text}"
                    for head, cell in zip(table.header, row, strict=False)
                    if cell.text
                )
                _add(notes, text)
                self.claim(row[0].line if row else table.line, "note", target, text)
            return
        for row in table.rows:
            self._row(table, roles, row, department)

    def _team_table(self, table: Table, target: str) -> bool:
        """A role registry or roster, or a KPI table; False when the table is neither."""
        found_roles = role_rows(table)
        if found_roles:
            for role in found_roles:
                line = role.pop("line")
                known = self.org.roles.setdefault(
                    role["id"], {"id": role["id"], "name": role["name"]}
                )
                for key, value in role.items():
                    if isinstance(value, list):
                        known.setdefault(key, [])
                        known[key].extend(v for v in value if v not in known[key])
                    else:
                        known.setdefault(key, value)
                self.claim(line, "role", target, role["name"])
            return True
        found_kpis = kpi_rows(table)
        if found_kpis:
            for text, note, line in found_kpis:
                if (text, note) not in self.org.kpis:
                    self.org.kpis.append((text, note))
                self.claim(line, "kpi", target, text)
            return True
        return False

    def _row(
        self, table: Table, roles: list[Column], row: list[Cell], department: Draft | None
    ) -> None:
        cells = dict(zip(roles, row, strict=False))
        line = row[0].line if row else table.line
        label = ""
        if Column.GROUP in cells:
            cell = cells[Column.GROUP]
            label = cell.bold or cell.text
        code_cell, name_cell = cells.get(Column.CODE), cells.get(Column.NAME)
        if code_cell is not None:
            label = f"{code_cell.text} {name_cell.text if name_cell else ''}".strip()
        parsed = split_code_name(clean(label.replace("\n", " ")))
        if not parsed.code:
            text = " | ".join(cell.text for cell in row)
            self.report.problem(self.loc(line), f"table row names no group code: {text[:60]!r}")
            notes = department.notes if department else self.org.notes
            _add(notes, text)
            self.claim(line, "note", department.code if department else "org", text)
            return
        kind = KINDS[1] if department is not None else KINDS[0]
        squad = (
            department.child(parsed.code, parsed.name, kind)
            if department
            else self.org.group(parsed.code, parsed.name)
        )
        path = f"{department.code}/{squad.code}" if department else squad.code
        for marker in parsed.markers:
            _add(squad.notes, f"Marked ({marker}) in the document")
        self.claim(line, "group", path, label)
        for role, head, cell in zip(roles, table.header, row, strict=False):
            if role in (Column.GROUP, Column.CODE, Column.NAME) or not cell.text:
                continue
            self._cell(role, head, cell, squad, path)

    def _cell(self, role: Column, head: str, cell: Cell, squad: Draft, path: str) -> None:
        items = cell.items if len(cell.items) > 1 else [cell.text.replace("\n", " ")]
        if role is Column.UNITS:
            for item in items:
                unit = split_code_name(item)
                if unit.code is None:
                    _add(squad.notes, f"{head}: {item}")
                    self.claim(cell.line, "note", path, item)
                    continue
                squad.child(unit.code, unit.name, _deeper(squad.kind))
                self.claim(cell.line, "unit", f"{path}/{unit.code}", item)
        elif role is Column.RESPONSIBILITIES:
            listed = items if len(items) > 1 else split_list(items[0])
            squad.table_responsibilities.extend(
                x for x in listed if x not in squad.table_responsibilities
            )
            _add(squad.description, cell.text.replace("\n", "; "))
            self.claim(cell.line, "responsibility", path, cell.text)
        elif role is Column.STACK:
            for item in items if len(items) > 1 else split_list(items[0]):
                _add(squad.stack, item)
            self.claim(cell.line, "stack", path, cell.text)
        elif role is Column.KPIS:
            for item in items:
                _add(squad.kpis, item)
            self.claim(cell.line, "kpi", path, cell.text)
        elif role is Column.DEPENDENCIES:
            for item in items:
                phrases = parse_dependencies(item)
                if phrases is None:
                    _add(squad.notes, f"{head}: {item}")
                    self.report.problem(
                        self.loc(cell.line), f"not a dependency phrase: {item!r} (kept as a note)"
                    )
                    self.claim(cell.line, "note", path, item)
                    continue
                squad.dependencies.extend(p for p in phrases if p not in squad.dependencies)
                self.claim(cell.line, "dependency", path, item)
        elif role is Column.BOUNDARY:
            _add(squad.boundaries, cell.text.replace("\n", "; "))
            self.claim(cell.line, "boundary", path, cell.text)
        else:
            _add(squad.notes, f"{head}: {cell.text.replace(chr(10), '; ')}")
            self.claim(cell.line, "note", path, cell.text)

    # -- trees --------------------------------------------------------------------------

    def _tree(self, block: CodeBlock, department: Draft) -> None:
        tree = parse_box_tree(block.text, block.line)
        for line, message in tree.problems:
            self.report.problem(self.loc(line), f"tree: {message}")
        for line, text in tree.stray:
            _add(department.notes, text)
            self.claim(line, "note", department.code, text)
        for root in tree.roots:
            parsed = split_code_name(root.label)
            if parsed.code == department.code:  # the root line is the department itself
                if parsed.name and not _same(parsed.name, department.name):
                    _add(department.notes, f"Also written as: {parsed.name}")
                self.claim(root.line, "group", department.code, root.label)
                self._tree_children(root, department, department.code)
            else:
                self._tree_children(TreeNode("", root.line, 1, [root]), department, department.code)

    def _tree_children(self, node: TreeNode, group: Draft, path: str) -> None:
        for child in node.children:
            inline = parse_inline_list(child.label)
            label = clean(inline[0]).lower() if inline else ""
            items = [*inline[1], *(c.label for c in child.children)] if inline else []
            if inline and label in _RESPONSIBILITY_LABELS:
                for item in items:
                    _add(group.responsibilities, item)
                self._claim_subtree(child, "responsibility", path)
            elif inline and label in _KPI_LABELS:
                for item in items:
                    _add(group.tree_kpis, item)
                self._claim_subtree(child, "kpi", path)
            else:
                parsed = split_code_name(child.label)
                if parsed.code is None:
                    _add(group.notes, child.label)
                    self.claim(child.line, "note", path, child.label)
                    self._tree_children(child, group, path)
                    continue
                sub = group.child(parsed.code, parsed.name, _deeper(group.kind))
                self.claim(child.line, "group", f"{path}/{sub.code}", child.label)
                self._tree_children(child, sub, f"{path}/{sub.code}")

    def _claim_subtree(self, node: TreeNode, kind: str, path: str) -> None:
        for item in node.walk():
            self.claim(item.line, kind, path, item.label)


def _deeper(kind: str) -> str:
    return KINDS[min(KINDS.index(kind) + 1, len(KINDS) - 1)] if kind in KINDS else "unit"


def _flatten(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out


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
        _Builder(org, report, doc).run()
    return org
