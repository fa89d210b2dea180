"""Groups drawn as a text tree: box-drawing (``├──``, ``+--``, ``|--``, `` `-- ``) or an
indented list (``- Name`` or bare names, any indentation), in or out of code blocks,
any depth, a group's facts inline ("Claims  (lead: A. Name)").

Imports ``structure.boxtree`` (the box-drawing shape), ``structure.names`` and
``structure.outline``. A tree whose labels are mostly not names (items of work, tools)
is not an org chart; one root named like the document's title is the org itself.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.structure.boxtree import TreeNode, looks_like_tree, parse_box_tree
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import Node, Outline, Piece, name_key

__all__ = ["parse_text_tree", "read_text_tree", "same_as_title"]

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•]\s+)?(?P<label>\S.*?)\s*$")


def parse_text_tree(text: str, first_line: int) -> list[TreeNode] | None:
    """The roots of a tree drawn in ``text`` (a code block starting at ``first_line``), or
    None when it is no tree: box drawing, or at least three lines on two indentations."""
    if looks_like_tree(text):
        drawn = parse_box_tree(text, first_line).roots
        return drawn or None
    lines = [(first_line + i, line) for i, line in enumerate(text.split("\n")) if line.strip()]
    if len(lines) < 3:
        return None
    indents = {len(line) - len(line.lstrip()) for _, line in lines}
    if len(indents) < 2:
        return None
    roots: list[TreeNode] = []
    stack: list[tuple[int, TreeNode]] = []
    for number, line in lines:
        found = _BULLET.match(line)
        assert found is not None
        indent = len(found["indent"].expandtabs(4))
        node = TreeNode(found["label"], number, indent + 1)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((indent, node))
    return roots


def same_as_title(label: str, title: str) -> bool:
    """A tree's root that is the org the document's title names ("Digital" under
    "Copperleaf Energy — Digital", "Fernway Health Engineering")."""
    root, head = name_key(label), name_key(title)
    return bool(root) and bool(head) and (root == head or root in head or head in root)


def _label(node: TreeNode) -> tuple[str, str]:
    return split_inline_facts(node.label.strip().strip("*_"))


def tree_is_org_chart(roots: list[TreeNode]) -> bool:
    """Most labels below the roots are names, and some name has a child."""
    below = [n for root in roots for n in root.walk()[1:]]
    named = [n for n in below if is_name(_label(n)[0])]
    return len(named) >= 2 and len(named) * 4 >= len(below) * 3


def read_text_tree(
    roots: list[TreeNode], outline: Outline, title: str, shape: str
) -> list[TreeNode]:
    """Nodes for the tree's names (its one root is the org when the title names it);
    returns the tree lines that are not names, for notes."""
    outline.recognized(shape)
    left: list[TreeNode] = []
    tops: list[tuple[TreeNode, Node | None]] = []
    if len(roots) == 1 and same_as_title(_label(roots[0])[0], title):
        left.append(roots[0])
        tops = [(child, None) for child in roots[0].children]
    else:
        tops = [(root, None) for root in roots]
    stack = list(reversed(tops))
    while stack:
        tree_node, up = stack.pop()
        name, facts = _label(tree_node)
        if not is_name(name):
            if up is not None:
                up.pieces.append(Piece("note", tree_node.label, tree_node.line))
            else:
                left.append(tree_node)
            stack.extend((child, up) for child in reversed(tree_node.children))
            continue
        node = outline.node(name, tree_node.line, shape)
        node.pieces.append(Piece("named", tree_node.label, tree_node.line))
        if facts:
            node.pieces.append(Piece("text", facts, tree_node.line))
        outline.link(node, up, shape, tree_node.line)
        stack.extend((child, node) for child in reversed(tree_node.children))
    return left
