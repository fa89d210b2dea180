"""Markdown export in the org documents' own shapes: the top tree, then per department an
"Organizational Breakdown" table and a box-drawing tree.

Imports ``orgplane.model`` and the exporters' ``_common`` only. The output is what a
department head would paste into the documents they already keep, so it follows their
layout (``## **1A – Name**``, ``**A-1 Name**`` cells, `` <br> `` between list items,
``├─``/``└─`` trees) rather than inventing a new one. Spec order is kept throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from orgplane.exporters._common import dependency_phrase, group_label, one_line
from orgplane.model import Group, Org
from orgplane.model.notes import shown_notes

__all__ = ["export_markdown", "render_tree"]

_CELL_JOIN = " <br> "
_LONGEST_BACKTICK_RUN = re.compile(r"`+")
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


@dataclass(slots=True)
class _Node:
    """One line of a box-drawing tree and the lines hanging below it."""

    label: str
    children: list[_Node] = field(default_factory=list)


def export_markdown(org: Org) -> str:
    """The whole org as one Markdown document."""
    blocks: list[str] = [f"# **{_html(one_line(org.name))}**"]
    if org.description:
        blocks.append(_html(org.description.strip()))
    blocks.extend(_quote("Note", note) for note in shown_notes(org.notes) if note.strip())
    blocks.append(_code_block(_top_tree(org)))
    for group in org.groups:
        blocks.extend(_department(group))
    return "\n\n".join(blocks) + "\n"


def _top_tree(org: Org) -> list[str]:
    lines = [one_line(f"{org.name}  ({org.code})")]
    if org.groups:
        lines.append("│")
    for i, group in enumerate(org.groups):
        branch = "└─" if i == len(org.groups) - 1 else "├─"
        lines.append(f"{branch} {one_line(f'{group.code}  {group.name}')}")
    return lines


def _department(group: Group) -> list[str]:
    title = _html(one_line(f"{group.code} – {group.name}"))
    blocks = [f"## **{title}**"]
    if group.description:
        blocks.append(_html(group.description.strip()))
    blocks.extend(_quote("Note", note) for note in shown_notes(group.notes) if note.strip())
    blocks.extend(_quote("Boundary", text) for text in group.boundaries if text.strip())
    if group.groups:
        blocks.append("## 📌 Organizational Breakdown")
        blocks.append(_breakdown_table(group.groups))
    blocks.append(f"## **{title} Tree**")
    blocks.append(_code_block(_group_tree(group)))
    return blocks


def _quote(label: str, text: str) -> str:
    lines = _html(text.strip()).splitlines()
    first = f"> **{label}:** {lines[0]}"
    return "\n".join([first, *(f"> {line}".rstrip() for line in lines[1:])])


# -- the breakdown table ------------------------------------------------------------------


def _breakdown_table(squads: list[Group]) -> str:
    with_stack = any(squad.stack for squad in squads)
    with_dependencies = any(squad.dependencies for squad in squads)
    header = ["Squad", "Internal Units (Sub-Teams)", "Responsibilities"]
    if with_stack:
        header.append("Key Stack & Tools")
    header.append("KPIs / Objectives")
    if with_dependencies:
        header.append("Critical Dependencies")
    rows = [_row(header), "|" + "|".join("-" * (len(title) + 2) for title in header) + "|"]
    for squad in squads:
        cells = [
            f"**{_cell(group_label(squad))}**",
            _cells(_unit_labels(squad)),
            _cells(squad.responsibilities),
        ]
        if with_stack:
            cells.append(_cells(str(item) for item in squad.stack))
        cells.append(_cells(kpi.text for kpi in squad.kpis))
        if with_dependencies:
            cells.append(_cells(dependency_phrase(dep) for dep in squad.dependencies))
        rows.append(_row(cells))
    return "\n".join(rows)


def _unit_labels(squad: Group) -> list[str]:
    """Every group below a squad; deeper ones carry the codes above them (``U-C1/X-1 Name``)
    so a table cell still says where they sit."""
    labels: list[str] = []
    stack: list[tuple[str, Group]] = [("", child) for child in reversed(squad.groups)]
    while stack:
        prefix, group = stack.pop()
        labels.append(f"{prefix}{group_label(group)}")
        inner = f"{prefix}{group.code}/"
        stack.extend((inner, child) for child in reversed(group.groups))
    return labels


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cells(items: Iterable[str]) -> str:
    return _CELL_JOIN.join(_cell(item) for item in items)


def _cell(text: str) -> str:
    # A pipe would end the cell and a line break the row; both are legal in spec text.
    # Backslashes are doubled first so a trailing one cannot swallow the pipe's escape.
    return _html(one_line(text)).replace("\\", "\\\\").replace("|", "\\|")


def _html(text: str) -> str:
    """Spec text with ``<`` and ``>`` as entities: Markdown renderers pass HTML through, so
    ``<script>`` or ``<details ontoggle=…>`` in a name would run where the export is shown.
    An ``&`` becomes ``&amp;`` only where it would start an entity (``&lt;`` written in the
    spec stays that text); "R&D" and "Facilities & Infra" stay as the documents write them.
    Code blocks need none of this (nothing in them is read as HTML)."""
    return _ENTITY_START.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


# -- the box-drawing tree -----------------------------------------------------------------


def render_tree(org: Org, *, depth: int | None = None, details: bool = False) -> str:
    """The org as one box-drawing tree of its groups, drawn like the documents draw it.

    ``depth`` limits the levels shown below the org; ``details`` adds each group's
    responsibilities and KPIs, as the department trees of the documents do.
    """
    roots = [_tree_node(group, depth=depth, details=details) for group in org.groups]
    return "\n".join(_group_tree(_Node(one_line(f"{org.name}  ({org.code})"), roots))) + "\n"


def _tree_node(group: Group, *, depth: int | None = None, details: bool = True) -> _Node:
    # Recursion depth is bounded by the spec reader's nesting limit.
    below = None if depth is None else depth - 1
    children = (
        []
        if below == 0
        else [_tree_node(child, depth=below, details=details) for child in group.groups]
    )
    if not details:
        return _Node(group_label(group), children)
    if group.responsibilities:
        children.append(
            _Node("Responsibilities:", [_Node(one_line(text)) for text in group.responsibilities])
        )
    if group.kpis:
        children.append(_Node("KPIs:", [_Node(one_line(kpi.text)) for kpi in group.kpis]))
    return _Node(group_label(group), children)


def _group_tree(group: Group | _Node) -> list[str]:
    root = group if isinstance(group, _Node) else _tree_node(group)
    lines = [root.label]
    for i, child in enumerate(root.children):
        # The documents put a bare "│" before each first-level branch, nowhere else.
        lines.append("│")
        _branch(child, "", i == len(root.children) - 1, lines)
    return lines


def _branch(node: _Node, prefix: str, last: bool, lines: list[str]) -> None:
    lines.append(f"{prefix}{'└─' if last else '├─'} {node.label}")
    inner = prefix + ("    " if last else "│   ")
    for i, child in enumerate(node.children):
        _branch(child, inner, i == len(node.children) - 1, lines)


def _code_block(lines: list[str]) -> str:
    body = "\n".join(line.rstrip() for line in lines)
    longest = max((len(run) for run in _LONGEST_BACKTICK_RUN.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"
