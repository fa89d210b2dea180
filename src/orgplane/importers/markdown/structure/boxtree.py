"""A parser for the box-drawing trees org documents draw in code blocks.

Pure; imports ``errors``-free stdlib only. It reads the shape, not the words: any
connector family (``├─``/``└─``, heavy ``┣━``, double ``╠═``, ASCII ``|--``/``+--``/
```--``), any indentation width, any depth. A node's parent is the nearest line above
it whose connector sits further left. Lines that are only guides (``│``) are spacing.
Text that is not part of the tree's shape is returned as a stray line, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["BoxTree", "TreeNode", "looks_like_tree", "parse_box_tree"]

_GUIDES = set("│┃║|¦:  \t")
_BOX_CHARS = set("┌┐┘┬┴┼▼▲►◄")


@dataclass(slots=True)
class TreeNode:
    """One labelled line of a tree, with the lines hanging below it."""

    label: str
    line: int  #: 1-based line in the source document
    col: int  #: 1-based column of the label
    children: list[TreeNode] = field(default_factory=list)

    def walk(self) -> list[TreeNode]:
        out: list[TreeNode] = []
        stack = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


@dataclass(slots=True)
class BoxTree:
    """A parsed tree: its roots, lines that were not part of it, and shape problems."""

    roots: list[TreeNode]
    stray: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def looks_like_tree(text: str) -> bool:
    """True when a code block is drawn as a tree (branches with labels), not a box chart."""
    lines = text.splitlines()
    if any(ch in _BOX_CHARS for line in lines for ch in line if ch not in "└"):
        # Box charts use corners and arrows; a tree's only corner is the last-branch glyph.
        boxy = sum(1 for line in lines if any(ch in "┌┐┘▼" for ch in line))
        if boxy:
            return False
    branches = sum(1 for line in lines if _match(line) is not None)
    return branches >= 2


# One match per line: guides (a "|" counts as a guide unless strokes follow it), then
# the connector and the label. The connector's column is the length of the guides.
_LINE = re.compile(
    r"^(?P<guides>(?:[│┃║¦:\s]|\|(?![─━═\-]))*)"
    r"(?:[├└┣┗╠╚┝┕╰╟╙]|[|+`\\])(?:[─━═\-]+)[>►▶]?\s*(?P<label>\S.*)$"
)


def _match(line: str) -> tuple[int, str] | None:
    """The connector's column (0-based) and the label, if the line is a branch."""
    found = _LINE.match(line)
    if found is None:
        return None
    return len(found.group("guides")), found.group("label").rstrip()


def parse_box_tree(text: str, first_line: int = 1) -> BoxTree:
    """Parse the lines of one code block; ``first_line`` is the block's first line number."""
    roots: list[TreeNode] = []
    stray: list[tuple[int, str]] = []
    problems: list[tuple[int, str]] = []
    # (connector column, node); the root sits at column -1 so every branch nests under it.
    stack: list[tuple[int, TreeNode]] = []
    sibling_cols: dict[int, int] = {}  # id(parent) -> column its children use

    for offset, raw in enumerate(text.splitlines()):
        number = first_line + offset
        line = raw.rstrip()
        if not line.strip() or all(ch in _GUIDES for ch in line):
            continue
        found = _match(line)
        if found is None:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if not stack or indent == 0:
                node = TreeNode(stripped, number, indent + 1)
                roots.append(node)
                stack = [(-1, node)]
            else:
                stray.append((number, stripped))
            continue
        col, label = found
        if not stack:
            # A tree whose first line is already a branch: give it an unlabelled root.
            problems.append((number, "tree starts with a branch, not a root line"))
            node = TreeNode(label, number, col + 1)
            roots.append(node)
            stack = [(-1, node)]
            continue
        while len(stack) > 1 and stack[-1][0] >= col:
            stack.pop()
        parent = stack[-1][1]
        expected = sibling_cols.setdefault(id(parent), col)
        if expected != col:
            problems.append(
                (
                    number,
                    f"'{label}' is indented to column {col + 1}, its siblings to {expected + 1}",
                )
            )
        node = TreeNode(label, number, line.index(label, col) + 1)
        parent.children.append(node)
        stack.append((col, node))
    return BoxTree(roots, stray, problems)
